"""Query functions for a tenant's conversations (connection bound to its schema): the open
one of a contact, its recent turns, its thread, and the token that changes with any of them.
The caller owns the transaction. Contacts, inbound messages and what is sent have their own
modules: contacts.py, messages.py, outbox.py."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, case, func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.conversations.models import Contact, Conversation, DeliveryLog, Message
from domain.operations.models import AuditLog

_messages = cast(Table, Message.__table__)
_contacts = cast(Table, Contact.__table__)
_conversations = cast(Table, Conversation.__table__)
_delivery_logs = cast(Table, DeliveryLog.__table__)
_audit = cast(Table, AuditLog.__table__)


async def active_conversation(conn: AsyncConnection, contact_id: int, seen_at: datetime) -> int:
    """The contact's open (or handed-off) conversation, created if there is none."""
    created = await conn.execute(
        insert(_conversations)
        .values(contact_id=contact_id, status="open", started_at=seen_at, last_message_at=seen_at)
        # A literal predicate: PostgreSQL cannot match a partial index to a bound parameter.
        .on_conflict_do_nothing(
            index_elements=["contact_id"], index_where=text("status <> 'closed'")
        )
        .returning(_conversations.c.id)
    )
    conversation_id = created.scalar()
    if conversation_id is not None:
        return int(conversation_id)
    existing = await conn.execute(
        update(_conversations)
        .where(_conversations.c.contact_id == contact_id, _conversations.c.status != "closed")
        .values(last_message_at=func.greatest(_conversations.c.last_message_at, seen_at))
        .returning(_conversations.c.id)
    )
    return int(existing.scalar_one())


async def conversation_with_contact(conn: AsyncConnection, conversation_id: int) -> Any | None:
    """(status, name, profile): the conversation's state and who it is with, in one read."""
    query = (
        select(_conversations.c.status, _contacts.c.name, _contacts.c.profile)
        .join(_contacts, _contacts.c.id == _conversations.c.contact_id)
        .where(_conversations.c.id == conversation_id)
    )
    return (await conn.execute(query)).first()


async def recent_turns(
    conn: AsyncConnection, conversation_id: int, before_id: int, limit: int
) -> list[Any]:
    """The conversation's last `limit` messages before `before_id`, oldest first, as rows of
    (id, direction, body, source)."""
    query = (
        select(_messages.c.id, _messages.c.direction, _messages.c.body, _messages.c.source)
        .where(_messages.c.conversation_id == conversation_id, _messages.c.id < before_id)
        .order_by(_messages.c.id.desc())
        .limit(limit)
    )
    return list(reversed(list(await conn.execute(query))))


async def thread(conn: AsyncConnection, conversation_id: int, limit: int = 200) -> list[Any]:
    """A conversation's last `limit` messages, oldest first, with their delivery attempts."""
    # Every attempt ends in one failure row or in the message being sent; counting the SENT
    # rows instead would show a long reply's parts as so many tries.
    failures = (
        select(func.count())
        .where(_delivery_logs.c.message_id == _messages.c.id, _delivery_logs.c.status != "SENT")
        .scalar_subquery()
    )
    attempts = (failures + case((_messages.c.status == "sent", 1), else_=0)).label(
        "delivery_attempts"
    )
    query = (
        select(
            _messages.c.id,
            _messages.c.direction,
            _messages.c.kind,
            _messages.c.body,
            _messages.c.status,
            _messages.c.source,
            _messages.c.error,
            _messages.c.received_at,
            _messages.c.sent_at,
            attempts,
        )
        .where(_messages.c.conversation_id == conversation_id)
        .order_by(_messages.c.id.desc())
        .limit(limit)
    )
    return list(reversed(list(await conn.execute(query))))


async def change_token(conn: AsyncConnection) -> str:
    """Changes whenever the tenant's conversations do: every new message, delivery attempt or
    handoff writes a row, so three index-only max() lookups tell (the panel polls this)."""
    row = (
        await conn.execute(
            select(
                select(func.max(_messages.c.id)).scalar_subquery(),
                select(func.max(_delivery_logs.c.id)).scalar_subquery(),
                select(func.max(_audit.c.id)).scalar_subquery(),
            )
        )
    ).one()
    return ".".join(str(value or 0) for value in row)
