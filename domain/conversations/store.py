"""Query functions for a tenant's conversation tables (connection bound to its schema)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
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

# Built once: the hot path reuses the compiled statement from SQLAlchemy's cache.
_insert_inbound = (
    insert(_messages)
    .on_conflict_do_nothing(index_elements=[_messages.c.external_id])
    .returning(_messages.c.id)
)


async def insert_inbound(
    conn: AsyncConnection,
    *,
    external_id: str | None,
    phone: str,
    body: str,
    kind: str,
    push_name: str | None,
    payload: dict[str, Any],
    correlation_id: str,
    wa_timestamp: int | None,
) -> int | None:
    """Store an inbound message; None when its external id was already stored (W5)."""
    result = await conn.execute(
        _insert_inbound,
        {
            "external_id": external_id,
            "direction": "inbound",
            "status": "received",
            "kind": kind,
            "body": body,
            "phone": phone,
            "push_name": push_name,
            "payload": payload,
            "correlation_id": correlation_id,
            "wa_timestamp": datetime.fromtimestamp(wa_timestamp, UTC) if wa_timestamp else None,
        },
    )
    return result.scalar()


async def lock_message(conn: AsyncConnection, message_id: int) -> Any | None:
    """The message row, locked until the caller's transaction ends."""
    query = select(_messages).where(_messages.c.id == message_id).with_for_update()
    return (await conn.execute(query)).first()


async def upsert_contact(
    conn: AsyncConnection, phone: str, name: str | None, lid: str | None, seen_at: datetime
) -> int:
    values = insert(_contacts).values(phone=phone, name=name, lid=lid, last_message_at=seen_at)
    stmt = values.on_conflict_do_update(
        index_elements=[_contacts.c.phone],
        set_={
            "name": func.coalesce(values.excluded.name, _contacts.c.name),
            "lid": func.coalesce(values.excluded.lid, _contacts.c.lid),
            "last_message_at": func.greatest(_contacts.c.last_message_at, seen_at),
            "updated_at": func.now(),
        },
    ).returning(_contacts.c.id)
    return int((await conn.execute(stmt)).scalar_one())


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


async def mark_filed(
    conn: AsyncConnection, message_id: int, contact_id: int, conversation_id: int
) -> None:
    await conn.execute(
        update(_messages)
        .where(_messages.c.id == message_id)
        .values(
            contact_id=contact_id,
            conversation_id=conversation_id,
            status="processed",
            processed_at=func.now(),
            error=None,
        )
    )


async def mark_failed(conn: AsyncConnection, message_id: int, error: str) -> None:
    """A message whose job exhausted its retries; the sweeper must leave it alone."""
    await conn.execute(
        update(_messages)
        .where(_messages.c.id == message_id, _messages.c.status == "received")
        .values(status="failed", error=error[:4000])
    )


async def waiting_messages(
    conn: AsyncConnection, status: str, older_than: timedelta, limit: int
) -> list[Any]:
    """Messages still in `status` ("received": not filed yet; "pending": reply not delivered
    yet) after `older_than`. Both statuses have a partial index."""
    query = (
        select(_messages.c.id, _messages.c.correlation_id)
        .where(
            _messages.c.status == status,
            _messages.c.received_at < func.now() - older_than,
        )
        .order_by(_messages.c.received_at)
        .limit(limit)
    )
    return list(await conn.execute(query))


async def backlog(conn: AsyncConnection) -> int:
    """Messages accepted but not processed yet."""
    query = select(func.count()).select_from(_messages).where(_messages.c.status == "received")
    return int((await conn.execute(query)).scalar_one())


