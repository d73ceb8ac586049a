"""Writing the secretary's reply to an inbound message: the pipeline's context, intent,
guardrails, compose and persist steps (the LLM step plugs in at `compose`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from domain.conversations import store
from domain.db import tenant_engine
from domain.observability.logging import get_logger
from domain.observability.metrics import INJECTION_BLOCKED, metrics
from domain.secretary.guardrails import SAFE_INJECTION_REPLY, is_injection, sanitise, whatsapp_text
from domain.secretary.nlu import analyse
from domain.secretary.offline import offline_reply

log = get_logger(__name__)


def handoff_message(company: str) -> str:
    return (
        f"Certo! Vou chamar uma pessoa da equipe da {company} para continuar o seu atendimento. "
        "Assim que alguém estiver disponível, responderá por aqui."
    )


@dataclass(frozen=True)
class Reply:
    id: int
    status: str  # "pending": to deliver; "outbox": waits for Whaticket in the panel


async def prepare_reply(
    conn: AsyncConnection, inbound_id: int, company_name: str, deliverable: bool
) -> Reply | None:
    """The reply to an inbound message, written if needed, in the caller's transaction (on a
    connection bound to the company's schema); None when nothing is to be sent (handed off
    to a person). `deliverable=False` (no Whaticket configured) writes it to the outbox.

    Idempotent: the reply is unique per inbound message, so a retried job reuses it.
    """
    existing = await store.reply_for(conn, inbound_id)
    if existing is not None:
        return Reply(int(existing.id), existing.status)
    inbound = await store.message(conn, inbound_id)
    if inbound is None or inbound.conversation_id is None:
        return None
    if await store.conversation_status(conn, inbound.conversation_id) == "handoff":
        return None  # a person is answering this contact; the bot stays quiet
    body, source = await _compose(conn, inbound, company_name)
    status = "pending" if deliverable else "outbox"
    reply_id = await store.insert_reply(
        conn, inbound, whatsapp_text(body), source, inbound.correlation_id, status
    )
    return Reply(reply_id, status)


async def _compose(conn: AsyncConnection, inbound: Any, company_name: str) -> tuple[str, str]:
    text = sanitise(inbound.body)
    if is_injection(text):
        metrics.inc(INJECTION_BLOCKED)
        log.warning("prompt_injection_blocked", message_id=inbound.id)
        return SAFE_INJECTION_REPLY, "guardrail"
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
        await store.set_conversation_status(
            conn, inbound.conversation_id, "handoff", "customer_request"
        )
        return handoff_message(company_name), "handoff"
    return offline_reply(text, inbound.kind, inbound.push_name, company_name), "offline"


async def release_conversation(engine: AsyncEngine, company_id: int, conversation_id: int) -> None:
    """An operator gives the conversation back to the bot."""
    async with tenant_engine(engine, company_id).begin() as conn:
        await store.set_conversation_status(conn, conversation_id, "open", None)
