"""Cron job: enqueue accepted messages that never reached (or fell out of) the queue."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from domain import queues
from domain.conversations.sweeper import requeue_unqueued
from domain.observability.logging import get_logger
from domain.observability.metrics import SWEEPER_REQUEUED, metrics

log = get_logger(__name__)


async def sweep_unqueued(ctx: dict[str, Any]) -> dict[str, int]:
    settings = ctx["settings"]
    router = ctx["router"]
    ns = settings.redis_namespace

    # Through the router: a company whose dedicated worker died is served by the shared one.
    async def inbound(company_id: int, message_id: int, cid: str) -> bool | None:
        queue = await router.queue_for(company_id)
        return await queues.enqueue_inbound(queue, ns, company_id, message_id, cid)

    async def delivery(company_id: int, message_id: int, cid: str) -> bool | None:
        queue = await router.queue_for(company_id)
        return await queues.enqueue_delivery(queue, ns, company_id, message_id, cid)

    requeued = await requeue_unqueued(
        ctx["engine"],
        {"received": inbound, "pending": delivery},
        older_than=timedelta(seconds=settings.sweeper_grace_seconds),
        limit=settings.sweeper_batch,
    )
    if requeued:
        metrics.inc(SWEEPER_REQUEUED, requeued)
        log.warning("sweeper_requeued", count=requeued)
    return {"requeued": requeued}