async def message(conn: AsyncConnection, message_id: int) -> Any | None:
    return (await conn.execute(select(_messages).where(_messages.c.id == message_id))).first()


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
    created = await conn.execute(
        insert(_messages)
        .values(
            direction="outbound",
            status=status,
            kind="text",
            body=body,
            phone=inbound.phone,
            contact_id=inbound.contact_id,
            conversation_id=inbound.conversation_id,
            reply_to_id=inbound.id,
            source=source,
            correlation_id=correlation_id,
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


async def conversation_with_contact(conn: AsyncConnection, conversation_id: int) -> Any | None:
    """(status, name, profile): the conversation's state and who it is with, in one read."""
    query = (
        select(_conversations.c.status, _contacts.c.name, _contacts.c.profile)
        .join(_contacts, _contacts.c.id == _conversations.c.contact_id)
        .where(_conversations.c.id == conversation_id)
    )
    return (await conn.execute(query)).first()


async def set_outbound_status(
    conn: AsyncConnection, message_id: int, status: str, error: str | None = None
) -> None:
    values: dict[str, Any] = {
        "status": status,
        "error": error,
        "attempts": _messages.c.attempts + 1,
    }
    if status == "sent":
        values["sent_at"] = func.now()
    await conn.execute(update(_messages).where(_messages.c.id == message_id).values(**values))


async def add_delivery_log(
    conn: AsyncConnection,
    *,
    message_id: int,
    attempt: int,
    status: str,
    http_status: int | None,
    error: str | None,
    latency_ms: int | None,
) -> None:
    await conn.execute(
        insert(_delivery_logs).values(
            message_id=message_id,
            attempt=attempt,
            status=status,
            http_status=http_status,
            error=(error or None) and error[:2000],
            latency_ms=latency_ms,
        )
    )


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


async def contact(conn: AsyncConnection, contact_id: int, *, lock: bool = False) -> Any | None:
    """(name, profile) of a contact; `lock` holds its row until the transaction ends."""
    query = select(_contacts.c.name, _contacts.c.profile).where(_contacts.c.id == contact_id)
    return (await conn.execute(query.with_for_update() if lock else query)).first()


async def save_profile(conn: AsyncConnection, contact_id: int, profile: dict[str, Any]) -> None:
    await conn.execute(
        update(_contacts).where(_contacts.c.id == contact_id).values(profile=profile)
    )


async def revive(conn: AsyncConnection, message_id: int) -> None:
    """Give a failed message another chance: inbound back to 'received', a reply back to
    'pending' (a dead-letter replay)."""
    await conn.execute(
        update(_messages)
        .where(_messages.c.id == message_id, _messages.c.status == "failed")
        .values(
            status=case((_messages.c.direction == "inbound", "received"), else_="pending"),
            error=None,
        )
    )


async def thread(conn: AsyncConnection, conversation_id: int, limit: int = 200) -> list[Any]:
    """A conversation's last `limit` messages, oldest first, with their delivery attempts."""
    attempts = (
        select(func.count())
        .where(_delivery_logs.c.message_id == _messages.c.id)
        .scalar_subquery()
        .label("delivery_attempts")
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
    message_id = await insert_outbound(
        conn, contact.id, conversation_id, contact.phone, body, status, "operator", correlation_id
    )
    return message_id, str(contact.phone)


async def insert_outbound(
    conn: AsyncConnection,
    contact_id: int,
    conversation_id: int,
    phone: str,
    body: str,
    status: str,
    source: str,
    correlation_id: str | None = None,
) -> int:
    """An outbound message not answering any inbound one (operator, reminder); its id."""
    created = await conn.execute(
        insert(_messages)
        .values(
            direction="outbound",
            status=status,
            kind="text",
            body=body,
            phone=phone,
            contact_id=contact_id,
            conversation_id=conversation_id,
            source=source,
            correlation_id=correlation_id,
        )
        .returning(_messages.c.id)
    )
    return int(created.scalar_one())


@dataclass(frozen=True)
class Outbound:
    """A message to send to someone who may not have written yet (a reminder)."""

    phone: str
    name: str | None
    body: str
    status: str
    source: str
    correlation_id: str | None = None


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
        .on_conflict_do_nothing(
            index_elements=["contact_id"], index_where=text("status <> 'closed'")
        )
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
            {
                "direction": "outbound",
                "status": item.status,
                "kind": "text",
                "body": item.body,
                "phone": item.phone,
                "contact_id": contact_of[item.phone],
                "conversation_id": conversation_of[contact_of[item.phone]],
                "source": item.source,
                "correlation_id": item.correlation_id,
            }
            for item in items
        ],
    )
    return [int(row.id) for row in created]
