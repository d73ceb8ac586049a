"""Jobs for WhatsApp messages: filing and answering inbound ones, delivering outbound ones."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from domain import queues
from domain.conversations.messages import mark_failed
from domain.conversations.rescue import rescue_unanswered
from domain.db import TenantDatabase, bind_tenant
from domain.observability.logging import get_logger
from domain.observability.metrics import WHATICKET_RETRY, metrics
from domain.operations.faults import data_fault, describe
from domain.operations.store import add_dead_letter
from domain.secretary.config import whaticket_config
from domain.secretary.delivery import Attempt, DeliveryFailed, deliver

log = get_logger(__name__)


class Unanswerable(Exception):
    """The job gave up on a message: its data fails the same way on every try. The dead
    letter's error ends with this line, so the Filas tab shows the reason."""


async def process_inbound(
    ctx: dict[str, Any], *, company_id: int, message_id: int, correlation_id: str = ""
) -> dict[str, Any]:
    """File and answer one stored message (domain/secretary/service.py), then queue the reply's
    delivery and any plan alert it raised. Safe to retry: the secretary answers once.

    A failure of the message's own data (see operations.faults) is not retried: the job goes
    to the dead letters at once. Then, as after the last retry of any other failure, the
    customer is handed to a person with the usual message (conversations/rescue.py)."""
    try:
        answered = await ctx["secretary"].answer(company_id, message_id)
    except Exception as error:
        job = ctx.get("job")
        reason = data_fault(error)
        if reason is not None and job is not None:
            job.retries = job.attempts  # not retryable: straight to the dead-letter queue
        last_try = job is not None and job.attempts >= job.retries
        if reason is not None or last_try:
            await _rescue(ctx, company_id, message_id, reason or describe(error), correlation_id)
        if reason is not None:
            raise Unanswerable(f"{reason} (the customer was handed to a person)") from error
        raise
    queue, ns = ctx["inbound_queue"], ctx["settings"].redis_namespace
    for alert_id in answered.alerts:
        await queues.enqueue_usage_alert(queue, ns, company_id, alert_id)
    if answered.to_deliver is not None:
        tried = await _first_delivery(ctx, company_id, answered.to_deliver, correlation_id)
        if tried is not None:
            queued = await queues.enqueue_delivery(
                queue, ns, company_id, answered.to_deliver, correlation_id, tried
            )
            if queued is False:
                raise RuntimeError("queue unreachable: the delivery will be queued on retry")
    return {
        "outcome": answered.outcome,
        "conversation_id": answered.conversation_id,
        "reply": answered.reply.id if answered.reply else None,
    }


async def _first_delivery(
    ctx: dict[str, Any], company_id: int, message_id: int, correlation_id: str
) -> int | None:
    """The reply's first delivery attempt, made here: a reply that goes out at once needs no
    job of its own (a dequeue, a company lookup and a lease fewer per reply: about a fifth of
    a worker's CPU, issue 16). Returns None when nothing is left to do (sent, in the outbox,
    or failed for good, dead-lettered as the delivery job's attempt would be); else how many
    attempts were made, for the delivery job to make the rest of the P6 ladder."""
    company = await ctx["companies"].profile(company_id)
    if company is None:
        return None
    config = whaticket_config(company, ctx["settings"])
    db = TenantDatabase(ctx["engine"], company_id)
    try:
        async with asyncio.timeout(queues.DELIVER.timeout):  # as the delivery job's own
            await _attempt(db, ctx, config, message_id, Attempt(number=1, last=False))
    except DeliveryBusy:
        return None  # a delivery job is sending it (queued by the sweeper meanwhile)
    except DeliveryFailed as failure:
        if not failure.permanent:
            return 1
        await _dead_delivery(ctx, company_id, message_id, correlation_id, failure)
        return None
    except Exception:
        # Not Whaticket's answer (our database, a bug): the delivery job starts afresh.
        log.exception("first_delivery_failed", message_id=message_id)
        return 0
    return None


async def _attempt(
    db: TenantDatabase, ctx: dict[str, Any], config: Any, message_id: int, attempt: Attempt
) -> str:
    """One delivery attempt, logged and counted; raises DeliveryFailed, or DeliveryBusy while
    another attempt at the same message is under way."""
    try:
        async with _sending(ctx, db.company_id, message_id):
            outcome = await deliver(db, ctx["whaticket"], config, message_id, attempt)
    except DeliveryFailed as failure:
        if not failure.permanent:
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
    return outcome


