"""Query functions for appointments (tenant schema). The caller owns the transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.agenda.models import ACTIVE, Appointment, CalWebhookEvent
from domain.integrations.calcom_payloads import CalcomError

_appointments = cast(Table, Appointment.__table__)
_events = cast(Table, CalWebhookEvent.__table__)
EXCLUSION_VIOLATION = "23P01"


class SlotTaken(CalcomError):
    """The time was taken meanwhile (models.NO_DOUBLE_BOOKING refused the row). A calendar
    conflict like Cal.com's own, so every flow that books already answers it: the chat offers
    the other free times, the panel says the time is taken. The transaction is rolled back."""

    def __init__(self) -> None:
        super().__init__("conflict", 409, "time already booked in the local calendar")


def _taken(error: IntegrityError) -> bool:
    return getattr(error.orig, "sqlstate", None) == EXCLUSION_VIOLATION or (
        "ex_appointments_no_double_booking" in str(error.orig)
    )


async def first_delivery(conn: AsyncConnection, trigger: str, uid: str, created: str) -> bool:
    """Record a Cal.com delivery; False when it was already applied."""
    result = await conn.execute(
        insert(_events)
        .values(trigger=trigger, uid=uid, created=created)
        .on_conflict_do_nothing(
            index_elements=[_events.c.trigger, _events.c.uid, _events.c.created]
        )
        .returning(_events.c.id)
    )
    return result.scalar() is not None


async def upsert_booking(conn: AsyncConnection, values: dict[str, Any]) -> int:
    """Insert or refresh the appointment of a Cal.com booking uid; its id."""
    statement = insert(_appointments).values(**values)
    changing = {k: statement.excluded[k] for k in values if k not in ("cal_uid", "source")}
    try:
        result = await conn.execute(
            statement.on_conflict_do_update(
                index_elements=[_appointments.c.cal_uid], set_=changing
            ).returning(_appointments.c.id)
        )
    except IntegrityError as error:
        if _taken(error):
            raise SlotTaken() from error
        raise
    return int(result.scalar_one())


async def overlapping(
    conn: AsyncConnection, start: datetime, end: datetime, besides: int | None = None
) -> list[Any]:
    """The active appointments whose time overlaps [start, end), by start; not `besides`."""
    query = select(_appointments).where(
        _appointments.c.status.in_(ACTIVE),
        _appointments.c.start_at < end,
        _appointments.c.end_at > start,
        _appointments.c.simulated.is_(False),  # a Simulador rehearsal holds no real time
    )
    if besides is not None:
        query = query.where(_appointments.c.id != besides)
    return list(await conn.execute(query.order_by(_appointments.c.start_at)))


async def update_fields(conn: AsyncConnection, appointment_id: int, **values: Any) -> bool:
    """Change columns of one appointment (its name, phone, notes…); False when it is gone.
    A change that makes it overlap an active booking is SlotTaken."""
    try:
        changed = await conn.execute(
            update(_appointments)
            .where(_appointments.c.id == appointment_id)
            .values(**values)
            .returning(_appointments.c.id)
        )
    except IntegrityError as error:
        if _taken(error):
            raise SlotTaken() from error
        raise
    return changed.scalar() is not None


async def set_status(
    conn: AsyncConnection, cal_uid: str, status: str, unless: tuple[str, ...] = (), **extra: Any
) -> int | None:
    """Move the booking's appointment to `status` (not from any of `unless`); its id."""
    condition = [_appointments.c.cal_uid == cal_uid]
    if unless:
        condition.append(_appointments.c.status.not_in(unless))
    result = await conn.execute(
        update(_appointments)
        .where(*condition)
        .values(status=status, **extra)
        .returning(_appointments.c.id)
    )
    return result.scalar()


async def by_uid(conn: AsyncConnection, cal_uid: str) -> Any | None:
    return (
        await conn.execute(select(_appointments).where(_appointments.c.cal_uid == cal_uid))
    ).first()


async def by_id(conn: AsyncConnection, appointment_id: int) -> Any | None:
    return (
        await conn.execute(select(_appointments).where(_appointments.c.id == appointment_id))
    ).first()


async def between(
    conn: AsyncConnection,
    first: datetime,
    last: datetime,
    status: str | tuple[str, ...] | None = None,
    client: str | None = None,
) -> list[Any]:
    """Appointments starting in [first, last), by start; optionally of a status (or any of
    several), or of a client matched on name or phone."""
    query = select(_appointments).where(
        _appointments.c.start_at >= first, _appointments.c.start_at < last
    )
    if isinstance(status, tuple):
        query = query.where(_appointments.c.status.in_(status))
    elif status:
        query = query.where(_appointments.c.status == status)
    if client:
        like = f"%{client.strip()}%"
        query = query.where(_appointments.c.name.ilike(like) | _appointments.c.phone.like(like))
    return list(await conn.execute(query.order_by(_appointments.c.start_at)))


async def next_for_phone(
    conn: AsyncConnection, phone: str, now: datetime, reminded_since: datetime | None = None
) -> Any | None:
    """The contact's next appointment still to happen; with `reminded_since`, only one a
    reminder went out for since then (a "1" or "sim" now answers that reminder)."""
    query = select(_appointments).where(
        _appointments.c.phone == phone,
        _appointments.c.start_at > now,
        _appointments.c.status.in_(("pending", "scheduled", "confirmed")),
    )
    if reminded_since is not None:
        query = query.where(_appointments.c.reminded_at >= reminded_since)
    return (await conn.execute(query.order_by(_appointments.c.start_at).limit(1))).first()


async def upcoming_for_phone(conn: AsyncConnection, phone: str, now: datetime) -> list[Any]:
    """The contact's appointments still to happen, soonest first (the ones a cancel or a
    reschedule may be about)."""
    query = select(_appointments).where(
        _appointments.c.phone == phone,
        _appointments.c.start_at > now,
        _appointments.c.status.in_(("pending", "scheduled", "confirmed")),
    )
    return list(await conn.execute(query.order_by(_appointments.c.start_at).limit(10)))


async def missed_recently(conn: AsyncConnection, phone: str, since: datetime) -> Any | None:
    """The contact's latest no-show updated since `since` (the offer of a new time)."""
    query = (
        select(_appointments)
        .where(
            _appointments.c.phone == phone,
            _appointments.c.status == "no_show",
            _appointments.c.updated_at >= since,
        )
        .order_by(_appointments.c.start_at.desc())
        .limit(1)
    )
    return (await conn.execute(query)).first()


async def booked_at(conn: AsyncConnection, phone: str, start: datetime) -> Any | None:
    """The contact's active appointment starting at `start`, if there is one."""
    query = select(_appointments).where(
        _appointments.c.phone == phone,
        _appointments.c.start_at == start,
        _appointments.c.status.in_(("pending", "scheduled", "confirmed")),
    )
    return (await conn.execute(query.limit(1))).first()


async def change_token(conn: AsyncConnection) -> str:
    """Changes whenever an appointment is added or updated (the Agenda tab polls with it)."""
    row = (
        await conn.execute(
            select(func.max(_appointments.c.id), func.max(_appointments.c.updated_at))
        )
    ).one()
    return f"{row[0] or 0}.{row[1].timestamp() if row[1] else 0}"
