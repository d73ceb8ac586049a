"""The secretary's reply to an inbound message, as stored: what composing needs (`Context`),
what it made (`Composed`) and the saved reply (`Reply`). Every function here runs in the
caller's transaction on a connection bound to the company's schema; composing happens between
those transactions (domain/secretary/service.py), so none is held while the model thinks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from domain.conversations import contacts, messages, outbox, store
from domain.conversations.handoffs import hand_over
from domain.conversations.simulator import is_simulated
from domain.secretary.guardrails import sanitise, whatsapp_text
from domain.secretary.memory import Turn
from domain.secretary.names import customer_name
from domain.secretary.nlu import Analysis, analyse
from domain.secretary.profile import learn


@dataclass(frozen=True)
class Reply:
    id: int
    status: str  # "pending": to deliver; "outbox": waits for Whaticket; "simulated": final
    created: bool = False  # written by this call (count it), not found from an earlier one


@dataclass(frozen=True)
class Context:
    inbound: Any
    contact_name: str | None = None
    profile: dict[str, Any] = field(default_factory=dict)
    history: list[Turn] = field(default_factory=list)  # oldest first
    analysis: Analysis | None = None  # of the sanitised text, once per message


@dataclass(frozen=True)
class Composed:
    body: str
    source: str  # llm | offline | fallback (model unreachable) | guardrail | handoff | ratelimit
    handoff_reason: str | None = None
    handoff_trigger: str | None = None
    tokens: tuple[int, int] | None = None
    analysis: Analysis | None = None


def first_status(whaticket_configured: bool, phone: str) -> str:
    """A reply to the simulator is never sent; without Whaticket it waits in the outbox."""
    if is_simulated(phone):
        return "simulated"
    return "pending" if whaticket_configured else "outbox"


async def load_context(
    conn: AsyncConnection, inbound_id: int, filed_now: Any | None = None
) -> Reply | Context | None:
    """The reply already written (a retried job), or what composing needs (history comes from
    the short-term memory, see `load_history`); None when the bot must not answer (handed off
    to a person, or the message is gone). `filed_now`: the message just filed in this
    transaction, which cannot have a reply yet (the hot path skips two reads)."""
    if filed_now is None:
        existing = await outbox.reply_for(conn, inbound_id)
        if existing is not None:
            return Reply(int(existing.id), existing.status)
    inbound = filed_now or await messages.message(conn, inbound_id)
    if inbound is None or inbound.conversation_id is None:
        return None
    state = await store.conversation_with_contact(conn, inbound.conversation_id)
    if state is None or state.status == "handoff":
        return None  # a person is answering this contact; the bot stays quiet
    profile = dict(state.profile or {})
    name = customer_name(profile, state.name, inbound.push_name, str(inbound.phone))
    return Context(inbound, name, profile)


async def load_history(conn: AsyncConnection, inbound: Any, limit: int) -> list[Turn]:
    """The conversation's last turns from PostgreSQL, for when the memory in Redis is empty."""
    rows = await store.recent_turns(conn, inbound.conversation_id, inbound.id, limit)
    turns = []
    for row in rows:
        if row.direction == "inbound":
            analysis = analyse(sanitise(row.body or ""))
            turns.append(Turn(row.id, "user", row.body or "", analysis.intent, analysis.sentiment))
        else:
            turns.append(Turn(row.id, "model", row.body or "", source=row.source))
    return turns


async def save_reply(
    conn: AsyncConnection, context: Context, composed: Composed, status: str
) -> Reply:
    """Write the reply (once per inbound message) with its first `status` (see
    `first_status`), learn from the message into the contact's profile and, for a handoff,
    hand the conversation over."""
    inbound = context.inbound
    if composed.handoff_reason:
        await hand_over(
            conn,
            inbound.conversation_id,
            composed.handoff_reason,
            "secretary",
            {"trigger": composed.handoff_trigger},
        )
    if composed.analysis is not None:
        await _learn(conn, inbound, composed.analysis)
    reply_id, created = await outbox.insert_reply(
        conn,
        inbound,
        whatsapp_text(composed.body),
        composed.source,
        inbound.correlation_id,
        status,
        composed.tokens,
    )
    return Reply(reply_id, status, created)


async def _learn(conn: AsyncConnection, inbound: Any, analysis: Analysis) -> None:
    # The row lock serialises two messages of one contact handled by two jobs at once.
    contact = await contacts.contact(conn, inbound.contact_id, lock=True)
    if contact is None:
        return
    before = dict(contact.profile or {})
    after = learn(before, inbound.id, sanitise(inbound.body or ""), analysis)
    if after is not before:
        await contacts.save_profile(conn, inbound.contact_id, after)
