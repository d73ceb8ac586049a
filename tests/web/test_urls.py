"""Every URL the product shows is where people and systems reach it: PUBLIC_BASE_URL when
set, else the scheme and host the request came to (never a hard-coded localhost:8080)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from domain.settings import Settings
from scripts.run import console_base, welcome
from tests.support.factories import Cast
from tests.support.panel import logged_in
from web.app import create_app

SHOWN_URL = re.compile(r"<code>(https?://[^<]+/webhook/whaticket/acme/[\w-]+)</code>")


async def _shown_url(client: Any, cast: Cast, **headers: str) -> str:
    panel = await logged_in(client, cast.owner, cast.password, "/painel/configuracoes")
    response = await client.post("/painel/configuracoes/token-url", headers={**panel, **headers})
    found = SHOWN_URL.search(await response.get_data(as_text=True))
    assert found
    return found.group(1)


async def test_without_a_public_base_url_the_request_host_is_used(client: Any, cast: Cast) -> None:
    url = await _shown_url(client, cast, Host="painel.clinica.test:9000")
    assert url.startswith("http://painel.clinica.test:9000/webhook/whaticket/acme/")


async def test_public_base_url_wins(settings: Settings, cast: Cast) -> None:
    app = create_app(settings.model_copy(update={"public_base_url": "https://sv.example.com/"}))
    async with app.test_app():
        url = await _shown_url(app.test_client(), cast, Host="127.0.0.1:8080")
    assert url.startswith("https://sv.example.com/webhook/whaticket/acme/")


@pytest.mark.parametrize(
    ("host", "port", "public", "expected"),
    [
        ("127.0.0.1", 8123, None, "http://127.0.0.1:8123"),
        ("0.0.0.0", 9000, None, "http://localhost:9000"),
        ("::1", 9000, None, "http://[::1]:9000"),
        ("0.0.0.0", 9000, "https://painel.clinica.com.br/", "https://painel.clinica.com.br"),
    ],
)
def test_the_console_says_where_the_panel_is(
    host: str, port: int, public: str | None, expected: str
) -> None:
    config = Settings(host=host, port=port, public_base_url=public, admin_email="a@b.example")
    assert console_base(config) == expected
    assert welcome(config)[0] == f"Painel: {expected}/painel (entre com a@b.example)"
