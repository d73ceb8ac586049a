"""The Whaticket client against a fake Whaticket speaking the fixtures' contract."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from domain.integrations.whaticket import (
    BOT_MARKER,
    WhaticketClient,
    WhaticketConfig,
    WhaticketError,
    classify,
    neutralise_mustache,
)
from domain.settings import Settings
from tests.fakes.server import LocalServer
from tests.fakes.whaticket import FakeWhaticket
from tests.support.paths import FIXTURES


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakeWhaticket, str]]:
    whaticket = FakeWhaticket()
    async with LocalServer(whaticket.app()) as url:
        yield whaticket, url


@pytest.fixture
async def client(redis: Any, settings: Settings) -> AsyncIterator[WhaticketClient]:
    async with httpx.AsyncClient(timeout=2.0) as http:
        yield WhaticketClient(http, redis, settings.redis_namespace)


async def test_token_mode_sends_number_and_marked_body(fake: Any, client: WhaticketClient) -> None:
    whaticket, url = fake
    sent = await client.send_text(
        WhaticketConfig(url, token=whaticket.token), 1, "5511999999999", "Olá {{name}}, tudo bem?"
    )
    assert sent.status == 200
    [payload] = whaticket.sent
    assert payload["number"] == "5511999999999"
    assert payload["body"].startswith(BOT_MARKER)
    assert "{{" not in payload["body"] and "Olá {\u200b{name}\u200b}" in payload["body"]


def test_mustache_is_neutralised_but_readable() -> None:
    assert neutralise_mustache("a {{b}} c") == "a {\u200b{b}\u200b} c"


async def test_wrong_token_is_a_permanent_auth_error(fake: Any, client: WhaticketClient) -> None:
    _, url = fake
    with pytest.raises(WhaticketError) as raised:
        await client.send_text(WhaticketConfig(url, token="wrong"), 1, "5511999999999", "oi")
    assert raised.value.kind == "auth" and not raised.value.retryable


async def test_login_mode_caches_the_jwt_until_it_expires(
    fake: Any, client: WhaticketClient, redis: Any, settings: Settings
) -> None:
    whaticket, url = fake
    config = WhaticketConfig(url, email=whaticket.email, password=whaticket.password)
    for _ in range(3):
        await client.send_text(config, 7, "5511999999999", "oi")
    assert whaticket.logins == 1 and len(whaticket.sent) == 3
    ttl = await redis.ttl(f"{settings.redis_namespace}:whaticket:jwt:7")
    assert 900 - 30 - 5 <= ttl <= 900 - 30


async def test_login_mode_logs_in_again_once_when_the_jwt_is_refused(
    fake: Any, client: WhaticketClient, redis: Any, settings: Settings
) -> None:
    whaticket, url = fake
    config = WhaticketConfig(url, email=whaticket.email, password=whaticket.password)
    await client.send_text(config, 7, "5511999999999", "primeira")
    cached = await redis.get(f"{settings.redis_namespace}:whaticket:jwt:7")
    whaticket.revoked.add(cached.decode())
    await client.send_text(config, 7, "5511999999999", "segunda")
    assert whaticket.logins == 2 and len(whaticket.sent) == 2


async def test_login_with_bad_credentials_is_an_auth_error(
    fake: Any, client: WhaticketClient
) -> None:
    _, url = fake
    with pytest.raises(WhaticketError) as raised:
        await client.send_text(
            WhaticketConfig(url, email="x@y", password="no"), 1, "5511999999999", "oi"
        )
    assert raised.value.kind == "auth"


async def test_unreachable_whaticket_is_temporary(client: WhaticketClient) -> None:
    with pytest.raises(WhaticketError) as raised:
        await client.send_text(
            WhaticketConfig("http://127.0.0.1:1", token="t"), 1, "5511999999999", "oi"
        )
    assert raised.value.retryable


EXPECTED_KIND = {
    "missing Authorization header": "auth",
    "wrong API token": "auth",
    "missing or wrong API token": "auth",
    "non-digit number": "invalid_number",
    "number not on WhatsApp": "invalid_number",
    "number check failed (session problem)": "temporary",
    "number not on WhatsApp / any plain Error": "temporary",
    "no default WhatsApp connection": "temporary",
    "WhatsApp send failed": "temporary",
    "unhandled exception (e.g. number missing)": "temporary",
    "login bad credentials": "auth",
    "refresh without/invalid jrt cookie": "auth",
    "expired/invalid access JWT on isAuth route": "auth",
}


@pytest.mark.parametrize(
    "case",
    json.loads((FIXTURES / "whaticket" / "error_responses.json").read_text()),
    ids=lambda c: f"{c['lineage']}:{c['case']}",
)
def test_every_fixture_error_is_classified(case: dict[str, Any]) -> None:
    error = classify(case["status"], json.dumps(case["body"]))
    assert error.kind == EXPECTED_KIND[case["case"]]
    assert error.retryable is (error.kind == "temporary")


@pytest.mark.parametrize("status", [429, 500, 502, 503])
async def test_server_errors_are_temporary(fake: Any, client: WhaticketClient, status: int) -> None:
    whaticket, url = fake
    whaticket.script.append((status, {"error": "Internal server error"}))
    with pytest.raises(WhaticketError) as raised:
        await client.send_text(
            WhaticketConfig(url, token=whaticket.token), 1, "5511999999999", "oi"
        )
    assert raised.value.retryable and raised.value.status == status
