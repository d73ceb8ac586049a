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
from domain.tenancy.store import company_profile

log = get_logger(__name__)


async def process_inbound(
    ctx: dict[str, Any], *, company_id: int, message_id: int, correlation_id: str = ""
) -> dict[str, Any]:
    """File one stored message, write the reply and queue its delivery (all idempotent)."""
    engine = ctx["engine"]
    async with engine.begin() as conn:
        filed = await file_inbound_message(await bind_tenant(conn, company_id), message_id)
        company = await company_profile(conn, company_id)
    log.info(
        "inbound_filed",
        outcome=filed.outcome,
        message_id=message_id,
        conversation_id=filed.conversation_id,
    )
    if filed.outcome == "missing" or company is None or "inbound_queue" not in ctx:
        return {"outcome": filed.outcome, "conversation_id": filed.conversation_id}
    reply_id = await prepare_reply(engine, company_id, message_id, company.name)
    if reply_id is not None:
        queued = await queues.enqueue_delivery(
            ctx["inbound_queue"],
            ctx["settings"].redis_namespace,
            company_id,
            reply_id,
            correlation_id,
        )
        if queued is False:
            raise RuntimeError("queue unreachable: the reply's delivery will be queued on retry")
    return {"outcome": filed.outcome, "conversation_id": filed.conversation_id, "reply": reply_id}


async def deliver_message(
    ctx: dict[str, Any], *, company_id: int, message_id: int, correlation_id: str = ""
) -> dict[str, Any]:
    """One delivery attempt; SAQ retries temporary failures on the P6 ladder."""
    job = ctx["job"]
    async with ctx["engine"].connect() as conn:
        company = await company_profile(conn, company_id)
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
