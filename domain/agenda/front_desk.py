"""What an operator does in the Agenda tab (G4-G6): look at a period with its attendance, book,
edit, reschedule and cancel by hand (refused over another booking or outside the opening hours
unless the operator insists), send a reminder now, check a customer in or mark a no-show (each
only in its time window). Each is one call for the panel (and any other front end), over the
agenda's own rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from domain import queues
from domain.agenda import attendance, dispatcher, reminders, store
from domain.agenda.calendars import (
    CANCELLED_BY_CLINIC,
    DEFAULT_LENGTH,
    LOCAL_PREFIX,
    RESCHEDULED_BY_CLINIC,
    LocalCalendar,
    for_booking,
)
from domain.agenda.config import Agenda, agenda_for
from domain.agenda.models import ACTIVE, Appointment
from domain.db import TenantDatabase, bind_tenant
from domain.errors import Conflict, DomainError, InvalidField, NotFound, ServiceUnavailable
from domain.feedback import followups
from domain.integrations.calcom import CalcomClient
from domain.integrations.calcom_payloads import CalcomError
from domain.observability.metrics import (
    APPOINTMENTS,
    APPOINTMENTS_CANCELLED,
    RESCHEDULES,
    metrics,
)
from domain.operations.audit import record
from domain.settings import Settings
from domain.tenancy.directory import CompanyProfile

# The quick filter "não confirmados": still waiting for the customer's confirmation.
UNCONFIRMED = "unconfirmed"
# Check-in is offered this long before the start: customers arrive early.
CHECK_IN_EARLY = timedelta(minutes=30)
# What a check-in may follow (a no-show marked too early is corrected by the arrival).
ARRIVABLE = (*ACTIVE, "no_show")
_appointments = cast(Table, Appointment.__table__)


@dataclass(frozen=True)
class Overview:
    appointments: list[Any]
    period: attendance.Attendance  # of the appointments shown
    last_30_days: attendance.Attendance


@dataclass(frozen=True)
class Reminded:
    appointment: Any
    queued: bool  # False: the queue was unreachable; the sweeper sends it later


async def overview(
    conn: AsyncConnection,
    first: datetime,
    last: datetime,
    status: str | None,
    client: str | None,
    today: datetime,
) -> Overview:
    """Appointments starting in [first, last) (of a status, UNCONFIRMED, or a client), the
    attendance of that period and of the 30 days up to the end of `today` (local midnight)."""
    statuses = ("pending", "scheduled") if status == UNCONFIRMED else status
    return Overview(
        await store.between(conn, first, last, statuses, client),
        await attendance.attendance(conn, first, last),
        await attendance.attendance(conn, today - timedelta(days=30), today + timedelta(days=1)),
    )


class SlotConflict(Conflict):
    """The time overlaps active appointments (`clashes`); the operator may book it anyway."""

    code = "slot_double_booked"

    def __init__(self, clashes: list[Any]) -> None:
        super().__init__("the time overlaps another appointment")
        self.clashes = clashes


class ClosedTime(Conflict):
    """The time is outside the opening hours (`reason`, in Portuguese); the operator may book
    it anyway."""

    code = "slot_closed"

    def __init__(self, reason: str) -> None:
        super().__init__("the company is closed at that time")
        self.reason = reason


@dataclass(frozen=True)
class Change:
    """What the operator asks of one appointment in "Editar"."""

    name: str
    phone: str  # E.164 digits (phones.operator_phone)
    notes: str | None
    start: datetime


def _agenda(company: CompanyProfile, settings: Settings, calcom: CalcomClient) -> Agenda:
    agenda = agenda_for(company, settings, calcom)
    if agenda is None:
        raise Conflict("the company has no agenda", code="agenda_not_configured")
    return agenda


async def _check_time(
    db: TenantDatabase,
    agenda: Agenda,
    start: datetime,
    end: datetime,
    override: bool,
    besides: int | None = None,
) -> bool:
    """Refuse a time taken or closed unless the operator overrides; True when it overlaps
    another appointment (booked anyway: the row is marked overbooked)."""
    async with db.reading() as conn:
        clashes = await store.overlapping(conn, start, end, besides)
    if clashes and not override:
        raise SlotConflict(clashes)
    if isinstance(agenda.calendar, LocalCalendar) and not override:
        # Cal.com keeps its own availability and refuses what it does not offer.
        reason = agenda.calendar.hours.why_closed(start, end)
        if reason:
            raise ClosedTime(reason)
    return bool(clashes)


def _not_past(start: datetime) -> None:
    """A time already begun is refused: the customer could never come, and the no-show
    check would tell them they missed it. (A visit that happened is not a booking.)"""
    if start <= datetime.now(UTC):
        raise InvalidField("start is in the past", field="start", code="appointment_past")


def _length(agenda: Agenda) -> timedelta:
    calendar = agenda.calendar
    return calendar.hours.slot if isinstance(calendar, LocalCalendar) else DEFAULT_LENGTH


async def book(
    engine: AsyncEngine,
    calcom: CalcomClient,
    settings: Settings,
    company: CompanyProfile,
    start: datetime,
    phone: str,
    name: str,
    key: str,
    actor: str,
    *,
    notes: str | None = None,
    override: bool = False,
) -> int:
    """Book `start` for a customer in the company's Cal.com or local calendar; `key` (the
    request's) names the booking. A time taken (SlotConflict) or closed (ClosedTime) is
    refused unless `override`; any other refusal is a DomainError. The appointment's id."""
    agenda = _agenda(company, settings, calcom)
    _not_past(start)
    db = TenantDatabase(engine, company.id)
    overbooked = await _check_time(db, agenda, start, start + _length(agenda), override)
    try:
        booked = await agenda.calendar.book(start, phone, name, key)
        values: dict[str, Any] = {
            "phone": phone,
            "name": name,
            "notes": notes,
            "start_at": start,
            "end_at": booked.end,
            "status": "scheduled",
            "source": "panel",
            "cal_uid": booked.uid,
            "cal_booking_id": booked.booking_id,
            "meeting_url": booked.meeting_url,
            "event_type_id": booked.event_type_id,
            "overbooked": overbooked,
        }
        async with db.transaction() as conn:
            appointment_id = await store.upsert_booking(conn, values)
            await reminders.plan(
                conn, agenda.reminders, appointment_id, start, booked.end, datetime.now(UTC)
            )
            await record(
                conn,
                actor=actor,
                action="appointment.booked",
                entity="appointment",
                entity_id=appointment_id,
                after={"start": start.isoformat(), "overbooked": overbooked},
            )
    except CalcomError as error:  # store.SlotTaken too: taken between the check and now
        raise calendar_refusal(error) from error
    metrics.inc(APPOINTMENTS, source="panel")
    return appointment_id


