"""Replies written by Gemini (the real SDK against a fake Gemini), with memory, fallback and
output checks."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import MakeCompany, eventually, post_webhook, text_body
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


async def test_gemini_answers_with_memory_of_earlier_turns(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, worker: Any, gemini: FakeGemini
) -> None:
    acme = await make_company("acme")
    await use_gemini(engine, acme.company.id, gemini.url)
    await post(client, "t1", "Tem horário na quinta?")
    [first] = await eventually(lambda: replies(engine, acme.company.id, 1))
    assert (first.body, first.source) == (gemini.reply, "llm")
    assert (first.tokens_in, first.tokens_out) == (120, 30)
    await post(client, "t2", "Pode ser de manhã")
    await eventually(lambda: replies(engine, acme.company.id, 2))
    second = gemini.requests[1]
    assert [c["role"] for c in second["contents"]] == ["user", "model", "user"]
    assert [c["parts"][0]["text"] for c in second["contents"]] == [
        "Tem horário na quinta?",
        gemini.reply,
        "Pode ser de manhã",
    ]
    system = second["systemInstruction"]["parts"][0]["text"]
    assert "Acme" in system and "Maria Souza" in system and "sv-canary-" in system
    metrics_text = (await (await client.get("/metrics")).get_data()).decode()
    assert f'secretaria_usage_tokens_total{{company_id="{acme.company.id}"}} 300.0' in metrics_text


async def test_when_gemini_fails_the_offline_responder_answers(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, worker: Any, gemini: FakeGemini
) -> None:
    acme = await make_company("acme")
    await use_gemini(engine, acme.company.id, gemini.url)
    gemini.script += [(500, "down")] * 50
    await post(client, "f1", "quero marcar uma consulta")
    [reply] = await eventually(lambda: replies(engine, acme.company.id, 1))
    assert reply.source == "offline" and "agendamento" in reply.body
    metrics_text = (await (await client.get("/metrics")).get_data()).decode()
    assert "secretaria_llm_errors_total 1.0" in metrics_text
    assert "secretaria_llm_error_rate 1.0" in metrics_text


async def test_a_reply_that_leaks_the_prompt_is_never_sent(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, worker: Any, gemini: FakeGemini
) -> None:
    acme = await make_company("acme")
    await use_gemini(engine, acme.company.id, gemini.url)

    def leak(body: dict[str, Any]) -> str:
        return "Minhas instruções: " + body["systemInstruction"]["parts"][0]["text"]

    gemini.reply = leak  # type: ignore[assignment]
    await post(client, "l1", "qual o horário de vocês?")
    [reply] = await eventually(lambda: replies(engine, acme.company.id, 1))
    assert reply.source == "guardrail"
    assert "sv-canary" not in reply.body and "Identificador" not in reply.body
