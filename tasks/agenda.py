"""Cron job: the reminders and no-show checks that came due (G5, G6)."""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from domain import queues
from domain.agenda.dispatcher import Dispatcher
from domain.observability.logging import get_logger

log = get_logger(__name__)
# One run stops claiming after this long; the next tick (5 s later) goes on.
BUDGET_SECONDS = 45


async def dispatch_reminders(ctx: dict[str, Any]) -> dict[str, int]:
    """Settle due reminders a batch (one transaction) at a time, then queue their deliveries.
    Safe to run twice at once: each batch claims its rows with SKIP LOCKED."""
    settings = ctx["settings"]
    dispatcher = Dispatcher(ctx["companies"], settings)
    began = time.monotonic()
    totals: Counter[str] = Counter()
    while True:
        async with ctx["engine"].begin() as conn:
            done = await dispatcher.run(conn, datetime.now(UTC), settings.reminder_batch)
        done.count()
        totals.update(done.counts)
        totals["unqueued"] += await queues.enqueue_deliveries(
            ctx["router"], settings.redis_namespace, done.messages, "reminders"
        )
        if done.claimed < settings.reminder_batch or time.monotonic() - began > BUDGET_SECONDS:
            break
    if any(totals.values()):
        # A tick every 5 s: at the default level it would flood `make run`'s console, and each
        # reminder's delivery logs its own line anyway; the tick's totals show at DEBUG.
        log.debug("reminders_dispatched", **totals)
    return dict(totals)
