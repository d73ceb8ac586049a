"""Webhook signatures (W1): hex(hmac_sha256(secret, f"{timestamp}." + raw_body)), ±300 s."""

from __future__ import annotations

import hashlib
import hmac

from domain.errors import Unauthorized


def same_digest(expected: str, presented: str) -> bool:
    """Constant-time comparison of a digest we computed with one a sender presented, whatever
    characters it holds (hmac.compare_digest refuses non-ASCII strings with a TypeError)."""
    return hmac.compare_digest(expected.encode(), presented.encode("utf-8", "surrogatepass"))


def unix_seconds(text: str) -> int | None:
    """A signature's timestamp as written by senders (ASCII digits, at most 20 of them), else
    None: int() would also read "١٧٠٠" or "1_700" and choke on thousands of digits."""
    stamp = text.strip()
    digits = stamp.removeprefix("-")
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 20):
        return None
    return int(stamp)


def sign(secret: str, timestamp: str | int, body: bytes) -> str:
    """The signature a sender puts in X-Signature."""
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify_signature(
    secrets: list[str],
    timestamp: str | None,
    signature: str | None,
    body: bytes,
    *,
    now: float,
    tolerance: int = 300,
) -> None:
    """Raise Unauthorized unless `signature` signs `body` at a fresh `timestamp`.

    Several secrets may be valid at once (a rotation's grace period); each is tried in
    constant time.
    """
    if not timestamp or not signature:
        raise Unauthorized("X-Timestamp and X-Signature are required", code="missing_signature")
    ts = unix_seconds(timestamp)
    if ts is None:
        raise Unauthorized("X-Timestamp must be Unix seconds", code="invalid_timestamp")
    if abs(now - ts) > tolerance:
        raise Unauthorized(
            f"X-Timestamp is outside the ±{tolerance} s window", code="stale_timestamp"
        )
    presented = signature.strip().lower().removeprefix("sha256=")
    valid = False
    for secret in secrets:
        # No early exit: the time taken does not tell which secret (if any) matched.
        valid |= same_digest(sign(secret, timestamp.strip(), body), presented)
    if not valid:
        raise Unauthorized("X-Signature does not match the body", code="invalid_signature")
