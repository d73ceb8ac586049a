"""Re-enqueueing accepted messages that never reached the queue (W6 durability)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.conversations import messages
from domain.db import bind_tenant
from domain.tenancy.store import company_ids

# (company_id, message_id, correlation_id) -> True queued now, None already queued, False down
Enqueue = Callable[[int, int, str], Awaitable[bool | None]]


async def requeue_unqueued(
    engine: AsyncEngine, enqueuers: dict[str, Enqueue], *, older_than: timedelta, limit: int
) -> int:
    """For each message status in `enqueuers` ("received" -> the inbound job, "pending" -> the
    delivery job), enqueue every message still in it after `older_than`; returns how many
    were missing from the queue. Jobs still queued keep their key, so they are not doubled."""
    requeued = 0
    async with engine.connect() as conn:
        for company_id in await company_ids(conn):
            tenant = await bind_tenant(conn, company_id)
            for status, enqueue in enqueuers.items():
                rows = await messages.waiting_messages(tenant, status, older_than, limit)
                for row in rows:
                    result = await enqueue(company_id, row.id, row.correlation_id or "")
                    if result is False:
                        return requeued  # queue down: try again on the next tick
                    requeued += bool(result)
    return requeued
