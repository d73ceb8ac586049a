"""Cron job: the follow-ups that came due, and the complaint alerts to POST (G7)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from domain.feedback import alerts, comments
from domain.feedback.followups import FollowupDispatcher
from domain.observability.logging import get_logger
from tasks.batches import in_batches

log = get_logger(__name__)


async def dispatch_followups(ctx: dict[str, Any]) -> dict[str, int]:
    """Settle due follow-ups a batch (one transaction) at a time, queue their deliveries,
    collect the comments a person's conversations received, then POST the complaint alerts.
    Safe to run twice at once: every step claims its rows with SKIP LOCKED."""
    settings = ctx["settings"]
    dispatcher = FollowupDispatcher(ctx["companies"], settings)
    totals = await in_batches(ctx, dispatcher.run, settings.followup_batch, "followups")
    async with ctx["engine"].begin() as conn:  # before the alerts: they carry the comment
        totals["comments"] += await comments.collect(conn, datetime.now(UTC))
    sent = await alerts.send_pending(ctx["engine"], ctx["http"])
    totals.update({f"alert_{state}": n for state, n in sent.items()})
    if any(totals.values()):
        log.debug("followups_dispatched", **totals)  # every 15 s: DEBUG, as reminders
    return dict(totals)
