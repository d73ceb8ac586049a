"""Jobs for WhatsApp messages: filing and answering inbound ones, delivering outbound ones."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from domain import queues
from domain.conversations.service import file_inbound_message
from domain.conversations.store import mark_failed
from domain.db import bind_tenant
from domain.observability.logging import get_logger
from domain.observability.metrics import WHATICKET_RETRY, metrics
from domain.secretary.config import whaticket_config
from domain.secretary.delivery import Attempt, DeliveryFailed, deliver
from domain.secretary.replies import prepare_reply

log = get_logger(__name__)


async def process_inbound(
    ctx: dict[str, Any], *, company_id: int, message_id: int, correlation_id: str = ""
) -> dict[str, Any]:
    """File one stored message and write its reply in one transaction, then queue the
    reply's delivery (every step idempotent: a retry never repeats an effect)."""
    company = await ctx["companies"].profile(company_id)
    if company is None:
        return {"outcome": "missing"}
    deliverable = whaticket_config(company, ctx["settings"]).configured
    async with ctx["engine"].begin() as conn:
        tenant = await bind_tenant(conn, company_id)
        filed = await file_inbound_message(tenant, message_id)
        reply = None
        if filed.outcome != "missing":
            reply = await prepare_reply(tenant, message_id, company.name, deliverable)
    log.info(
        "inbound_processed",
        outcome=filed.outcome,
        message_id=message_id,
        conversation_id=filed.conversation_id,
        reply=reply.status if reply else None,
    )
    if reply is not None and reply.status == "pending":
        queued = await queues.enqueue_delivery(
            ctx["inbound_queue"],
            ctx["settings"].redis_namespace,
            company_id,
            reply.id,
            correlation_id,
        )
        if queued is False:
            raise RuntimeError("queue unreachable: the reply's delivery will be queued on retry")
    return {
        "outcome": filed.outcome,
        "conversation_id": filed.conversation_id,
        "reply": reply.id if reply else None,
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
        outcome = await deliver(
            ctx["engine"], ctx["whaticket"], config, company_id, message_id, attempt
        )
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
