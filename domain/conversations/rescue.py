"""A customer whose message could not be answered still hears from us (issue 13).

When the job answering an inbound message gives up (its data made it fail, or it ran out of
retries), the message would otherwise sit in the dead letters with the customer waiting for
ever. Instead, in one short transaction that uses nothing but what the webhook already
checked (the phone number) and none of what may have failed (the name, the LID, the text,
the model, Cal.com):

- the message is filed into its contact's conversation if it was not yet, and marked `failed`
  with the reason, so the operator sees it in the thread and in the Filas tab's dead letter;
- the conversation goes to a person (reason `tool_failure`, trigger `processing_failed`,
  audited like every handoff), and the customer gets the usual one-time handoff message.

Nothing is written when the message already has a reply (it is on its way) or when the
conversation was already with a person (who sees the message in the thread). A replay of the
dead letter later finds the conversation handed off, so the bot does not answer twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, update

from domain.conversations import contacts, handoffs, messages, outbox, store
from domain.conversations.models import Message
from domain.db import TenantDatabase
from domain.secretary.escalation import message as handoff_message
from domain.secretary.replies import first_status

_messages = cast(Table, Message.__table__)
REASON, TRIGGER = "tool_failure", "processing_failed"


@dataclass(frozen=True)
class Rescued:
    outcome: str  # "handed_off" | "already_answered" | "already_with_a_person" | "missing"
    reply_id: int | None = None
    reply_status: str | None = None  # "pending": to deliver now; "outbox" or "simulated"

    @property
    def to_deliver(self) -> int | None:
        return self.reply_id if self.reply_status == "pending" else None


async def rescue_unanswered(
    db: TenantDatabase,
    message_id: int,
    reason: str,
    company_name: str,
    whaticket_configured: bool,
) -> Rescued:
    """Hand the customer of an unanswerable inbound message to a person (see the module)."""
    async with db.transaction() as conn:
        row = await messages.lock_message(conn, message_id)
        if row is None or row.direction != "inbound":
            return Rescued("missing")
        if await outbox.reply_for(conn, message_id) is not None:
            return Rescued("already_answered")  # it failed after the reply was saved
        await conn.execute(
            update(_messages)
            .where(_messages.c.id == message_id, _messages.c.status.in_(("received", "processed")))
            .values(status="failed", error=reason.replace("\x00", "")[:4000])
        )
        conversation_id = row.conversation_id
        contact_id = row.contact_id
        if conversation_id is None or contact_id is None:
            now = datetime.now(UTC)
            contact_id = await contacts.upsert_contact(conn, row.phone, None, None, now)
            conversation_id = await store.active_conversation(conn, contact_id, now)
            await conn.execute(
                update(_messages)
                .where(_messages.c.id == message_id)
                .values(contact_id=contact_id, conversation_id=conversation_id)
            )
        detail = {"trigger": TRIGGER, "message_id": message_id}
        if not await handoffs.hand_over(conn, conversation_id, REASON, "secretary", detail):
            return Rescued("already_with_a_person")
        inbound: Any = _Inbound(row.id, row.phone, contact_id, conversation_id)
        status = first_status(whaticket_configured, row.phone)
        reply_id, _ = await outbox.insert_reply(
            conn,
            inbound,
            handoff_message(REASON, company_name, None),
            "handoff",
            row.correlation_id,
            status,
        )
    return Rescued("handed_off", reply_id, status)


@dataclass(frozen=True)
class _Inbound:
    """What outbox.insert_reply reads of the message it answers."""

    id: int
    phone: str
    contact_id: int
    conversation_id: int