async def _active(db: TenantDatabase, appointment_id: int) -> Any:
    async with db.reading() as conn:
        row = await store.by_id(conn, appointment_id)
    if row is None:
        raise NotFound("no such appointment")
    if row.status not in ACTIVE:
        raise Conflict("the appointment is no longer active", code="appointment_not_active")
    return row


async def cancel(
    engine: AsyncEngine,
    calcom: CalcomClient,
    settings: Settings,
    company: CompanyProfile,
    appointment_id: int,
    actor: str,
    reason: str | None = None,
) -> Any:
    """Cancel an active appointment: in Cal.com when it lives there, then here, with its
    pending reminders dropped. The appointment as it was."""
    db = TenantDatabase(engine, company.id)
    row = await _active(db, appointment_id)
    agenda = agenda_for(company, settings, calcom)
    if agenda is not None:
        try:
            await for_booking(agenda.calendar, row.simulated).cancel(
                row, reason or CANCELLED_BY_CLINIC
            )
        except CalcomError as error:
            raise calendar_refusal(error) from error
    elif not str(row.cal_uid or "").startswith(LOCAL_PREFIX):
        raise Conflict("the company has no agenda", code="agenda_not_configured")
    async with db.transaction() as conn:
        # Reminders first: the dispatcher locks them before appointments too.
        await reminders.drop_pending(conn, company.id, row.id, "cancelled", datetime.now(UTC))
        changed = await conn.execute(
            update(_appointments)
            .where(_appointments.c.id == row.id, _appointments.c.status.in_(ACTIVE))
            .values(status="cancelled", cancellation_reason=reason or "cancelado pela clínica")
            .returning(_appointments.c.id)
        )
        if changed.scalar() is None:
            raise Conflict("the appointment is no longer active", code="appointment_not_active")
        await record(
            conn,
            actor=actor,
            action="appointment.cancelled",
            entity="appointment",
            entity_id=row.id,
            after={"status": "cancelled", "reason": reason},
        )
    metrics.inc(APPOINTMENTS_CANCELLED)
    return row


