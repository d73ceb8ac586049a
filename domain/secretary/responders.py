"""The secretary's own responders: the injection guard first, the handoff rules and the model
(or the offline responder) last. No database here: the model may take its time."""

from __future__ import annotations

from dataclasses import dataclass, replace

from domain.agenda.config import calcom_config
from domain.integrations.gemini import GeminiClient, GeminiConfig, LLMReply, LLMUnavailable
from domain.observability.logging import get_logger
from domain.observability.metrics import (
    INJECTION_BLOCKED,
    LLM_CALLS,
    LLM_ERRORS,
    LLM_LATENCY,
    metrics,
)
from domain.secretary import clarify, escalation
from domain.secretary.chain import Ask
from domain.secretary.chat_text import fold
from domain.secretary.config import gemini_config
from domain.secretary.guardrails import SAFE_INJECTION_REPLY, leaks
from domain.secretary.injection import injection_category
from domain.secretary.memory import Turn
from domain.secretary.nlu import QUESTIONS
from domain.secretary.offered import agrees, declines, offered
from domain.secretary.offline import MENU_SCHEDULE, Company, offline_reply
from domain.secretary.profile import describe
from domain.secretary.prompt import canary_for, system_prompt
from domain.secretary.replies import Composed, Context
from domain.settings import Settings
from domain.tenancy.directory import DEMO_SLUG, CompanyProfile

log = get_logger(__name__)

# CVV (Centro de Valorização da Vida) answers anyone in Brazil, free, day and night.
CARE_REPLY = (
    "Sinto muito que você esteja passando por isso. Você não está sozinho(a): o CVV atende 24 "
    "horas, de graça, pelo telefone 188 ou pelo chat em cvv.org.br."
)


def handoff_reply(ask: Ask, reason: str, trigger: str) -> Composed:
    """The one message a customer gets when the conversation goes to a person."""
    body = escalation.message(reason, ask.company.name, ask.context.contact_name)
    return Composed(body, "handoff", reason, trigger, analysis=ask.analysis)


class InjectionGuard:
    """A prompt-injection attempt, in the message or in the sender's WhatsApp name, gets the safe
    reply; nothing after it sees the message. A person in distress gets care and a person."""

    always = True

    async def respond(self, ask: Ask) -> Composed | None:
        field = "text"
        category = injection_category(ask.text)
        if category is None:  # the WhatsApp name as sent, not only the one kept as plausible
            names = (getattr(ask.context.inbound, "push_name", None), ask.context.contact_name)
            field, category = "name", injection_category(" | ".join(n for n in names if n))
        if category is None:
            return None
        if category == "self_harm":
            log.warning("self_harm_message", message_id=ask.context.inbound.id)
            person = handoff_reply(ask, "customer_request", "wellbeing")
            also = (
                f"Também vou chamar uma pessoa da equipe da {ask.company.name}, que responderá "
                "por aqui assim que estiver disponível."
            )
            return replace(person, body=f"{CARE_REPLY} {also}")
        metrics.inc(INJECTION_BLOCKED)
        log.warning(
            "prompt_injection_blocked",
            message_id=ask.context.inbound.id,
            category=category,
            field=field,
        )
        return Composed(SAFE_INJECTION_REPLY, "guardrail", analysis=ask.analysis)


class Clarify:
    """An unsure reading that could start an action gets a short question with the likely
    options, never a guess (domain/secretary/clarify.py). Not when the message answers the
    secretary's own question (it ended on "?", a menu number, a yes to an offer, a day), nor
    twice in a row."""

    always = False

    async def respond(self, ask: Ask) -> Composed | None:
        said = last_reply(ask)
        folded = fold(said)
        answering = (
            clarify.asked(said) is not None
            or offered(said) is not None
            or MENU_SCHEDULE in folded
            or "me diga o dia" in folded
            or agrees(ask.text)
            or declines(ask.text)
            or ask.text.strip().isdigit()
            or said.rstrip().endswith("?")  # an answer to the secretary's own question
            or any(word in folded for word in ("agend", "marc", "horari"))  # booking under way
        )
        two_requests = ask.analysis.second is not None  # not unclear: both are answered
        if answering or two_requests or escalation.before_reply(ask.analysis, ask.context.history):
            return None
        body = clarify.question(ask.analysis)
        return Composed(body, "clarify", analysis=ask.analysis) if body else None


class Escalation:
    """A customer who asks for a person, or is upset again, goes to one before any reply."""

    always = True

    async def respond(self, ask: Ask) -> Composed | None:
        going = escalation.before_reply(ask.analysis, ask.context.history)
        said = last_reply(ask)
        if going is None and ask.text.strip() == "3" and MENU_SCHEDULE in fold(said):
            going = ("customer_request", "menu")  # "3. Falar com uma pessoa da equipe"
        if going is None and offered(said) == "handoff" and agrees(ask.text):
            going = ("customer_request", "offer_accepted")  # "Posso chamar alguém…?" "sim"
        return handoff_reply(ask, *going) if going else None


