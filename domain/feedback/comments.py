"""The open answer after a low score when a person already has the conversation (G7).

A complaint hands the conversation over at once, with the question "O que poderíamos
melhorar?"; from then on the bot is quiet, so the customer's answer never reaches the
responder. The scheduler collects it instead: the customer's first message after the score,
in a conversation still with a person, becomes the comment (once: `record_comment` only fills
an empty one). After the answer window, nothing more is waited for.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, literal_column, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.conversations.models import Conversation, Message
from domain.db import bind_tenant
from domain.feedback import store
from domain.feedback.answers import read_comment
from domain.feedback.followups import ANSWER_WINDOW
from domain.feedback.models import FeedbackEvent, Followup

_followups = cast(Table, Followup.__table__)
_events = cast(Table, FeedbackEvent.__table__)
_messages = cast(Table, Message.__table__)
_conversations = cast(Table, Conversation.__table__)


async def collect(conn: AsyncConnection, now: datetime, limit: int = 200) -> int:
    """Settle the follow-ups waiting for a comment (partial index ix_followups_comment): the
    comments found, in the caller's transaction."""
    waiting = list(
        await conn.execute(
            select(_followups)
            .where(_followups.c.stage == literal_column("'comment'"))
            .order_by(_followups.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    found = 0
    for followup in waiting:
        tenant = await bind_tenant(conn, followup.company_id)
        said = await _said_after(tenant, followup.id)
        answer = read_comment(said.body) if said is not None else None
        if answer is not None:
            complaint = answer.sentiment == "negative"
            found += await store.record_comment(tenant, followup, answer, complaint)
        elif said is not None or followup.answered_at < now - ANSWER_WINDOW:
            # A thank-you, or nothing for a week: nothing more to wait for.
            await conn.execute(
                update(_followups).where(_followups.c.id == followup.id).values(stage="done")
            )
    return found


async def _said_after(tenant: AsyncConnection, followup_id: int) -> Any | None:
    """The customer's first message after the one that gave the score, while a person has
    the conversation (an open one is the responder's to read)."""
    event = (
        await tenant.execute(
            select(_events.c.message_id, _events.c.contact_id).where(
                _events.c.followup_id == followup_id
            )
        )
    ).first()
    if event is None or event.message_id is None or event.contact_id is None:
        return None
    query = (
        select(_messages.c.id, _messages.c.body)
        .join(_conversations, _conversations.c.id == _messages.c.conversation_id)
        .where(
            _messages.c.contact_id == event.contact_id,
            _messages.c.direction == "inbound",
            _messages.c.id > event.message_id,
            _conversations.c.status == "handoff",
        )
        .order_by(_messages.c.id)
        .limit(1)
    )
    return (await tenant.execute(query)).first()
