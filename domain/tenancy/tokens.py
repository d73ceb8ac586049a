"""Random secrets and their stored digests."""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_secret(nbytes: int = 32) -> str:
    """A URL-safe random secret (256 bits by default)."""
    return secrets.token_urlsafe(nbytes)


def digest(token: str) -> str:
    """SHA-256 hex digest, for tokens we only ever compare (never show again)."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(token: str | None, stored_digest: str | None) -> bool:
    """Constant-time comparison of a presented token with a stored digest."""
    if not token or not stored_digest:
        return False
    return hmac.compare_digest(digest(token), stored_digest)
