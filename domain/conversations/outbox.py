"""Query functions for what a tenant sends: replies, operator messages, reminders, and each
delivery attempt (connection bound to its schema). The caller owns the transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.conversations.models import Contact, Conversation, DeliveryLog, Message

_messages = cast(Table, Message.__table__)
_contacts = cast(Table, Contact.__table__)
_conversations = cast(Table, Conversation.__table__)
_delivery_logs = cast(Table, DeliveryLog.__table__)

# A literal predicate: PostgreSQL cannot match a partial index to a bound parameter.
_OPEN = text("status <> 'closed'")


@dataclass(frozen=True)
class Outbound:
    """A message to send to someone who may not have written yet (a reminder)."""

    phone: str
    name: str | None
    body: str
    status: str
    source: str
    correlation_id: str | None = None


def _row(outbound: Outbound, contact_id: int | None, conversation_id: int | None) -> dict[str, Any]:
    """The one shape of an outbound message row, whoever writes it."""
    return {
        "direction": "outbound",
        "kind": "text",
        "status": outbound.status,
        "body": outbound.body,
        "phone": outbound.phone,
        "contact_id": contact_id,
        "conversation_id": conversation_id,
        "source": outbound.source,
        "correlation_id": outbound.correlation_id,
    }


async def reply_for(conn: AsyncConnection, inbound_id: int) -> Any | None:
    """The outbound reply already written for an inbound message, if any."""
    query = select(_messages.c.id, _messages.c.status).where(_messages.c.reply_to_id == inbound_id)
    return (await conn.execute(query)).first()


async def insert_reply(
    conn: AsyncConnection,
    inbound: Any,
    body: str,
    source: str,
    correlation_id: str | None,
    status: str = "pending",
    tokens: tuple[int, int] | None = None,
) -> tuple[int, bool]:
    """The one outbound reply to `inbound` (unique reply_to_id: a retry cannot add another),
    and whether this call created it."""
    reply = Outbound(inbound.phone, None, body, status, source, correlation_id)
    created = await conn.execute(
        insert(_messages)
        .values(
            **_row(reply, inbound.contact_id, inbound.conversation_id),
            reply_to_id=inbound.id,
            tokens_in=tokens[0] if tokens else None,
            tokens_out=tokens[1] if tokens else None,
        )
        # A literal predicate: PostgreSQL cannot match a partial index to a bound parameter.
        .on_conflict_do_nothing(
            index_elements=[_messages.c.reply_to_id], index_where=text("reply_to_id IS NOT NULL")
        )
        .returning(_messages.c.id)
    )
    new_id = created.scalar()
    if new_id is not None:
        return int(new_id), True
    existing = await reply_for(conn, inbound.id)
    assert existing is not None  # the conflict was on this very reply_to_id
    return int(existing.id), False


async def insert_operator_message(
    conn: AsyncConnection, conversation_id: int, body: str, status: str, correlation_id: str
) -> tuple[int, str]:
    """An operator's message to the conversation's contact: (message id, phone)."""
    contact = (
        await conn.execute(
            select(_contacts.c.id, _contacts.c.phone)
            .join(_conversations, _conversations.c.contact_id == _contacts.c.id)
            .where(_conversations.c.id == conversation_id)
        )
    ).one()
    phone = str(contact.phone)
    outbound = Outbound(phone, None, body, status, "operator", correlation_id)
    created = await conn.execute(
        insert(_messages)
        .values(**_row(outbound, contact.id, conversation_id))
        .returning(_messages.c.id)
    )
    return int(created.scalar_one()), phone


async def insert_outbound_many(
    conn: AsyncConnection, items: list[Outbound], now: datetime
) -> list[int]:
    """Many outbound messages in a handful of statements (contacts, their open
    conversations, the messages): the message ids, in the order of `items`."""
    if not items:
        return []
    names: dict[str, str | None] = {}
    for item in items:
        names[item.phone] = names.get(item.phone) or item.name
    contacts = insert(_contacts).values(
        # In phone order: two batches upserting the same contacts lock them in the same order.
        [{"phone": p, "name": names[p], "last_message_at": now} for p in sorted(names)]
    )
    rows = await conn.execute(
        contacts.on_conflict_do_update(
            index_elements=[_contacts.c.phone],
            set_={"name": func.coalesce(_contacts.c.name, contacts.excluded.name)},
        ).returning(_contacts.c.id, _contacts.c.phone)
    )
    contact_of = {row.phone: int(row.id) for row in rows}
    await conn.execute(
        insert(_conversations)
        .values(
            [
                {"contact_id": c, "status": "open", "started_at": now, "last_message_at": now}
                for c in contact_of.values()
            ]
        )
        .on_conflict_do_nothing(index_elements=["contact_id"], index_where=_OPEN)
    )
    open_rows = await conn.execute(
        select(_conversations.c.id, _conversations.c.contact_id).where(
            _conversations.c.contact_id.in_(list(contact_of.values())),
            _conversations.c.status != "closed",
        )
    )
    conversation_of = {row.contact_id: int(row.id) for row in open_rows}
    created = await conn.execute(
        insert(_messages).returning(_messages.c.id, sort_by_parameter_order=True),
        [
            _row(item, contact_of[item.phone], conversation_of[contact_of[item.phone]])
            for item in items
        ],
    )
    return [int(row.id) for row in created]


async def set_outbound_status(
    conn: AsyncConnection, message_id: int, status: str, error: str | None = None
) -> None:
    """Record a delivery attempt's result on the message (sent_at when it went out)."""
    values: dict[str, Any] = {
        "status": status,
        "error": error,
        "attempts": _messages.c.attempts + 1,
    }
    if status == "sent":
        values["sent_at"] = func.now()
    await conn.execute(update(_messages).where(_messages.c.id == message_id).values(**values))