async def edit(
    engine: AsyncEngine,
    calcom: CalcomClient,
    settings: Settings,
    company: CompanyProfile,
    appointment_id: int,
    change: Change,
    actor: str,
    *,
    override: bool = False,
) -> int:
    """Change an active appointment's name, phone and notes (ours only: Cal.com keeps the
    attendee it booked) and, when `change.start` differs, reschedule it: in the calendar
    first, then here as a new appointment with new reminders, the old one's dropped. The id
    of the appointment as it now stands."""
    db = TenantDatabase(engine, company.id)
    row = await _active(db, appointment_id)
    fields = {"name": change.name, "phone": change.phone, "notes": change.notes}
    if change.start == row.start_at:
        async with db.transaction() as conn:
            await store.update_fields(conn, row.id, **fields)
            await record(
                conn,
                actor=actor,
                action="appointment.edited",
                entity="appointment",
                entity_id=row.id,
                before={"name": row.name, "phone": row.phone, "notes": row.notes},
                after=fields,
            )
        return int(row.id)
    agenda = _agenda(company, settings, calcom)
    _not_past(change.start)
    new_end = change.start + (row.end_at - row.start_at)
    overbooked = await _check_time(db, agenda, change.start, new_end, override, row.id)
    calendar = for_booking(agenda.calendar, row.simulated)
    try:
        booked = await calendar.reschedule(row, change.start, RESCHEDULED_BY_CLINIC)
        now = datetime.now(UTC)
        async with db.transaction() as conn:
            await reminders.drop_pending(conn, company.id, row.id, "moved", now)
            # The old time is let go before the new one is taken: a move within the same
            # slot (09:00 -> 09:15) must not collide with itself.
            await store.set_status(conn, row.cal_uid, "rescheduled", rescheduled_to_uid=booked.uid)
            new_id = await store.upsert_booking(
                conn,
                {
                    **fields,
                    "cal_uid": booked.uid,
                    "cal_booking_id": booked.booking_id,
                    "contact_id": row.contact_id,
                    "email": row.email,
                    "title": row.title,
                    "start_at": change.start,
                    "end_at": booked.end,
                    "status": "scheduled",
                    "source": row.source,
                    "meeting_url": booked.meeting_url or row.meeting_url,
                    "event_type_id": booked.event_type_id or row.event_type_id,
                    "rescheduled_from_uid": row.cal_uid,
                    "overbooked": overbooked,
                    "simulated": row.simulated,
                },
            )
            if not row.simulated:
                await reminders.plan(conn, agenda.reminders, new_id, change.start, booked.end, now)
            await record(
                conn,
                actor=actor,
                action="appointment.rescheduled",
                entity="appointment",
                entity_id=row.id,
                before={"uid": row.cal_uid, "start": row.start_at.isoformat()},
                after={
                    "uid": booked.uid,
                    "start": change.start.isoformat(),
                    "appointment_id": new_id,
                },
            )
    except CalcomError as error:
        raise calendar_refusal(error) from error
    metrics.inc(RESCHEDULES)
    return new_id


def calendar_refusal(error: CalcomError) -> DomainError:
    """What a Cal.com failure means to the person booking."""
    if error.needs_setup:
        return Conflict(error.message, code=f"calendar_{error.kind}")
    if error.kind == "conflict":
        return Conflict(error.message, code="slot_taken")
    if error.retryable:
        return ServiceUnavailable(error.message, code="calendar_unavailable")
    return Conflict(error.message, code="calendar_refused")


async def remind_now(
    db: TenantDatabase,
    companies: Any,
    settings: Settings,
    router: queues.QueueRouter,
    appointment_id: int,
    correlation_id: str,
) -> Reminded:
    """ "Enviar lembrete agora" (G5): written by the same dispatcher as the scheduled
    reminders and, once committed, queued for delivery at once. Conflict when it is not
    sendable now."""
    async with db.transaction() as conn:
        appointment, done = await dispatcher.send_now(
            conn, companies, settings, db.company_id, appointment_id
        )
    done.count()
    unqueued = await queues.enqueue_deliveries(
        router, settings.redis_namespace, done.messages, correlation_id
    )
    return Reminded(appointment, queued=not unqueued)


def may_check_in(appointment: Any, now: datetime) -> bool:
    """Check-in is offered from shortly before the start on (the customer arrives early)."""
    return appointment.status in ARRIVABLE and now >= appointment.start_at - CHECK_IN_EARLY


def may_mark_no_show(appointment: Any, now: datetime, grace: timedelta) -> bool:
    """A no-show only once the start plus the grace has passed: marking it sends the customer
    "Sentimos sua falta…", which must never reach someone still on the way."""
    return appointment.status in (*ACTIVE, "completed") and now >= appointment.start_at + grace


async def check_in(
    conn: AsyncConnection, company_id: int, appointment_id: int, now: datetime, actor: str
) -> bool:
    """The customer arrived: the appointment happened. Conflict before the check-in window;
    False when its status does not allow."""
    tenant = await bind_tenant(conn, company_id)
    appointment = await store.by_id(tenant, appointment_id)
    if appointment is None:
        raise NotFound("no such appointment")
    if appointment.status in ARRIVABLE and not may_check_in(appointment, now):
        raise Conflict("too early for a check-in", code="check_in_too_early")
    await followups.hold(conn, company_id, appointment_id)
    if not await attendance.check_in(tenant, appointment_id, now, actor):
        return False
    # Arrived after its follow-up was dropped (late, or a no-show corrected): it comes back.
    await followups.revive(conn, company_id, appointment_id, appointment.start_at, now)
    return True


async def mark_no_show(
    conn: AsyncConnection,
    company_id: int,
    appointment_id: int,
    now: datetime,
    actor: str,
    grace: timedelta,
) -> bool:
    """The customer did not come: a no-show, with the one offer of a new time. Conflict
    before the start plus `grace` (the company's no-show grace); False when its status does
    not allow; counted by the caller after commit (attendance.count_no_shows)."""
    tenant = await bind_tenant(conn, company_id)
    appointment = await store.by_id(tenant, appointment_id)
    if appointment is None:
        raise NotFound("no such appointment")
    if now < appointment.start_at + grace:
        raise Conflict("too early for a no-show", code="no_show_too_early")
    # The reminder row before the appointment: the dispatcher's lock order.
    await reminders.no_show_now(conn, company_id, appointment.id, appointment.start_at, now)
    return await attendance.mark_no_show(tenant, appointment.id, now, actor, "painel")
