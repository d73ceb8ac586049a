"""Query functions of Pós-Atendimento: the follow-up a customer's message may answer, the
answers recorded once, and what the tab and the API read. Each runs in the caller's
transaction, on a connection bound to the company's schema (`public.followups` is named by
its schema, so the same connection reaches both)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.agenda.models import Appointment
from domain.conversations.models import Message
from domain.feedback.answers import Answer
from domain.feedback.followups import ANSWER_WINDOW
from domain.feedback.models import FeedbackEvent, Followup
from domain.feedback.wording import professional_of

_followups = cast(Table, Followup.__table__)
_events = cast(Table, FeedbackEvent.__table__)
_appointments = cast(Table, Appointment.__table__)
_messages = cast(Table, Message.__table__)


async def open_followup(
    conn: AsyncConnection, company_id: int, phone: str, now: datetime
) -> Any | None:
    """The follow-up sent to this phone that still waits for a score or a comment within its
    answer window, the latest first; locked, so two messages of one customer answer once."""
    asked = func.coalesce(_followups.c.resent_at, _followups.c.sent_at)
    query = (
        select(
            _followups,
            _appointments.c.contact_id,
            _appointments.c.event_type_id,
            _appointments.c.payload,
        )
        .join(_appointments, _appointments.c.id == _followups.c.appointment_id)
        .where(
            _followups.c.company_id == company_id,
            _followups.c.status == "sent",
            _followups.c.stage.in_(("score", "comment")),
            _appointments.c.phone == phone,
            asked > now - ANSWER_WINDOW,
        )
        .order_by(_followups.c.sent_at.desc())
        .limit(1)
        .with_for_update(of=_followups)
    )
    return (await conn.execute(query)).first()


async def moved_on(conn: AsyncConnection, followup: Any, conversation_id: int | None) -> bool:
    """Whether we have written to the customer about something else since the follow-up
    asked (the secretary answered a question, a booking went on): a "perfeito, até lá" or a
    "5 da tarde tá bom" then belongs to that talk, not to the follow-up."""
    if followup.message_id is None:
        return False
    later = (
        select(_messages.c.id)
        .where(
            _messages.c.conversation_id == conversation_id,  # (conversation_id, id) index
            _messages.c.direction == "outbound",
            _messages.c.id > followup.message_id,
            _messages.c.source.is_distinct_from("followup"),  # its own resend and thanks
        )
        .limit(1)
    )
    return (await conn.execute(later)).first() is not None


async def record_score(
    conn: AsyncConnection,
    followup: Any,
    answer: Answer,
    message_id: int | None,
    contact_id: int | None,
    complaint: bool,
    now: datetime,
) -> int | None:
    """The answer's row (None when this follow-up already has one: a retried job) and the
    follow-up's next stage: a comment asked for after a complaint without one, else done."""
    created = await conn.execute(
        insert(_events)
        .values(
            followup_id=followup.id,
            kind=followup.kind or "csat",
            score=answer.score,
            sentiment=answer.sentiment,
            comment=answer.comment,
            appointment_id=followup.appointment_id,
            contact_id=contact_id or followup.contact_id,
            professional=professional_of(followup),
            event_type_id=followup.event_type_id,
            message_id=message_id,
            sent_at=followup.sent_at,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=[_events.c.followup_id, _events.c.kind])
        .returning(_events.c.id)
    )
    event_id = created.scalar()
    if event_id is None:
        return None
    stage = "comment" if complaint and answer.comment is None else "done"
    values: dict[str, Any] = {"stage": stage, "answered_at": now}
    if complaint:
        values["alert"] = "pending"
    await conn.execute(update(_followups).where(_followups.c.id == followup.id).values(**values))
    return int(event_id)


async def record_comment(
    conn: AsyncConnection, followup: Any, answer: Answer, complaint: bool
) -> bool:
    """The open answer after a low score, kept on the score's row; False when it already had
    one. A complaint in the comment raises the alert too."""
    changed = await conn.execute(
        update(_events)
        .where(_events.c.followup_id == followup.id, _events.c.comment.is_(None))
        .values(
            comment=answer.comment,
            # A complaint in words makes the answer negative; praise never undoes a low score.
            sentiment="negative" if answer.sentiment == "negative" else _events.c.sentiment,
        )
        .returning(_events.c.id)
    )
    if changed.first() is None:
        return False
    values: dict[str, Any] = {"stage": "done"}
    if complaint:
        values["alert"] = func.coalesce(_followups.c.alert, "pending")
    await conn.execute(update(_followups).where(_followups.c.id == followup.id).values(**values))
    return True


