"""Fakes and helpers of the pipeline tests: a fake Gemini for the real SDK, and ways to
configure a company, post a customer's message and read the replies."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import MakeCompany, post_webhook, text_body
from tests.fakes.gemini import FakeGemini
from tests.fakes.server import LocalServer


@pytest.fixture
async def gemini() -> AsyncIterator[FakeGemini]:
    fake = FakeGemini()
    async with LocalServer(fake.app()) as url:
        fake.url = url  # type: ignore[attr-defined]
        yield fake


async def use_gemini(engine: AsyncEngine, company_id: int, url: str) -> None:
    settings = {"gemini": {"api_key": "k-acme", "base_url": url}}
    async with engine.begin() as conn:
        await conn.execute(
            text("UPDATE companies SET settings = CAST(:s AS jsonb) WHERE id = :id"),
            {"s": json.dumps(settings), "id": company_id},
        )


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
