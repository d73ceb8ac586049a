"""The bot calls a person (P7) on frustration, confusion, the model's own doubt and repeated
model failures: the customer is told once, the conversation is marked with its reason."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.conversations.models import Conversation
from domain.operations.models import AuditLog
from tests.fakes.gemini import FakeGemini
from tests.support import reads
from tests.support.chat import customer_writes, filed, replies
from tests.support.factories import MakeCompany
from tests.support.waiting import eventually


async def handed_off(engine: AsyncEngine, company_id: int) -> tuple[str, str | None, str]:
    """The conversation's status and reason, and what triggered the handoff (its audit)."""
    [talk] = await reads.rows(engine, Conversation, tenant=company_id)
    handoff = AuditLog.action == "conversation.handoff"
    audited = await reads.value(engine, AuditLog.after, tenant=company_id, where=handoff)
    return (talk.status, talk.handoff_reason, audited["trigger"])


async def test_a_customer_upset_twice_goes_to_a_person(
    client: Any, acme_on_gemini: Any, engine: AsyncEngine, worker: Any, gemini: FakeGemini
) -> None:
    acme = acme_on_gemini
    await customer_writes(client, "u1", "que absurdo, ninguém me responde!")
    await eventually(lambda: replies(engine, acme.company.id, 1))
    await customer_writes(client, "u2", "péssimo atendimento, continuo esperando")
    [first, second] = await eventually(lambda: replies(engine, acme.company.id, 2))
    assert first.source == "llm"
    assert second.source == "handoff" and "Sinto muito" in second.body and "Maria" in second.body
    assert await handed_off(engine, acme.company.id) == (
        "handoff",
        "unsupported_request",
        "repeated_frustration",
    )
    await customer_writes(client, "u3", "alô?")
    await eventually(lambda: filed(engine, acme.company.id, 3))
    assert len(await replies(engine, acme.company.id, 0)) == 2  # told once, then quiet
    assert len(gemini.requests) == 1


async def test_three_messages_the_offline_bot_cannot_place_go_to_a_person(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, worker: Any
) -> None:
    acme = await make_company("acme")  # no Gemini: the offline responder answers
    for i, words in enumerate(("xpto", "hmm zzz", "blablabla"), start=1):
        await customer_writes(client, f"o{i}", words)
        await eventually(lambda i=i: replies(engine, acme.company.id, i))
    rows = await replies(engine, acme.company.id, 3)
    assert [r.source for r in rows] == ["offline", "offline", "handoff"]
    assert "não estou entendendo" in rows[2].body
    assert (await handed_off(engine, acme.company.id))[1:] == (
        "pending_clarification",
        "not_understood",
    )


async def test_the_model_saying_it_cannot_answer_calls_a_person(
    client: Any, acme_on_gemini: Any, engine: AsyncEngine, worker: Any, gemini: FakeGemini
) -> None:
    acme = acme_on_gemini
    gemini.reply = "[[ATENDENTE]]"
    await customer_writes(client, "k1", "vocês aceitam o convênio Unimed Plus Master?")
    [reply] = await eventually(lambda: replies(engine, acme.company.id, 1))
    assert reply.source == "handoff" and "[[" not in reply.body
    assert (reply.tokens_in, reply.tokens_out) == (120, 30)  # the call still cost tokens
    assert (await handed_off(engine, acme.company.id))[1:] == (
        "missing_knowledge",
        "model_declined",
    )


async def test_the_model_failing_twice_in_a_row_calls_a_person(
    client: Any, acme_on_gemini: Any, engine: AsyncEngine, worker: Any, gemini: FakeGemini
) -> None:
    acme = acme_on_gemini
    gemini.script += [(503, "overloaded")] * 50
    await customer_writes(client, "f1", "quero marcar uma consulta")
    await eventually(lambda: replies(engine, acme.company.id, 1))
    await customer_writes(client, "f2", "e para sexta?")
    [first, second] = await eventually(lambda: replies(engine, acme.company.id, 2))
    assert first.source == "fallback"
    assert second.source == "handoff" and "instabilidade" in second.body
    assert (await handed_off(engine, acme.company.id))[1] == "tool_failure"
