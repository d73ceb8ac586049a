"""Jobs for WhatsApp messages: filing and answering inbound ones, delivering outbound ones."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from domain import queues
from domain.conversations.messages import mark_failed
from domain.db import TenantDatabase, bind_tenant
from domain.observability.logging import get_logger
from domain.observability.metrics import WHATICKET_RETRY, metrics
from domain.secretary.config import whaticket_config
from domain.secretary.delivery import Attempt, DeliveryFailed, deliver

log = get_logger(__name__)


async def process_inbound(
    ctx: dict[str, Any], *, company_id: int, message_id: int, correlation_id: str = ""
) -> dict[str, Any]:
    """File and answer one stored message (domain/secretary/service.py), then queue the reply's
    delivery and any plan alert it raised. Safe to retry: the secretary answers once."""
    answered = await ctx["secretary"].answer(company_id, message_id)
    queue, ns = ctx["inbound_queue"], ctx["settings"].redis_namespace
    for alert_id in answered.alerts:
        await queues.enqueue_usage_alert(queue, ns, company_id, alert_id)
    if answered.to_deliver is not None:
        queued = await queues.enqueue_delivery(
            queue, ns, company_id, answered.to_deliver, correlation_id
        )
        if queued is False:
            raise RuntimeError("queue unreachable: the reply's delivery will be queued on retry")
    return {
        "outcome": answered.outcome,
        "conversation_id": answered.conversation_id,
        "reply": answered.reply.id if answered.reply else None,
    }


async def deliver_message(
    ctx: dict[str, Any], *, company_id: int, message_id: int, correlation_id: str = ""
) -> dict[str, Any]:
    """One delivery attempt; SAQ retries temporary failures on the P6 ladder."""
    job = ctx["job"]
    company = await ctx["companies"].profile(company_id)
    if company is None:
        return {"outcome": "missing"}
    config = whaticket_config(company, ctx["settings"])
    attempt = Attempt(number=job.attempts, last=job.attempts >= job.retries)
    try:
        db = TenantDatabase(ctx["engine"], company_id)
        outcome = await deliver(db, ctx["whaticket"], config, message_id, attempt)
    except DeliveryFailed as failure:
        if failure.permanent:
            job.retries = job.attempts  # not retryable: straight to the dead-letter queue
        else:
            metrics.inc(WHATICKET_RETRY)
        log.warning(
            "delivery_failed",
            message_id=message_id,
            kind=failure.error.kind,
            permanent=failure.permanent,
            attempt=attempt.number,
        )
        raise
    log.info("delivery", outcome=outcome, message_id=message_id, attempt=attempt.number)
    return {"outcome": outcome}


async def on_dead_inbound(conn: AsyncConnection, kwargs: dict[str, Any], error: str) -> None:
    """The message's job is in the dead-letter queue: stop the sweeper from retrying it."""
    tenant = await bind_tenant(conn, kwargs["company_id"])
    await mark_failed(tenant, kwargs["message_id"], error)