@dataclass(frozen=True)
class Filters:
    """The list's filters (validated by the caller): score range, period, professional."""

    since: datetime
    until: datetime
    kind: str | None = None
    min_score: int | None = None
    max_score: int | None = None
    professional: str | None = None
    limit: int = 50
    offset: int = 0


def _filtered(query: Any, filters: Filters) -> Any:
    query = query.where(_events.c.created_at >= filters.since, _events.c.created_at < filters.until)
    if filters.kind:
        query = query.where(_events.c.kind == filters.kind)
    if filters.min_score is not None:
        query = query.where(_events.c.score >= filters.min_score)
    if filters.max_score is not None:
        query = query.where(_events.c.score <= filters.max_score)
    if filters.professional:
        query = query.where(
            or_(
                _events.c.professional == filters.professional,
                func.cast(_events.c.event_type_id, _events.c.professional.type)
                == filters.professional,
            )
        )
    return query


async def events(conn: AsyncConnection, filters: Filters) -> list[Any]:
    """The answers, newest first, with the customer's name and phone."""
    query = (
        select(_events, _appointments.c.name, _appointments.c.phone, _appointments.c.start_at)
        .outerjoin(_appointments, _appointments.c.id == _events.c.appointment_id)
        .order_by(_events.c.created_at.desc(), _events.c.id.desc())
        .limit(filters.limit)
        .offset(filters.offset)
    )
    return list(await conn.execute(_filtered(query, filters)))


async def scored(conn: AsyncConnection, since: datetime) -> list[Any]:
    """(kind, score, sentiment, sent_at, created_at) of every answer since `since`: what the
    summary and the charts are computed from."""
    query = select(
        _events.c.kind,
        _events.c.score,
        _events.c.sentiment,
        _events.c.sent_at,
        _events.c.created_at,
        _events.c.professional,
    ).where(_events.c.created_at >= since)
    return list(await conn.execute(query))


async def sent_count(conn: AsyncConnection, company_id: int, since: datetime) -> int:
    """Follow-ups sent since `since` (the response rate's denominator)."""
    query = (
        select(func.count())
        .select_from(_followups)
        .where(
            _followups.c.company_id == company_id,
            _followups.c.status == "sent",
            _followups.c.sent_at >= since,
        )
    )
    return int(await conn.scalar(query) or 0)


async def unanswered(conn: AsyncConnection, company_id: int, now: datetime) -> list[Any]:
    """Follow-ups still without an answer inside their window: the ones to nudge."""
    query = (
        select(
            _followups.c.id,
            _followups.c.kind,
            _followups.c.sent_at,
            _followups.c.resent_at,
            _appointments.c.name,
            _appointments.c.phone,
            _appointments.c.start_at,
        )
        .join(_appointments, _appointments.c.id == _followups.c.appointment_id)
        .where(
            _followups.c.company_id == company_id,
            _followups.c.status == "sent",
            _followups.c.answered_at.is_(None),
            _followups.c.sent_at > now - ANSWER_WINDOW,
        )
        .order_by(_followups.c.sent_at.desc())
        .limit(50)
    )
    return list(await conn.execute(query))


async def professionals(conn: AsyncConnection) -> list[str]:
    """The professionals named in answers (the list's filter options)."""
    query = (
        select(_events.c.professional)
        .where(_events.c.professional.is_not(None))
        .distinct()
        .order_by(_events.c.professional)
    )
    return [str(row[0]) for row in await conn.execute(query)]


async def alert_event(conn: AsyncConnection, followup_id: int) -> Any | None:
    """The complaint an alert is about: its answer with the customer."""
    query = (
        select(_events, _appointments.c.name, _appointments.c.phone, _appointments.c.start_at)
        .outerjoin(_appointments, _appointments.c.id == _events.c.appointment_id)
        .where(_events.c.followup_id == followup_id)
        .order_by(_events.c.id)
        .limit(1)
    )
    return (await conn.execute(query)).first()


async def pending_alerts(conn: AsyncConnection, limit: int) -> list[Any]:
    """Complaint alerts not yet delivered (partial index ix_followups_alert), locked."""
    query = (
        select(_followups.c.id, _followups.c.company_id, _followups.c.alert_attempts)
        .where(_followups.c.alert == "pending")
        .order_by(_followups.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(await conn.execute(query))


async def mark_alert(
    conn: AsyncConnection, followup_id: int, state: str, error: str | None
) -> None:
    await conn.execute(
        update(_followups)
        .where(_followups.c.id == followup_id)
        .values(alert=state, alert_error=error[:200] if error else None)
    )
