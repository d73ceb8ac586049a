"""Jobs for WhatsApp messages: filing and answering inbound ones, delivering outbound ones."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncConnection

from domain import queues
from domain.agenda.answers import ReminderAnswers
from domain.agenda.booking_flow import BookingFlow
from domain.agenda.change_flow import ChangeFlow
from domain.agenda.config import agenda_for
from domain.billing import usage
from domain.billing.alerts import AlertRecorder
from domain.billing.quotas import Quotas, period
from domain.conversations.messages import mark_failed
from domain.conversations.service import file_inbound_message
from domain.db import bind_tenant
from domain.integrations.gemini import LLMReply, LLMUnavailable
from domain.observability.logging import get_logger
from domain.observability.metrics import (
    LLM_CALLS,
    LLM_ERRORS,
    LLM_LATENCY,
    USAGE_BLOCKED,
    USAGE_MESSAGES,
    USAGE_OVERAGE,
    USAGE_TOKENS,
    WHATICKET_RETRY,
    metrics,
)
from domain.secretary.config import gemini_config, whaticket_config
from domain.secretary.delivery import Attempt, DeliveryFailed, deliver
from domain.secretary.flood import FLOOD_NOTICE, flood_check
from domain.secretary.guardrails import is_injection, sanitise
from domain.secretary.memory import Memory, Turn
from domain.secretary.nlu import analyse
from domain.secretary.profile import describe
from domain.secretary.prompt import canary_for, system_prompt
from domain.secretary.replies import (
    Composed,
    Context,
    Reply,
    compose,
    first_status,
    load_context,
    load_history,
    over_quota,
    save_reply,
)

log = get_logger(__name__)


async def process_inbound(
    ctx: dict[str, Any], *, company_id: int, message_id: int, correlation_id: str = ""
) -> dict[str, Any]:
    """File one stored message, compose its reply (the LLM call outside any transaction),
    save it and queue its delivery. Every step is idempotent: a retry never repeats an effect
    (at worst the model is asked again; only one reply is ever saved and sent)."""
    company = await ctx["companies"].profile(company_id)
    if company is None:
        return {"outcome": "missing"}
    settings = ctx["settings"]
    async with ctx["engine"].begin() as conn:
        tenant = await bind_tenant(conn, company_id)
        filed = await file_inbound_message(tenant, message_id)
        loaded = (
            None
            if filed.outcome == "missing"
            else await load_context(tenant, message_id, filed.message)
        )
    reply = loaded if isinstance(loaded, Reply) else None
    if isinstance(loaded, Context):
        reply = await _answer(ctx, company, loaded)
    log.info(
        "inbound_processed",
        outcome=filed.outcome,
        message_id=message_id,
        conversation_id=filed.conversation_id,
        reply=reply.status if reply else None,
    )
    if reply is not None and reply.status == "pending":
        queued = await queues.enqueue_delivery(
            ctx["inbound_queue"], settings.redis_namespace, company_id, reply.id, correlation_id
        )
        if queued is False:
            raise RuntimeError("queue unreachable: the reply's delivery will be queued on retry")
    return {
        "outcome": filed.outcome,
        "conversation_id": filed.conversation_id,
        "reply": reply.id if reply else None,
    }


async def _answer(ctx: dict[str, Any], company: Any, context: Context) -> Reply | None:
    """Memory -> gates -> compose -> save -> remember. None: over the flood limit and
    already told, so the message stays filed without a reply."""
    settings = ctx["settings"]
    inbound = context.inbound
    memory = Memory(
        ctx["redis"], settings.redis_namespace, settings.memory_turns, settings.memory_ttl_seconds
    )
    history = await memory.recall(company.id, inbound.phone)
    if history is None and not context.profile.get("messages"):
        history = []  # a first message: there is nothing to remember yet
    if history is None:  # expired or lost: the long-term history in PostgreSQL fills in
        async with ctx["engine"].connect() as conn:
            tenant = await bind_tenant(conn, company.id)
            history = await load_history(tenant, inbound, settings.memory_turns)
    # Read once: the agenda, the gates and the secretary all use the same analysis.
    context = replace(context, history=history, analysis=analyse(sanitise(inbound.body or "")))
    quotas = Quotas(ctx["redis"], settings.redis_namespace)
    composed = await _gated(ctx, company, context, quotas)
    if composed is None:
        return None
    status = first_status(whaticket_config(company, settings).configured, inbound.phone)
    async with ctx["engine"].begin() as conn:
        tenant = await bind_tenant(conn, company.id)
        reply = await save_reply(tenant, context, composed, status)
        if reply.created:  # metered in the same transaction: exactly once per reply
            now = datetime.now(ZoneInfo(company.timezone))
            waited = now - inbound.received_at
            await usage.count_reply(
                tenant, company.id, now.date(), composed.tokens, int(waited.total_seconds() * 1000)
            )
    metrics.inc(USAGE_MESSAGES, company_id=company.id)
    if composed.tokens:
        metrics.inc(USAGE_TOKENS, sum(composed.tokens), company_id=company.id)
        await quotas.add_tokens(company.id, inbound.id, sum(composed.tokens))
    await _raise_alerts(ctx, company, quotas)
    analysis = composed.analysis
    await memory.remember(
        company.id,
        inbound.phone,
        Turn(
            inbound.id,
            "user",
            inbound.body or "",
            analysis.intent if analysis else None,
            analysis.sentiment if analysis else None,
        ),
        Turn(reply.id, "model", composed.body, source=composed.source),
    )
    return reply


async def _raise_alerts(ctx: dict[str, Any], company: Any, quotas: Quotas) -> None:
    """80 % / 100 % of the plan: recorded once per period, sent by their own job (T3)."""
    limits = company.limits
    if not (limits.messages or limits.tokens):
        return
    settings = ctx["settings"]
    month = await quotas.usage(company.id)
    recorder = AlertRecorder(ctx["engine"], ctx["redis"], settings.redis_namespace)
    for alert_id in await recorder.check(company.id, period(), month, limits):
        log.warning("usage_alert", alert_id=alert_id, messages=month.messages, tokens=month.tokens)
        await queues.enqueue_usage_alert(
            ctx["inbound_queue"], settings.redis_namespace, company.id, alert_id
        )


async def _gated(
    ctx: dict[str, Any], company: Any, context: Context, quotas: Quotas
) -> Composed | None:
    """Anti-flood per contact, then the plan's quota, then the secretary itself (P8)."""
    settings = ctx["settings"]
    inbound = context.inbound
    flood = await flood_check(
        ctx["redis"],
        settings.redis_namespace,
        company.id,
        inbound.phone,
        inbound.id,
        settings.flood_max_per_minute,
    )
    if flood == "silent":
        log.info("flood_silent", message_id=inbound.id)
        return None
    if flood == "notify":
        return Composed(FLOOD_NOTICE, "ratelimit")
    usage = await quotas.count_message(company.id, inbound.id)
    if usage.exceeds(company.limits):
        if company.limits.overage == "block":
            metrics.inc(USAGE_BLOCKED, company_id=company.id)
            log.warning("quota_exhausted", message_id=inbound.id, messages=usage.messages)
            return over_quota(context, company.name)
        metrics.inc(USAGE_OVERAGE, company_id=company.id)
    return await _scheduling(ctx, company, context) or await _compose(ctx, company, context)


