"""What a tenant sends (domain/conversations/outbox.py) over real PostgreSQL: a reply, an
operator's message and a batch of reminders land as the same kind of row, in the contact's
open conversation; a retried reply is the first one."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from domain.conversations import contacts, messages, outbox, store
from domain.conversations.models import Message
from domain.db import bind_tenant
from tests.support.factories import MakeCompany

PHONE = "5511988887777"


async def _filed_inbound(conn: AsyncConnection, words: str) -> Any:
    """An inbound message filed into its contact's conversation, as the inbound job does."""
    now = datetime.now(UTC)
    message_id = await messages.insert_inbound(
        conn,
        external_id=f"wa-{words}",
        phone=PHONE,
        body=words,
        kind="text",
        push_name="Ana",
        payload={},
        correlation_id="c-1",
        wa_timestamp=None,
    )
    assert message_id is not None
    contact_id = await contacts.upsert_contact(conn, PHONE, "Ana", None, now)
    conversation_id = await store.active_conversation(conn, contact_id, now)
    await messages.mark_filed(conn, message_id, contact_id, conversation_id)
    return await messages.message(conn, message_id)


async def test_reply_operator_message_and_reminder_batch_write_the_same_row(
    engine: AsyncEngine, make_company: MakeCompany
) -> None:
    company = (await make_company()).company.id
    async with engine.begin() as raw:
        conn = await bind_tenant(raw, company)
        inbound = await _filed_inbound(conn, "oi")
        reply_id, _ = await outbox.insert_reply(conn, inbound, "Olá!", "llm", "c-1")
        operator_id, phone = await outbox.insert_operator_message(
            conn, inbound.conversation_id, "Sou a Bia", "pending", "c-2"
        )
        [reminder_id] = await outbox.insert_outbound_many(
            conn,
            [outbox.Outbound(PHONE, "Ana", "Lembrete", "pending", "reminder")],
            datetime.now(UTC),
        )
        outbound = Message.direction == "outbound"
        rows = (
            await conn.execute(select(Message.__table__).where(outbound).order_by(Message.id))
        ).all()
    assert phone == PHONE
    assert [r.id for r in rows] == [reply_id, operator_id, reminder_id]
    assert {(r.direction, r.kind, r.status, r.phone) for r in rows} == {
        ("outbound", "text", "pending", PHONE)
    }
    assert {(r.contact_id, r.conversation_id) for r in rows} == {
        (inbound.contact_id, inbound.conversation_id)
    }
    assert [(r.source, r.reply_to_id) for r in rows] == [
        ("llm", inbound.id),
        ("operator", None),
        ("reminder", None),
    ]


async def test_a_retried_reply_is_the_first_one_not_a_second(
    engine: AsyncEngine, make_company: MakeCompany
) -> None:
    company = (await make_company()).company.id
    async with engine.begin() as raw:
        conn = await bind_tenant(raw, company)
        inbound = await _filed_inbound(conn, "quero marcar")
        first = await outbox.insert_reply(conn, inbound, "Claro!", "llm", "c-1")
        again = await outbox.insert_reply(conn, inbound, "Claro, de novo!", "llm", "c-1")
        assert await outbox.reply_for(conn, inbound.id) is not None
    assert first == (first[0], True)
    assert again == (first[0], False)
