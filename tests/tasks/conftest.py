"""Fakes and helpers of the pipeline tests: a fake Gemini for the real SDK, and ways to
configure a company, post a customer's message and read the replies."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import MakeCompany, post_webhook, text_body, use_gemini
from tests.fakes.gemini import FakeGemini


async def post(client: Any, message_id: str, words: str) -> None:
    body = text_body(message_id, words, pushName="Maria Souza")
    assert (await post_webhook(client, body)).status_code == 202


async def replies(engine: AsyncEngine, company_id: int, n: int) -> list[Any] | None:
    async with engine.connect() as conn:
        rows = list(
            await conn.execute(
                text(
                    f"SELECT body, source, tokens_in, tokens_out, status FROM tenant_{company_id}.messages "
                    "WHERE direction = 'outbound' ORDER BY id"
                )
            )
        )
    return rows if len(rows) >= n else None


@pytest.fixture
async def acme_on_gemini(make_company: MakeCompany, engine: AsyncEngine, gemini: FakeGemini) -> Any:
    """Company "acme" answering through the fake Gemini."""
    acme = await make_company("acme")
    await use_gemini(engine, acme.company.id, gemini.url)
    return acme
