"""The company most pipeline tests start from."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.fakes.gemini import FakeGemini
from tests.support.factories import MakeCompany, configure, gemini_at


@pytest.fixture
async def acme_on_gemini(make_company: MakeCompany, engine: AsyncEngine, gemini: FakeGemini) -> Any:
    """Company "acme" answering through the fake Gemini."""
    acme = await make_company("acme")
    await configure(engine, acme.company.id, gemini=gemini_at(gemini.url))
    return acme
