"""The secretary's reply to an inbound message: context -> guardrails -> intent -> LLM ->
output check -> persist. Database work happens in the caller's transactions on a connection
bound to the company's schema; the LLM call happens between them, so no transaction (and no
row lock) is held while the model thinks.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from domain.conversations import store
from domain.conversations.handoffs import hand_over
from domain.integrations.gemini import LLMReply, LLMUnavailable
from domain.observability.logging import get_logger
from domain.observability.metrics import INJECTION_BLOCKED, metrics
from domain.secretary.guardrails import (
    SAFE_INJECTION_REPLY,
    is_injection,
    leaks,
    sanitise,
    whatsapp_text,
)
from domain.secretary.nlu import analyse
from domain.secretary.offline import offline_reply

log = get_logger(__name__)
HISTORY_TURNS = 10

# (system prompt, turns as (role, text) oldest first) -> the model's reply
Generate = Callable[[str, list[tuple[str, str]]], Awaitable[LLMReply]]


@dataclass(frozen=True)
class Reply:
    id: int
    status: str  # "pending": to deliver; "outbox": waits for Whaticket in the panel


@dataclass(frozen=True)
class Context:
    inbound: Any
    history: list[tuple[str, str]]  # (direction, body), oldest first


@dataclass(frozen=True)
class Composed:
    body: str
    source: str  # offline | llm | guardrail | handoff
    handoff_reason: str | None = None
    tokens: tuple[int, int] | None = None


def handoff_message(company: str) -> str:
    return (
        f"Certo! Vou chamar uma pessoa da equipe da {company} para continuar o seu atendimento. "
        "Assim que alguém estiver disponível, responderá por aqui."
    )


async def load_context(conn: AsyncConnection, inbound_id: int) -> Reply | Context | None:
    """The reply already written (a retried job), or what composing needs; None when the bot
    must not answer (handed off to a person, or the message is gone)."""
    existing = await store.reply_for(conn, inbound_id)
    if existing is not None:
        return Reply(int(existing.id), existing.status)
    inbound = await store.message(conn, inbound_id)
    if inbound is None or inbound.conversation_id is None:
        return None
    if await store.conversation_status(conn, inbound.conversation_id) == "handoff":
        return None  # a person is answering this contact; the bot stays quiet
    history = await store.recent_turns(conn, inbound.conversation_id, inbound_id, HISTORY_TURNS)
    return Context(inbound, history)


async def compose(
    context: Context,
    company: str,
    generate: Generate | None,
    system: str = "",
    secrets: tuple[str, ...] = (),
    canary: str = "",
) -> Composed:
    """No database here: this may wait on the model."""
    inbound = context.inbound
    text = sanitise(inbound.body)
    if is_injection(text):
        metrics.inc(INJECTION_BLOCKED)
        log.warning("prompt_injection_blocked", message_id=inbound.id)
        return Composed(SAFE_INJECTION_REPLY, "guardrail")
    analysis = analyse(text)
    log.info(
        "nlu",
        intent=analysis.intent,
        confidence=analysis.confidence,
        sentiment=analysis.sentiment,
        message_id=inbound.id,
    )
    if analysis.intent == "handoff":
        # P7: told once (this reply), then the bot stays quiet until an operator releases it.
        return Composed(handoff_message(company), "handoff", handoff_reason="customer_request")
    if generate is not None and text:
        turns = [("user" if d == "inbound" else "model", b) for d, b in context.history if b]
        try:
            reply = await generate(system, [*turns, ("user", text)])
        except LLMUnavailable as unavailable:
            log.warning("llm_unavailable", reason=unavailable.reason, message_id=inbound.id)
        else:
            if reply.text and not leaks(reply.text, system, secrets, canary):
                return Composed(
                    reply.text, "llm", tokens=(reply.prompt_tokens, reply.output_tokens)
                )
            log.warning("llm_output_rejected", message_id=inbound.id, empty=not reply.text)
            return Composed(
                SAFE_INJECTION_REPLY, "guardrail", tokens=(reply.prompt_tokens, reply.output_tokens)
            )
    return Composed(offline_reply(text, inbound.kind, inbound.push_name, company), "offline")


async def save_reply(
    conn: AsyncConnection, context: Context, composed: Composed, deliverable: bool
) -> Reply:
    """Write the reply (once per inbound message) and, for a handoff, hand the conversation
    over. `deliverable=False` (no Whaticket configured) puts it in the outbox."""
    inbound = context.inbound
    if composed.handoff_reason:
        await hand_over(conn, inbound.conversation_id, composed.handoff_reason, "secretary")
    status = "pending" if deliverable else "outbox"
    reply_id = await store.insert_reply(
        conn,
        inbound,
        whatsapp_text(composed.body),
        composed.source,
        inbound.correlation_id,
        status,
        composed.tokens,
    )
    return Reply(reply_id, status)
