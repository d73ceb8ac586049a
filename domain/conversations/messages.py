"""Query functions for a tenant's inbound messages and a message's life cycle (connection
bound to its schema). The caller owns the transaction; outbound rows are in outbox.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, case, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.conversations.models import Message

_messages = cast(Table, Message.__table__)

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


async def message(conn: AsyncConnection, message_id: int) -> Any | None:
    """The message row, inbound or outbound."""
    return (await conn.execute(select(_messages).where(_messages.c.id == message_id))).first()


async def lock_message(conn: AsyncConnection, message_id: int) -> Any | None:
    """The message row, locked until the caller's transaction ends."""
    query = select(_messages).where(_messages.c.id == message_id).with_for_update()
    return (await conn.execute(query)).first()


async def mark_filed(
    conn: AsyncConnection, message_id: int, contact_id: int, conversation_id: int
) -> None:
    """The inbound message now belongs to its contact and conversation: processed."""
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
        .values(status="failed", error=error.replace("\x00", "")[:4000])
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
