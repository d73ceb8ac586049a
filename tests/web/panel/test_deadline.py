"""A panel action waiting on an outside system that never answers gives up before Hypercorn
drops the connection (WEB_READ_TIMEOUT_SECONDS), and says so in Portuguese."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.settings import Settings
from tests.support.factories import Cast, configure
from tests.support.panel import htmx_headers, log_in

SETTINGS = "/painel/configuracoes"


@pytest.fixture
async def silent() -> AsyncIterator[str]:
    """A server that accepts connections and never answers (a hung Cal.com)."""
    held: list[asyncio.StreamWriter] = []

    async def accept(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}/v2"
    for writer in held:
        writer.close()
    server.close()


@pytest.fixture
async def quick_app(settings: Settings) -> AsyncIterator[Any]:
    from web.app import create_app

    app = create_app(settings.model_copy(update={"web_read_timeout_seconds": 3}))
    async with app.test_app() as test_app:
        yield test_app


async def test_a_hung_calcom_is_reported_before_the_connection_would_drop(
    quick_app: Any, engine: AsyncEngine, settings: Settings, cast: Cast, silent: str
) -> None:
    await configure(
        engine, cast.a.company.id, cal={"base_url": silent, "api_key": "k", "event_type_id": 1}
    )
    client = quick_app.test_client()
    await log_in(client, cast.owner, cast.password)
    headers = await htmx_headers(client, SETTINGS)
    loop = asyncio.get_running_loop()
    began = loop.time()
    answer = await client.post(f"{SETTINGS}/calcom/testar", headers=headers)
    waited = loop.time() - began
    assert answer.status_code == 503
    assert "não respondeu a tempo" in await answer.get_data(as_text=True)
    # Without the deadline it waits out Cal.com's own timeout per attempt (retries included);
    # with it, a 1 s deadline: bounded far below the former, however slow the machine.
    assert waited < settings.cal_timeout_seconds