async def _scheduling(ctx: dict[str, Any], company: Any, context: Context) -> Composed | None:
    """The booking conversation (G3), when the company has an agenda and the customer is in
    it or asks to schedule; the offered times come only from the calendar, never the model."""
    agenda = agenda_for(company, ctx["settings"])
    if agenda is None:
        return None
    inbound = context.inbound
    text = sanitise(inbound.body or "")
    if not text or is_injection(text):
        return None
    flow = BookingFlow(
        ctx["redis"], ctx["settings"].redis_namespace, ctx["engine"], ctx.get("calcom")
    )
    now = datetime.now(UTC)
    analysis = context.analysis or analyse(text)
    change = ChangeFlow(flow, ctx["engine"], ctx.get("calcom"))
    state = await flow.active(company.id, inbound.phone)
    if state is not None and state.get("kind") in ("reschedule", "cancel"):
        turn = await change.answer(agenda, state, text, inbound.phone, now)
    elif state is not None:
        turn = await flow.answer(
            agenda, state, text, inbound.phone, context.contact_name, inbound.id, now
        )
    elif answered := await ReminderAnswers(ctx["engine"], flow, change).answer(
        agenda, text, inbound.phone, now
    ):
        turn = answered
    elif analysis.intent == "schedule":
        turn = await flow.start(agenda, inbound.phone, now)
    elif analysis.intent in ("reschedule", "cancel"):
        turn = await change.start(agenda, analysis.intent, inbound.phone, now)
    else:
        return None
    if turn is None:
        return None
    return Composed(turn.body, turn.source, analysis=analysis)


async def _compose(ctx: dict[str, Any], company: Any, context: Context) -> Composed:
    settings = ctx["settings"]
    config = gemini_config(company, settings)
    if not config.configured:
        return await compose(context, company.name, None)
    canary = canary_for(
        company.id,
        settings.secret_key.get_secret_value() if settings.secret_key else settings.redis_namespace,
    )
    system = system_prompt(
        company.name,
        describe(context.profile, context.contact_name),
        canary,
        (company.settings or {}).get("secretary"),
    )

    async def generate(system_: str, turns: list[tuple[str, str]]) -> LLMReply:
        metrics.inc(LLM_CALLS)
        try:
            reply = await ctx["gemini"].generate(config, system_, turns, max_tokens=400)
        except LLMUnavailable:
            metrics.inc(LLM_ERRORS)
            raise
        metrics.observe(LLM_LATENCY, reply.latency_ms / 1000)
        return reply

    secrets = tuple(s for s in (config.api_key,) if s)
    return await compose(context, company.name, generate, system, secrets, canary)


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
