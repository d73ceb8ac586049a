"""Reminders before an appointment and the no-show check after it (G5, G6): the policy and
the planning (`domain/agenda/dispatcher.py` sends them).

Planning writes rows in `public.reminders` whenever an appointment is booked or moved: one per
reminder offset whose time has not passed yet (a booking made 5 h ahead gets only the 1 h
reminder) and one no-show check after its end. Rows are keyed by kind, appointment and the
start they were planned for, so planning twice is a no-op and a moved appointment gets new
rows while the old ones are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.agenda.models import Reminder
from domain.errors import Conflict
from domain.feedback import followups
from domain.settings import Settings
from domain.tenancy.directory import CompanyProfile

_reminders = cast(Table, Reminder.__table__)

ACTIVE = ("pending", "scheduled", "confirmed")
NO_SHOW = "no_show"
MANUAL = "manual"
# Closer than this to the start, a reminder is noise: the customer is on the way or late.
MIN_LEAD = timedelta(minutes=5)
# Two manual reminders for one appointment this close together are one click too many.
MANUAL_SPACING = timedelta(minutes=2)


@dataclass(frozen=True)
class ReminderPolicy:
    company_id: int
    offsets: tuple[int, ...]  # minutes before the start
    no_show_grace: timedelta


def parse_offsets(value: Any) -> tuple[int, ...]:
    """ "1440,60" or [1440, 60] -> (1440, 60): positive minutes, largest first, no repeats."""
    items = value.split(",") if isinstance(value, str) else list(value or [])
    minutes = {int(item) for item in items if str(item).strip()}
    return tuple(sorted((m for m in minutes if m > 0), reverse=True))


def policy_for(company: CompanyProfile, settings: Settings) -> ReminderPolicy:
    """The company's agenda settings (`reminders`, `no_show_grace_minutes`) over the defaults."""
    own = (company.settings or {}).get("agenda") or {}
    offsets = own.get("reminders")
    grace = own.get("no_show_grace_minutes")
    return ReminderPolicy(
        company_id=company.id,
        offsets=parse_offsets(
            offsets if offsets is not None else settings.reminder_offsets_minutes
        ),
        no_show_grace=timedelta(
            minutes=int(grace if grace is not None else settings.no_show_grace_minutes)
        ),
    )


def kind_for(minutes: int) -> str:
    """The reminder's name, also its metric label: 1440 -> "24h", 60 -> "1h", 90 -> "90min"."""
    return f"{minutes // 60}h" if minutes % 60 == 0 else f"{minutes}min"


def _row(company_id: int, appointment_id: int, kind: str, starts: datetime, due: datetime) -> dict:
    # The instant, not its text: the same start read in the company's zone or in UTC (Cal.com's
    # webhook, the database) must give the same key, or one appointment gets two sets.
    key = f"{kind}:{appointment_id}:{int(starts.timestamp())}"
    return {
        "company_id": company_id,
        "appointment_id": appointment_id,
        "kind": kind,
        "key": key,
        "starts_at": starts,
        "due_at": due,
    }


async def plan(
    conn: AsyncConnection,
    policy: ReminderPolicy,
    appointment_id: int,
    start_at: datetime,
    end_at: datetime,
    now: datetime,
) -> None:
    """The reminders still ahead for the appointment at this start, its no-show check (none
    for a start already past when booked: a visit recorded afterwards was not missed) and its
    follow-up."""
    rows = [
        _row(policy.company_id, appointment_id, kind_for(m), start_at, due)
        for m in policy.offsets
        if (due := start_at - timedelta(minutes=m)) > now and start_at - due >= MIN_LEAD
    ]
    if start_at > now:
        rows.append(
            _row(
                policy.company_id, appointment_id, NO_SHOW, start_at, end_at + policy.no_show_grace
            )
        )
    # The follow-up after it (G7) is planned with its reminders, wherever it was booked.
    await followups.plan(conn, policy.company_id, appointment_id, start_at, end_at, now)
    if not rows:
        return
    await conn.execute(
        insert(_reminders)
        .values(rows)
        .on_conflict_do_nothing(index_elements=[_reminders.c.company_id, _reminders.c.key])
    )


async def drop_pending(
    conn: AsyncConnection, company_id: int, appointment_id: int, reason: str, now: datetime
) -> None:
    """The appointment was cancelled or moved: its pending reminders will never be sent."""
    await conn.execute(
        update(_reminders)
        .where(
            _reminders.c.company_id == company_id,
            _reminders.c.appointment_id == appointment_id,
            _reminders.c.status == "pending",
        )
        .values(status="dropped", reason=reason, done_at=now)
    )


async def no_show_now(
    conn: AsyncConnection, company_id: int, appointment_id: int, start_at: datetime, now: datetime
) -> None:
    """Cal.com marked a no-show: the offer of a new time goes out now, still only once."""
    row = _row(company_id, appointment_id, NO_SHOW, start_at, now)
    statement = insert(_reminders).values(row)
    await conn.execute(
        statement.on_conflict_do_update(
            index_elements=[_reminders.c.company_id, _reminders.c.key],
            # Also a check already settled (dropped when the meeting "ended"): once sent, never
            # again.
            set_={"due_at": func.least(_reminders.c.due_at, now), "status": "pending"},
            where=_reminders.c.status != "sent",
        )
    )


async def manual(conn: AsyncConnection, company_id: int, appointment: Any, now: datetime) -> int:
    """ "Enviar lembrete agora": a reminder due at once; its id."""
    if appointment.simulated:
        raise Conflict("a simulated appointment gets no reminder", code="reminder_simulated")
    if appointment.status not in ACTIVE or appointment.start_at <= now:
        raise Conflict(
            "only a future, active appointment gets a reminder", code="reminder_inactive"
        )
    recent = await conn.scalar(
        select(func.count())
        .select_from(_reminders)
        .where(
            _reminders.c.company_id == company_id,
            _reminders.c.appointment_id == appointment.id,
            _reminders.c.kind == MANUAL,
            _reminders.c.created_at > now - MANUAL_SPACING,
        )
    )
    if recent:
        raise Conflict(
            "a reminder was sent for this appointment moments ago", code="reminder_too_recent"
        )
    row = _row(company_id, appointment.id, MANUAL, appointment.start_at, now)
    # One per appointment per spacing window, also for two clicks racing past the count.
    row["key"] = f"{MANUAL}:{appointment.id}:{int(now.timestamp() // MANUAL_SPACING.seconds)}"
    created = await conn.execute(
        insert(_reminders)
        .values(row)
        .on_conflict_do_nothing(index_elements=[_reminders.c.company_id, _reminders.c.key])
        .returning(_reminders.c.id)
    )
    reminder_id = created.scalar()
    if reminder_id is None:
        raise Conflict(
            "a reminder was sent for this appointment moments ago", code="reminder_too_recent"
        )
    return int(reminder_id)