async def record_part_sent(conn: AsyncConnection, message_id: int, part: int, last: bool) -> None:
    """Part `part` (from 1) of a message went out: a retry resumes after it, and the message
    is sent once its last part is."""
    await conn.execute(
        update(_messages).where(_messages.c.id == message_id).values(parts_sent=part)
    )
    if last:
        await set_outbound_status(conn, message_id, "sent")


async def add_delivery_log(
    conn: AsyncConnection,
    *,
    message_id: int,
    attempt: int,
    part: int,
    status: str,
    http_status: int | None,
    error: str | None,
    latency_ms: int | None,
) -> None:
    """One row per part sent and per failed attempt (naming the part it failed on), for the
    panel's thread and the delivery metrics."""
    await conn.execute(
        insert(_delivery_logs).values(
            message_id=message_id,
            attempt=attempt,
            part=part,
            status=status,
            http_status=http_status,
            error=(error or None) and error[:2000],
            latency_ms=latency_ms,
        )
    )


async def waiting_count(conn: AsyncConnection, cap: int = 1000) -> int:
    """How many replies wait in the outbox (Whaticket not configured), counted up to `cap`:
    the panel's warning needs the size, not an exact census of a large table."""
    waiting = select(_messages.c.id).where(_messages.c.status == "outbox").limit(cap).subquery()
    return int(await conn.scalar(select(func.count()).select_from(waiting)) or 0)


async def undelivered_count(conn: AsyncConnection, minutes: int = 60, cap: int = 1000) -> int:
    """How many replies failed to reach a configured Whaticket lately: still retrying after
    two failed attempts, or given up, with a failure in the last `minutes`. Without it the
    panel would show a clinic "enviando" forever and nobody would check the address."""
    failures = (
        select(_delivery_logs.c.message_id)
        .where(
            _delivery_logs.c.status != "SENT",
            _delivery_logs.c.created_at > func.now() - func.make_interval(0, 0, 0, 0, 0, minutes),
        )
        .group_by(_delivery_logs.c.message_id)
        .having((func.count() >= 2) | func.bool_or(_delivery_logs.c.status == "FAILED_PERMANENT"))
        .subquery()
    )
    stuck = (
        select(_messages.c.id)
        .join(failures, failures.c.message_id == _messages.c.id)
        .where(_messages.c.direction == "outbound", _messages.c.status.in_(("pending", "failed")))
        .limit(cap)
        .subquery()
    )
    return int(await conn.scalar(select(func.count()).select_from(stuck)) or 0)
