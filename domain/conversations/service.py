"""Rules for inbound messages once they are stored: filing them into contact and conversation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from domain.conversations import contacts, messages, store
from domain.errors import InvalidInput
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
