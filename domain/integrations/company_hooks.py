"""Our calls to a company's own webhook (plan alerts): JSON, HMAC-signed like the webhooks we
receive (X-Timestamp, X-Signature over f"{ts}." + body), so one verifier serves both ways."""

from __future__ import annotations

import time
from typing import Any

import httpx
import orjson

from domain.webhooks.signatures import sign


class HookFailed(Exception):
    """The company's endpoint did not take the event (retried by the job)."""


async def post_event(
    http: httpx.AsyncClient, url: str, secret: str, event: dict[str, Any], timeout: float = 10.0
) -> int:
    body = orjson.dumps(event)
    ts = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "SecretariaVirtual/1.0",
        "X-Timestamp": ts,
        "X-Signature": sign(secret, ts, body),
        "X-Event": str(event.get("event", "")),
    }
    try:
        response = await http.post(url, content=body, headers=headers, timeout=timeout)
    except httpx.HTTPError as error:
        raise HookFailed(f"{type(error).__name__}: {error}") from None
    if response.status_code >= 300:
        raise HookFailed(f"HTTP {response.status_code}")
    return response.status_code