class DeliveryBusy(Exception):
    """Another attempt at the same message is under way: this one must not send too."""


@contextlib.asynccontextmanager
async def _sending(ctx: dict[str, Any], company_id: int, message_id: int) -> AsyncIterator[None]:
    """One attempt at a time per message. The reply job's first attempt has no job key to
    guard it: a delivery job the sweeper queued for the same pending reply meanwhile (after
    a crash, or a slow Whaticket) must wait, or the customer would get the text twice. The
    mark expires after the longest an attempt may take."""
    key = f"{ctx['settings'].redis_namespace}:sending:{company_id}:{message_id}"
    if not await ctx["redis"].set(key, "1", nx=True, ex=queues.DELIVER.timeout + 5):
        raise DeliveryBusy(f"message {message_id} is being sent by another attempt")
    try:
        yield
    finally:
        await ctx["redis"].delete(key)


async def _dead_delivery(
    ctx: dict[str, Any],
    company_id: int,
    message_id: int,
    correlation_id: str,
    failure: DeliveryFailed,
) -> None:
    """A first attempt that failed for good goes to the dead letters as the delivery job's
    would (the Filas tab shows it and can replay it)."""
    queue, ns = ctx["inbound_queue"], ctx["settings"].redis_namespace
    async with ctx["engine"].begin() as conn:
        await add_dead_letter(
            conn,
            company_id=company_id,
            queue=queue.name,
            function=queues.DELIVER.function,
            job_key=queues.deliver_job_key(ns, company_id, message_id),
            kwargs={
                "company_id": company_id,
                "message_id": message_id,
                "correlation_id": correlation_id,
            },
            error=describe(failure),
            attempts=1,
        )
    log.error("job_dead_lettered", message_id=message_id, attempts=1)


async def _rescue(
    ctx: dict[str, Any], company_id: int, message_id: int, reason: str, correlation_id: str
) -> None:
    """The message will not be answered by the secretary: hand its customer to a person and
    queue the message that says so (the sweeper delivers it if the queue is down). Never
    raises: the job's own failure is what goes to the dead letters."""
    try:
        company = await ctx["companies"].profile(company_id)
        if company is None:
            return
        configured = whaticket_config(company, ctx["settings"]).configured
        db = TenantDatabase(ctx["engine"], company_id)
        rescued = await rescue_unanswered(db, message_id, reason, company.name, configured)
        log.warning("message_unanswerable", message_id=message_id, outcome=rescued.outcome)
        if rescued.to_deliver is not None:
            await queues.enqueue_delivery(
                ctx["inbound_queue"],
                ctx["settings"].redis_namespace,
                company_id,
                rescued.to_deliver,
                correlation_id,
            )
    except Exception:
        log.exception("rescue_failed", message_id=message_id)


async def deliver_message(
    ctx: dict[str, Any],
    *,
    company_id: int,
    message_id: int,
    correlation_id: str = "",
    tried: int = 0,
) -> dict[str, Any]:
    """One delivery attempt; SAQ retries temporary failures on the P6 ladder. `tried`: the
    attempts the reply job already made (its first): this job's are numbered after them."""
    job = ctx["job"]
    company = await ctx["companies"].profile(company_id)
    if company is None:
        return {"outcome": "missing"}
    config = whaticket_config(company, ctx["settings"])
    attempt = Attempt(number=tried + job.attempts, last=job.attempts >= job.retries)
    try:
        db = TenantDatabase(ctx["engine"], company_id)
        outcome = await _attempt(db, ctx, config, message_id, attempt)
    except DeliveryBusy:
        job.retries += 1  # waiting for the other attempt does not use up one of ours
        raise
    except DeliveryFailed as failure:
        if failure.permanent:
            job.retries = job.attempts  # not retryable: straight to the dead-letter queue
        raise
    except Exception as error:
        if data_fault(error) is not None:
            job.retries = job.attempts  # the same data fails the same way: no retries
        raise
    return {"outcome": outcome}


async def on_dead_inbound(conn: AsyncConnection, kwargs: dict[str, Any], error: str) -> None:
    """The message's job is in the dead-letter queue: stop the sweeper from retrying it."""
    tenant = await bind_tenant(conn, kwargs["company_id"])
    await mark_failed(tenant, kwargs["message_id"], error)
