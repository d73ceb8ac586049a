"""Rules for messages once they are stored: filing an inbound one into its contact and
conversation, and an operator's reply from the panel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncConnection

from domain import queues
from domain.conversations import contacts, handoffs, messages, store
from domain.db import TenantDatabase
from domain.errors import InvalidInput
from domain.secretary.config import whaticket_config
from domain.secretary.memory import Memory, Turn
from domain.settings import Settings
from domain.tenancy.directory import CompanyProfile
from domain.webhooks.payloads import InboundMessage, parse_webhook


@dataclass(frozen=True)
class Filed:
    outcome: str  # "filed" | "already_processed" | "missing"
    contact_id: int | None = None
    conversation_id: int | None = None
    message: Any | None = None  # "filed": the message as it now stands (spares a re-read)


async def file_inbound_message(conn: AsyncConnection, message_id: int) -> Filed:
    """Attach a received message to its contact and active conversation, exactly once.

    The message row is locked for the transaction and its status checked first, so a
    retried or duplicated job finds `processed` and changes nothing.
    """
    row = await messages.lock_message(conn, message_id)
    if row is None:
        return Filed("missing")  # erased (LGPD) between accept and processing
    if row.status != "received":
        return Filed("already_processed", row.contact_id, row.conversation_id)
    seen_at = row.wa_timestamp or row.received_at or datetime.now(UTC)
    contact_id = await contacts.upsert_contact(
        conn, row.phone, row.push_name, _lid_of(row.payload), seen_at
    )
    conversation_id = await store.active_conversation(conn, contact_id, seen_at)
    await messages.mark_filed(conn, message_id, contact_id, conversation_id)
    message = SimpleNamespace(
        **{
            **row._mapping,
            "status": "processed",
            "contact_id": contact_id,
            "conversation_id": conversation_id,
        }
    )
    return Filed("filed", contact_id, conversation_id, message)


def _lid_of(payload: Any) -> str | None:
    """The sender's WhatsApp LID, when the stored webhook body was LID-addressed."""
    try:
        parsed = parse_webhook(payload)
    except InvalidInput:
        return None
    return parsed.lid if isinstance(parsed, InboundMessage) else None


async def reply_as_operator(
    db: TenantDatabase,
    redis: Redis,
    router: queues.QueueRouter,
    settings: Settings,
    company: CompanyProfile,
    conversation_id: int,
    text: str,
    actor: str,
    correlation_id: str,
) -> None:
    """An operator writes to the customer (P7): the conversation is taken from the bot, the
    message stored (in the outbox while Whaticket is not configured) and, once committed,
    queued for delivery and remembered as the conversation's latest turn."""
    deliverable = whaticket_config(company, settings).configured
    async with db.transaction() as conn:
        message_id, phone = await handoffs.operator_reply(
            conn, conversation_id, text, actor, deliverable, correlation_id
        )
    ns = settings.redis_namespace
    if deliverable:
        queue = await router.queue_for(company.id)
        await queues.enqueue_delivery(queue, ns, company.id, message_id, correlation_id)
    memory = Memory(redis, ns, settings.memory_turns, settings.memory_ttl_seconds)
    await memory.remember(company.id, phone, Turn(message_id, "model", text, source="operator"))
