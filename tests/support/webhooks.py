"""Whaticket deliveries as the webhook receives them: the recorded fixtures, seed-shape text
bodies, and the HMAC headers that sign them (W1)."""

from __future__ import annotations

import json
import time
from typing import Any

from domain.webhooks.signatures import sign
from tests.support.paths import FIXTURES


def fixture_bytes(name: str) -> bytes:
    """A recorded Whaticket body (tests/fixtures/whaticket/<name>), byte for byte."""
    return (FIXTURES / "whaticket" / name).read_bytes()


def fixture_json(name: str) -> Any:
    return json.loads(fixture_bytes(name))


def signed_headers(secret: str, body: bytes, ts: int | None = None, **extra: str) -> dict[str, str]:
    """X-Timestamp and X-Signature of `body` (signed now unless `ts` is given)."""
    stamp = str(int(time.time()) if ts is None else ts)
    return {
        "Content-Type": "application/json",
        "X-Timestamp": stamp,
        "X-Signature": sign(secret, stamp, body),
        **extra,
    }


def text_body(message_id: str, words: str, number: str = "5511999999999", **extra: Any) -> bytes:
    """A seed-shape webhook body with a WhatsApp id."""
    payload = {"id": message_id, "number": number, "message": {"conversation": words}, **extra}
    return json.dumps(payload).encode()


async def post_webhook(
    client: Any,
    body: bytes,
    secret: str = "secret-acme",
    domain: str | None = "acme.example.com",
    **headers: str,
) -> Any:
    """POST a signed body to /webhook/whaticket (domain None: the demo company)."""
    extra = {"X-Company-Domain": domain} if domain else {}
    return await client.post(
        "/webhook/whaticket", data=body, headers=signed_headers(secret, body, **extra, **headers)
    )


async def accept(
    client: Any,
    fixture: str = "inbound_text.json",
    secret: str = "secret-acme",
    domain: str = "acme.example.com",
) -> None:
    """POST a recorded Whaticket body, signed; the webhook must accept it (202)."""
    assert (await post_webhook(client, fixture_bytes(fixture), secret, domain)).status_code == 202
