"""W1: HMAC over f"{X-Timestamp}." + raw body, ±300 s, constant-time comparison."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from domain.errors import Unauthorized
from domain.webhooks.signatures import sign, verify_signature

BODY = b'{"message": {"conversation": "ol\xc3\xa1"}, "number": "5511999999999"}'
NOW = 1_700_000_000


def test_signature_is_the_seed_formula() -> None:
    expected = hmac.new(b"minha-shared-secret", b"1700000000." + BODY, hashlib.sha256).hexdigest()
    assert sign("minha-shared-secret", NOW, BODY) == expected


def test_accepts_a_fresh_valid_signature() -> None:
    verify_signature(["k"], str(NOW), sign("k", NOW, BODY), BODY, now=NOW + 299)


def test_accepts_sha256_prefix_and_uppercase_hex() -> None:
    signature = "sha256=" + sign("k", NOW, BODY).upper()
    verify_signature(["k"], str(NOW), signature, BODY, now=NOW)


def test_accepts_any_of_several_valid_secrets() -> None:
    verify_signature(["old", "new"], str(NOW), sign("new", NOW, BODY), BODY, now=NOW)


@pytest.mark.parametrize(
    ("timestamp", "signature", "now", "code"),
    [
        (None, "x", NOW, "missing_signature"),
        (str(NOW), None, NOW, "missing_signature"),
        ("yesterday", "x", NOW, "invalid_timestamp"),
        (str(NOW), "deadbeef", NOW, "invalid_signature"),
        (str(NOW - 301), None, NOW, "missing_signature"),
    ],
)
def test_rejects_missing_or_malformed(
    timestamp: str | None, signature: str | None, now: int, code: str
) -> None:
    with pytest.raises(Unauthorized) as raised:
        verify_signature(["k"], timestamp, signature, BODY, now=now)
    assert raised.value.code == code


@pytest.mark.parametrize("skew", [-301, 301, 10_000])
def test_rejects_stale_or_future_timestamps(skew: int) -> None:
    ts = NOW + skew
    with pytest.raises(Unauthorized) as raised:
        verify_signature(["k"], str(ts), sign("k", ts, BODY), BODY, now=NOW)
    assert raised.value.code == "stale_timestamp"


def test_rejects_a_signature_made_with_another_secret() -> None:
    with pytest.raises(Unauthorized):
        verify_signature(["k"], str(NOW), sign("other", NOW, BODY), BODY, now=NOW)


def test_rejects_a_tampered_body() -> None:
    with pytest.raises(Unauthorized):
        verify_signature(["k"], str(NOW), sign("k", NOW, BODY), BODY + b" ", now=NOW)
