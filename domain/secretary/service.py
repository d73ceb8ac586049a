"""The secretary as a service: one stored inbound message in, its reply saved (P1-P8).

File the message -> recall the conversation -> the gates (flood, plan quota) -> the chain of
responders -> save the reply, meter it, remember the turn. The work waits on other systems
(the model, Cal.com), so it runs in short transactions of its own on the company's schema and
never holds one while another system answers. Every step is idempotent: a retried job never
repeats an effect (at worst the model is asked again; one reply is ever saved and sent).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.agenda.responders import AgendaDeps, FlowInProgress, ReminderReplies, SchedulingRequests
from domain.billing import usage
from domain.billing.alerts import AlertRecorder
from domain.billing.quotas import Quotas, Usage, period
from domain.conversations.service import Filed, file_inbound_message
from domain.conversations.simulator import is_simulated
from domain.db import TenantDatabase
from domain.feedback.responders import FollowupAnswers
from domain.integrations.calcom import CalcomClient
from domain.integrations.gemini import GeminiClient
from domain.observability.logging import get_logger
from domain.observability.metrics import (
    USAGE_BLOCKED,
    USAGE_MESSAGES,
    USAGE_OVERAGE,
    USAGE_TOKENS,
    metrics,
)
from domain.secretary import clarify
from domain.secretary.chain import Ask, Responder, run_chain
from domain.secretary.config import whaticket_config
from domain.secretary.flood import FLOOD_NOTICE, flood_check
from domain.secretary.guardrails import sanitise
from domain.secretary.memory import Memory, Turn
from domain.secretary.nlu import analyse
from domain.secretary.replies import (
    Composed,
    Context,
    Reply,
    first_status,
    load_context,
    load_history,
    save_reply,
)
from domain.secretary.responders import (
    Clarify,
    Escalation,
    InjectionGuard,
    ModelReply,
    handoff_reply,
)
from domain.settings import Settings
from domain.tenancy.directory import CompanyDirectory, CompanyProfile

log = get_logger(__name__)


@dataclass(frozen=True)
class Answered:
    """What became of one inbound message."""

    outcome: str  # how it was filed: filed | already_processed | missing
    conversation_id: int | None = None
    reply: Reply | None = None
    alerts: tuple[int, ...] = ()  # plan alerts recorded just now, for the caller to send

    @property
    def to_deliver(self) -> int | None:
        """The reply's id when it waits for delivery through Whaticket."""
        return self.reply.id if self.reply is not None and self.reply.status == "pending" else None


def default_responders(
    engine: AsyncEngine,
    redis: Redis,
    settings: Settings,
    gemini: GeminiClient,
    calcom: CalcomClient | None,
) -> list[Responder]:
    """The chain in order: the guard, the conversations under way, new requests, the
    secretary's own answer. A new capability is one responder and one line here."""
    agenda = AgendaDeps(engine, redis, settings, calcom)
    return [
        InjectionGuard(),
        FlowInProgress(agenda),
        ReminderReplies(agenda),
        FollowupAnswers(engine),
        Clarify(),
        SchedulingRequests(agenda),
        Escalation(),
        ModelReply(gemini, settings),
    ]


