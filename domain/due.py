"""Rows due by a time in a `public` table of scheduled messages (reminders, follow-ups): the
claim and the batch, written once for every scheduler.

The claim is one query on a partial index (`status = 'pending'`, by due time) under
`FOR UPDATE SKIP LOCKED`, so two schedulers never claim the same row; the batch is settled
company by company, each in a savepoint, so one company's bad data never holds back the
others' (its rows are set aside by the caller's `failed`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Table, literal_column, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.observability.logging import get_logger

log = get_logger(__name__)


def due_query(table: Table, now: datetime, limit: int) -> Any:
    """Pending rows due by `now`, oldest first, rows another scheduler holds skipped."""
    return (
        select(table)
        # A literal, not a parameter: a generic plan could not use the partial index.
        .where(table.c.status == literal_column("'pending'"), table.c.due_at <= now)
        .order_by(table.c.due_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )


async def each_company(
    conn: AsyncConnection,
    claimed: list[Any],
    work: Callable[[int, list[Any]], Awaitable[None]],
    failed: Callable[[int, list[Any]], Awaitable[None]],
    event: str,
) -> None:
    """`work(company_id, rows)` for each company's part of the claim, in a savepoint; when it
    raises, the part is undone, logged as `event`, and `failed(company_id, rows)` runs."""
    by_company: dict[int, list[Any]] = defaultdict(list)
    for row in claimed:
        by_company[row.company_id].append(row)
    for company_id, rows in by_company.items():
        try:
            async with conn.begin_nested():
                await work(company_id, rows)
        except Exception:
            log.exception(event, company_id=company_id, count=len(rows))
            await failed(company_id, rows)


async def settle(
    conn: AsyncConnection, table: Table, ids: list[int], status: str, now: datetime, reason: str
) -> None:
    """Rows done without a message: dropped or skipped, and why."""
    await conn.execute(
        update(table).where(table.c.id.in_(ids)).values(status=status, reason=reason, done_at=now)
    )
