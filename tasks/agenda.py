"""Cron job: the reminders and no-show checks that came due (G5, G6)."""

from __future__ import annotations

from typing import Any

from domain.agenda.dispatcher import Dispatcher
from domain.observability.logging import get_logger
from tasks.batches import in_batches

log = get_logger(__name__)


async def dispatch_reminders(ctx: dict[str, Any]) -> dict[str, int]:
    """Settle due reminders a batch (one transaction) at a time, then queue their deliveries.
    Safe to run twice at once: each batch claims its rows with SKIP LOCKED."""
    settings = ctx["settings"]
    dispatcher = Dispatcher(ctx["companies"], settings)
    totals = await in_batches(ctx, dispatcher.run, settings.reminder_batch, "reminders")
    if any(totals.values()):
        # A tick every 5 s: at the default level it would flood `make run`'s console, and each
        # reminder's delivery logs its own line anyway; the tick's totals show at DEBUG.
        log.debug("reminders_dispatched", **totals)
    return dict(totals)