class Secretary:
    def __init__(
        self,
        *,
        engine: AsyncEngine,
        redis: Redis,
        settings: Settings,
        companies: CompanyDirectory,
        gemini: GeminiClient,
        calcom: CalcomClient | None,
        responders: Sequence[Responder] | None = None,
    ) -> None:
        self._engine = engine
        self._redis = redis
        self._settings = settings
        self._companies = companies
        self.responders = list(
            responders or default_responders(engine, redis, settings, gemini, calcom)
        )
        ns = settings.redis_namespace
        self._memory = Memory(redis, ns, settings.memory_turns, settings.memory_ttl_seconds)
        self._quotas = Quotas(redis, ns)
        self._alerts = AlertRecorder(engine, redis, ns)

    async def answer(self, company_id: int, message_id: int) -> Answered:
        """File the stored message and answer it (once, however often this is called)."""
        company = await self._companies.profile(company_id)
        if company is None:
            return Answered("missing")
        db = TenantDatabase(self._engine, company_id)
        async with db.transaction() as conn:
            filed = await file_inbound_message(conn, message_id)
            loaded = (
                None
                if filed.outcome == "missing"
                else await load_context(conn, message_id, filed.message)
            )
        reply = loaded if isinstance(loaded, Reply) else None
        alerts: tuple[int, ...] = ()
        if isinstance(loaded, Context):
            reply, alerts = await self._reply(company, db, loaded)
        _log_filed(filed, message_id, reply)
        return Answered(filed.outcome, filed.conversation_id, reply, alerts)

    async def _reply(
        self, company: CompanyProfile, db: TenantDatabase, context: Context
    ) -> tuple[Reply | None, tuple[int, ...]]:
        """Recall -> gates -> chain -> save -> meter -> remember. No reply: over the flood
        limit and already told, so the message stays filed without one."""
        ask = await self._ask(company, db, context)
        composed = await self._gated(ask)
        if composed is None:
            return None, ()
        inbound = context.inbound
        status = first_status(whaticket_config(company, self._settings).configured, ask.phone)
        # The panel's Simulador is the clinic trying its own secretary: never billed, never
        # counted against the plan (usage, quota, alerts, the usage metrics).
        metered = not is_simulated(ask.phone)
        async with db.transaction() as conn:
            reply = await save_reply(conn, ask.context, composed, status)
            if reply.created and metered:  # in the same transaction: exactly once per reply
                now = datetime.now(ZoneInfo(company.timezone))
                waited = int((now - inbound.received_at).total_seconds() * 1000)
                await usage.count_reply(conn, company.id, now.date(), composed.tokens, waited)
        await self._remember(ask, composed, reply)
        if not metered:
            return reply, ()
        metrics.inc(USAGE_MESSAGES, company_id=company.id)
        if composed.tokens:
            metrics.inc(USAGE_TOKENS, sum(composed.tokens), company_id=company.id)
            await self._quotas.add_tokens(company.id, inbound.id, sum(composed.tokens))
        return reply, await self._record_alerts(company)

    async def _ask(self, company: CompanyProfile, db: TenantDatabase, context: Context) -> Ask:
        """The message with its history: the short-term memory, else PostgreSQL's."""
        inbound = context.inbound
        history = await self._memory.recall(company.id, inbound.phone)
        if history is None and not context.profile.get("messages"):
            history = []  # a first message: there is nothing to remember yet
        if history is None:  # expired or lost: the long-term history fills in
            async with db.reading() as conn:
                history = await load_history(conn, inbound, self._settings.memory_turns)
        text = sanitise(inbound.body or "")
        ours = [turn.text for turn in history if turn.role == "model"]
        picked = clarify.chosen(ours[-1], text) if ours else None
        if picked:  # "2" to "Só para eu entender direito…": as if said in words
            text = clarify.AS_SAID[picked]
        # Read once: every responder and the gates use the same analysis.
        analysis = analyse(text)
        log.info(
            "nlu",
            intent=analysis.intent,
            confidence=analysis.confidence,
            sentiment=analysis.sentiment,
            message_id=inbound.id,
        )
        context = replace(context, history=history, analysis=analysis)
        return Ask(company, context, text, analysis, datetime.now(UTC))

    async def _gated(self, ask: Ask) -> Composed | None:
        """Anti-flood per contact, then the subscription and the plan's quota (P8, T4), then
        the chain."""
        company, inbound = ask.company, ask.context.inbound
        flood = await flood_check(
            self._redis,
            self._settings.redis_namespace,
            company.id,
            ask.phone,
            inbound.id,
            self._settings.flood_max_per_minute,
        )
        if flood == "silent":
            log.info("flood_silent", message_id=inbound.id)
            return None
        if flood == "notify":
            return Composed(FLOOD_NOTICE, "ratelimit")
        if not company.subscribed:
            # Canceled or past due (T4): no automatic answers; a person takes the customer.
            log.warning("subscription_inactive", message_id=inbound.id, status=company.subscription)
            return handoff_reply(ask, "subscription_inactive", company.subscription)
        if is_simulated(ask.phone):
            # Not counted, but answered as the next real message would be (blocked at 100 %).
            month = await self._quotas.usage(company.id)
            counted = Usage(month.messages + 1, month.tokens)
        else:
            counted = await self._quotas.count_message(company.id, inbound.id)
        if counted.exceeds(company.limits):
            if company.limits.overage == "block":
                metrics.inc(USAGE_BLOCKED, company_id=company.id)
                log.warning("quota_exhausted", message_id=inbound.id, messages=counted.messages)
                return handoff_reply(ask, "usage_limit", "plan_quota")
            metrics.inc(USAGE_OVERAGE, company_id=company.id)
        return await run_chain(self.responders, ask)

    async def _record_alerts(self, company: CompanyProfile) -> tuple[int, ...]:
        """80 % / 100 % of the plan: recorded once per period, sent by their own job (T3)."""
        limits = company.limits
        if not (limits.messages or limits.tokens):
            return ()
        month = await self._quotas.usage(company.id)
        new = await self._alerts.check(company.id, period(), month, limits)
        for alert_id in new:
            log.warning(
                "usage_alert", alert_id=alert_id, messages=month.messages, tokens=month.tokens
            )
        return tuple(new)

    async def _remember(self, ask: Ask, composed: Composed, reply: Reply) -> None:
        inbound, analysis = ask.context.inbound, composed.analysis
        await self._memory.remember(
            ask.company.id,
            ask.phone,
            Turn(
                inbound.id,
                "user",
                inbound.body or "",
                analysis.intent if analysis else None,
                analysis.sentiment if analysis else None,
            ),
            Turn(reply.id, "model", composed.body, source=composed.source),
        )


def _log_filed(filed: Filed, message_id: int, reply: Reply | None) -> None:
    log.info(
        "inbound_processed",
        outcome=filed.outcome,
        message_id=message_id,
        conversation_id=filed.conversation_id,
        reply=reply.status if reply else None,
    )
