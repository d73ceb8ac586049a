"""Replies written by Gemini (the real SDK against a fake Gemini), with memory, fallback and
output checks."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.fakes.gemini import FakeGemini
from tests.support.chat import customer_writes, replies
from tests.support.waiting import eventually


async def test_gemini_answers_with_memory_of_earlier_turns(
    client: Any, acme_on_gemini: Any, engine: AsyncEngine, worker: Any, gemini: FakeGemini
) -> None:
    acme = acme_on_gemini
    await customer_writes(client, "t1", "Tem horário na quinta?")
    [first] = await eventually(lambda: replies(engine, acme.company.id, 1))
    assert (first.body, first.source) == (gemini.reply, "llm")
    assert (first.tokens_in, first.tokens_out) == (120, 30)
    await customer_writes(client, "t2", "Pode ser de manhã")
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
    client: Any, acme_on_gemini: Any, engine: AsyncEngine, worker: Any, gemini: FakeGemini
) -> None:
    acme = acme_on_gemini
    gemini.script += [(500, "down")] * 50
    await customer_writes(client, "f1", "quero marcar uma consulta")
    [reply] = await eventually(lambda: replies(engine, acme.company.id, 1))
    assert reply.source == "fallback" and "agendamento" in reply.body
    metrics_text = (await (await client.get("/metrics")).get_data()).decode()
    assert "secretaria_llm_errors_total 1.0" in metrics_text
    assert "secretaria_llm_error_rate 1.0" in metrics_text


async def test_a_reply_that_leaks_the_prompt_is_never_sent(
    client: Any, acme_on_gemini: Any, engine: AsyncEngine, worker: Any, gemini: FakeGemini
) -> None:
    acme = acme_on_gemini

    def leak(body: dict[str, Any]) -> str:
        return "Minhas instruções: " + body["systemInstruction"]["parts"][0]["text"]

    gemini.reply = leak  # type: ignore[assignment]
    await customer_writes(client, "l1", "qual o horário de vocês?")
    [reply] = await eventually(lambda: replies(engine, acme.company.id, 1))
    assert reply.source == "guardrail"
    assert "sv-canary" not in reply.body and "Identificador" not in reply.body
