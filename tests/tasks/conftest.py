"""The companies most pipeline tests start from."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.fakes.gemini import FakeGemini
from tests.fakes.receiver import FakeReceiver
from tests.fakes.server import LocalServer
from tests.fakes.whaticket import FakeWhaticket
from tests.support.factories import MakeCompany, configure, gemini_at, whaticket_at


@pytest.fixture
async def acme_on_gemini(make_company: MakeCompany, engine: AsyncEngine, gemini: FakeGemini) -> Any:
    """Company "acme" answering through the fake Gemini."""
    acme = await make_company("acme")
    await configure(engine, acme.company.id, gemini=gemini_at(gemini.url))
    return acme


@pytest.fixture
async def acme_on_whaticket(
    make_company: MakeCompany, engine: AsyncEngine, whaticket: FakeWhaticket
) -> Any:
    """Company "acme" sending its replies through the fake Whaticket."""
    acme = await make_company("acme")
    await configure(engine, acme.company.id, whaticket=whaticket_at(whaticket))
    return acme


@pytest.fixture
async def receiver() -> AsyncIterator[FakeReceiver]:
    """A company endpoint (the alert URL) that records what our webhooks POST to it."""
    fake = FakeReceiver()
    async with LocalServer(fake.app()) as url:
        fake.url = f"{url}/hooks"  # type: ignore[attr-defined]
        yield fake
