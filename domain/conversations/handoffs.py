"""Human handoff (P7): a conversation goes to a person and the bot stays quiet until an
operator gives it back. Every change is audited."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.conversations.models import Contact, Conversation
from domain.conversations.outbox import insert_operator_message
from domain.conversations.simulator import PREFIX as SIMULATOR_PREFIX
from domain.errors import Conflict, NotFound
from domain.operations.audit import record

REASONS = (
    "customer_request",
    "missing_knowledge",
    "unsupported_request",
    "policy_restriction",
    "tool_failure",
    "pending_clarification",
    "usage_limit",
    "subscription_inactive",  # canceled or past due: no automatic answers (T4)
    "negative_feedback",  # an unhappy answer to the follow-up after an appointment (G7)
    "operator",  # an operator took the conversation over from the panel or the API
)

_conversations = cast(Table, Conversation.__table__)
_contacts = cast(Table, Contact.__table__)


async def hand_over(
    conn: AsyncConnection,
    conversation_id: int,
    reason: str,
    actor: str,
    detail: dict[str, Any] | None = None,
) -> bool:
    """Mark the conversation handed off; False when it already was (told once, audited once)."""
    changed = await conn.execute(
        update(_conversations)
        .where(_conversations.c.id == conversation_id, _conversations.c.status == "open")
        .values(status="handoff", handoff_reason=reason)
        .returning(_conversations.c.id)
    )
    if changed.first() is None:
        return False
    await record(
        conn,
        actor=actor,
        action="conversation.handoff",
        entity="conversation",
        entity_id=conversation_id,
        before={"status": "open"},
        after={"status": "handoff", "reason": reason, **(detail or {})},
    )
    return True


async def take_over(conn: AsyncConnection, conversation_id: int, actor: str) -> None:
    """An operator takes the conversation from the bot."""
    status, _ = await _state(conn, conversation_id)
    if status == "closed":
        raise Conflict("the conversation is closed", code="conversation_closed")
    await hand_over(conn, conversation_id, "operator", actor)


async def release(conn: AsyncConnection, conversation_id: int, actor: str) -> None:
    """An operator gives the conversation back to the bot."""
    status, reason = await _state(conn, conversation_id)
    if status != "handoff":
        raise Conflict(f"the conversation is {status}, not handed off", code="not_handed_off")
    await conn.execute(
        update(_conversations)
        .where(_conversations.c.id == conversation_id)
        .values(status="open", handoff_reason=None)
    )
    await record(
        conn,
        actor=actor,
        action="conversation.release",
        entity="conversation",
        entity_id=conversation_id,
        before={"status": "handoff", "reason": reason},
        after={"status": "open"},
    )


async def _state(conn: AsyncConnection, conversation_id: int) -> tuple[str, str | None]:
    """(status, handoff reason), the row locked for the caller's transaction."""
    row = (
        await conn.execute(
            select(_conversations.c.status, _conversations.c.handoff_reason)
            .where(_conversations.c.id == conversation_id)
            .with_for_update()
        )
    ).first()
    if row is None:
        raise NotFound("no such conversation")
    return str(row.status), row.handoff_reason


async def conversations(
    conn: AsyncConnection,
    status: str | None,
    limit: int,
    conversation_id: int | None = None,
    simulated: bool = False,
) -> list[Any]:
    """The latest conversations (optionally of one status, or just one) with their contact:
    the customers' by default, the panel's Simulador's when `simulated`."""
    query = (
        select(
            _conversations.c.id,
            _conversations.c.status,
            _conversations.c.handoff_reason,
            _conversations.c.started_at,
            _conversations.c.last_message_at,
            _contacts.c.id.label("contact_id"),
            _contacts.c.name.label("contact_name"),
            _contacts.c.phone,
        )
        .join(_contacts, _contacts.c.id == _conversations.c.contact_id)
        .order_by(_conversations.c.last_message_at.desc())
        .limit(limit)
    )
    if status:
        query = query.where(_conversations.c.status == status)
    if conversation_id is None:  # customers and simulations are listed apart
        simulator = _contacts.c.phone.like(f"{SIMULATOR_PREFIX}%")
        query = query.where(simulator if simulated else ~simulator)
    else:
        query = query.where(_conversations.c.id == conversation_id)
    return list(await conn.execute(query))


async def operator_reply(
    conn: AsyncConnection,
    conversation_id: int,
    text: str,
    actor: str,
    deliverable: bool,
    correlation_id: str,
) -> tuple[int, str]:
    """An operator writes to the customer: the conversation is taken from the bot (so the two
    never answer at once) and the message waits for delivery. (message id, phone)"""
    await take_over(conn, conversation_id, actor)
    status = "pending" if deliverable else "outbox"
    message_id, phone = await insert_operator_message(
        conn, conversation_id, text, status, correlation_id
    )
    await record(
        conn,
        actor=actor,
        action="message.operator_reply",
        entity="message",
        entity_id=message_id,
        after={"conversation_id": conversation_id, "status": status},
        correlation_id=correlation_id,
    )
    return message_id, phone
