"""The panel's simulator (N1): an operator writes as a customer and the real pipeline answers.

Simulated contacts have a phone that is not a number ("sim<user id>"), so nothing can mistake
them for a WhatsApp customer; their replies are stored as `simulated` and never sent.
"""

from __future__ import annotations

import uuid
from typing import Any, cast

from redis.asyncio import Redis
from sqlalchemy import Table, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnElement

from domain import queues
from domain.agenda.flow_state import FlowState
from domain.conversations import messages
from domain.conversations.models import Contact, Conversation, Message
from domain.db import TenantDatabase
from domain.secretary.flood import forget_flood
from domain.secretary.memory import Memory
from domain.settings import Settings

PREFIX = "sim"
_contacts = cast(Table, Contact.__table__)
_conversations = cast(Table, Conversation.__table__)
_messages = cast(Table, Message.__table__)


def simulator_phone(user_id: int) -> str:
    return f"{PREFIX}{user_id}"


def is_simulated(phone: str) -> bool:
    return phone.startswith(PREFIX)


async def simulate_inbound(db: TenantDatabase, user_id: int, text: str, correlation_id: str) -> int:
    """Store (and commit) a simulated customer message exactly as the webhook stores a real
    one; the caller enqueues it like any other."""
    async with db.transaction() as conn:
        message_id = await messages.insert_inbound(
            conn,
            external_id=f"sim-{uuid.uuid4().hex}",
            phone=simulator_phone(user_id),
            body=text,
            kind="text",
            # No stand-in name: it would overwrite the name the "customer" tells the bot.
            push_name=None,
            payload={"simulator": True, "user_id": user_id, "text": text},
            correlation_id=correlation_id,
            wa_timestamp=None,
        )
    assert message_id is not None  # a fresh external id never collides
    return message_id


async def active_conversation_id(conn: AsyncConnection, user_id: int) -> int | None:
    query = (
        select(_conversations.c.id)
        .join(_contacts, _contacts.c.id == _conversations.c.contact_id)
        .where(_contacts.c.phone == simulator_phone(user_id), _conversations.c.status != "closed")
    )
    return (await conn.execute(query)).scalar()


async def current_state(conn: AsyncConnection, user_id: int) -> Any | None:
    """The simulated conversation under way (id, status, handoff reason), if any: a handoff
    is shown to the operator, who otherwise could not tell the customer would now wait."""
    query = (
        select(_conversations.c.id, _conversations.c.status, _conversations.c.handoff_reason)
        .join(_contacts, _contacts.c.id == _conversations.c.contact_id)
        .where(_contacts.c.phone == simulator_phone(user_id), _conversations.c.status != "closed")
    )
    return (await conn.execute(query)).first()


async def thread(conn: AsyncConnection, user_id: int, limit: int = 100) -> list[Any]:
    """The simulated conversation so far, the operator's newest message included even before
    the pipeline has filed it (so it shows at once)."""
    current = await active_conversation_id(conn, user_id)
    in_thread: ColumnElement[bool] = _messages.c.conversation_id.is_(None)
    if current is not None:
        in_thread = or_(in_thread, _messages.c.conversation_id == current)
    query = (
        select(
            _messages.c.id,
            _messages.c.direction,
            _messages.c.body,
            _messages.c.source,
            _messages.c.received_at,
        )
        .where(_messages.c.phone == simulator_phone(user_id), in_thread)
        .order_by(_messages.c.id.desc())
        .limit(limit)
    )
    return list(reversed(list(await conn.execute(query))))


async def restart(conn: AsyncConnection, user_id: int) -> None:
    """Close the simulated conversation: the next message starts a new one."""
    conversation_id = await active_conversation_id(conn, user_id)
    if conversation_id is not None:
        await conn.execute(
            update(_conversations)
            .where(_conversations.c.id == conversation_id)
            .values(status="closed", handoff_reason=None, closed_at=func.now())
        )


async def send_as_customer(
    db: TenantDatabase,
    router: queues.QueueRouter,
    settings: Settings,
    user_id: int,
    text: str,
    correlation_id: str,
) -> None:
    """The operator's message, stored as a customer's and, once committed, queued for the
    real pipeline."""
    message_id = await simulate_inbound(db, user_id, text, correlation_id)
    queue = await router.queue_for(db.company_id)
    await queues.enqueue_inbound(
        queue, settings.redis_namespace, db.company_id, message_id, correlation_id
    )


async def start_over(db: TenantDatabase, redis: Redis, settings: Settings, user_id: int) -> None:
    """A new simulated conversation: the current one closed (committed), its short-term memory,
    open booking and anti-flood count gone, so the secretary greets the operator as a new
    customer."""
    async with db.transaction() as conn:
        await restart(conn, user_id)
    phone = simulator_phone(user_id)
    memory = Memory(redis, settings.redis_namespace, settings.memory_turns, 60)
    await memory.forget(db.company_id, phone)
    # Nor a booking left half-way, nor the anti-flood count of the old conversation.
    await FlowState(redis, settings.redis_namespace).forget(db.company_id, phone)
    await forget_flood(redis, settings.redis_namespace, db.company_id, phone)
