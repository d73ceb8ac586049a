"""The loop of a scheduler job over due rows: one batch per transaction, deliveries queued
once it committed, until a batch comes back short or the run's time is up (the next tick goes
on). Written once for reminders and follow-ups."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from domain import queues

# One run stops claiming after this long; the next tick goes on.
BUDGET_SECONDS = 45


async def in_batches(
    ctx: dict[str, Any],
    run: Callable[[AsyncConnection, datetime, int], Awaitable[Any]],
    batch: int,
    label: str,
) -> Counter[str]:
    """`run(conn, now, batch)` until done; what it settled, counted. Safe twice at once when
    `run` claims with SKIP LOCKED."""
    began = time.monotonic()
    totals: Counter[str] = Counter()
    while True:
        async with ctx["engine"].begin() as conn:
            done = await run(conn, datetime.now(UTC), batch)
        done.count()
        totals.update(done.counts)
        totals["unqueued"] += await queues.enqueue_deliveries(
            ctx["router"], ctx["settings"].redis_namespace, done.messages, label
        )
        if done.claimed < batch or time.monotonic() - began > BUDGET_SECONDS:
            return totals