@dataclass(frozen=True)
class Prompt:
    system: str
    secrets: tuple[str, ...]  # never to appear in a reply
    canary: str


class ModelReply:
    """The model's answer inside the guardrails; the offline responder when the company has no
    model or the model is unreachable (a person is called when it keeps failing)."""

    always = True

    def __init__(self, gemini: GeminiClient, settings: Settings) -> None:
        self._gemini = gemini
        self._settings = settings

    async def respond(self, ask: Ask) -> Composed:
        config = gemini_config(ask.company, self._settings)
        source = "offline"
        if config.configured and ask.text:
            prompt = self._prompt(ask, config.api_key)
            try:
                reply = await self._generate(config, prompt.system, ask.context, ask.text)
            except LLMUnavailable as unavailable:
                log.warning(
                    "llm_unavailable", reason=unavailable.reason, message_id=ask.context.inbound.id
                )
                if escalation.model_keeps_failing(ask.context.history):
                    return handoff_reply(ask, "tool_failure", unavailable.reason)
                source = "fallback"
            else:
                return _checked(ask, reply, prompt)
        stuck = escalation.offline_gives_up(ask.analysis, ask.context.history)
        if stuck:
            return handoff_reply(ask, *stuck)
        inbound = ask.context.inbound
        settings = dict(ask.company.settings or {})
        company = Company(ask.company.name, settings, local_calendar(ask.company, self._settings))
        body = offline_reply(
            ask.text,
            inbound.kind,
            ask.context.contact_name,
            company,
            last_reply(ask),
            greeted=greeted(ask),
            in_flow=bool(ask.resume),
            question=bool(ask.resume) and ask.analysis.second in QUESTIONS,
        )
        return Composed(body, source, analysis=ask.analysis)

    def _prompt(self, ask: Ask, api_key: str | None) -> Prompt:
        settings = self._settings
        key = settings.secret_key.get_secret_value() if settings.secret_key else None
        canary = canary_for(ask.company.id, key or settings.redis_namespace)
        system = system_prompt(
            ask.company.name,
            describe(ask.context.profile, ask.context.contact_name),
            canary,
            (ask.company.settings or {}).get("secretary"),
            greeted=greeted(ask),
        )
        return Prompt(system, tuple(s for s in (api_key,) if s), canary)

    async def _generate(
        self, config: GeminiConfig, system: str, context: Context, text: str
    ) -> LLMReply:
        metrics.inc(LLM_CALLS)
        try:
            reply = await self._gemini.generate(
                config, system, [*_turns(context.history), ("user", text)], max_tokens=400
            )
        except LLMUnavailable:
            metrics.inc(LLM_ERRORS)
            raise
        metrics.observe(LLM_LATENCY, reply.latency_ms / 1000)
        return reply


def last_reply(ask: Ask) -> str:
    """The secretary's previous message to this customer ("" when none is remembered)."""
    ours = [turn.text for turn in ask.context.history if turn.role == "model"]
    return ours[-1] if ours else ""


def greeted(ask: Ask) -> bool:
    """The secretary already spoke in this conversation (the remembered turns, a day at most):
    it does not greet nor introduce itself again."""
    return any(turn.role == "model" for turn in ask.context.history)


def local_calendar(company: CompanyProfile, settings: Settings) -> bool:
    """The company books in the local calendar (domain/agenda/config.py), whose opening hours
    the offline secretary can then tell."""
    own = (company.settings or {}).get("agenda") or {}
    if calcom_config(company, settings).configured:
        return False
    return bool(own.get("local", company.slug == DEMO_SLUG))


def _turns(history: list[Turn]) -> list[tuple[str, str]]:
    return [(turn.role, turn.text) for turn in history if turn.text]


def _checked(ask: Ask, reply: LLMReply, prompt: Prompt) -> Composed:
    """The model's reply if it is safe to send; its own "call a person" signal honoured."""
    tokens = (reply.prompt_tokens, reply.output_tokens)
    if not reply.text or leaks(reply.text, prompt.system, prompt.secrets, prompt.canary):
        log.warning("llm_output_rejected", message_id=ask.context.inbound.id, empty=not reply.text)
        return Composed(SAFE_INJECTION_REPLY, "guardrail", tokens=tokens, analysis=ask.analysis)
    if escalation.MODEL_HANDOFF_MARKER in reply.text:
        return replace(handoff_reply(ask, "missing_knowledge", "model_declined"), tokens=tokens)
    return Composed(reply.text, "llm", tokens=tokens, analysis=ask.analysis)
