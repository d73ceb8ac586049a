"""What an operator does in the Agenda tab (G4-G6): look at a period with its attendance, book
by hand, send a reminder now, check a customer in or mark a no-show. Each is one call for the
panel (and any other front end), over the agenda's own rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from domain import queues
from domain.agenda import attendance, dispatcher, reminders, store
from domain.agenda.booking_flow import BookingFlow
from domain.agenda.config import agenda_for
from domain.agenda.flow_state import FlowState
from domain.db import TenantDatabase, bind_tenant
from domain.errors import Conflict, DomainError, NotFound, ServiceUnavailable
from domain.integrations.calcom import CalcomClient
from domain.integrations.calcom_payloads import CalcomError
from domain.observability.metrics import APPOINTMENTS, metrics
from domain.settings import Settings
from domain.tenancy.directory import CompanyProfile

# The quick filter "não confirmados": still waiting for the customer's confirmation.
UNCONFIRMED = "unconfirmed"


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


async def book(
    engine: AsyncEngine,
    redis: Redis,
    calcom: CalcomClient,
    settings: Settings,
    company: CompanyProfile,
    start: datetime,
    phone: str,
    name: str,
    key: str,
) -> None:
    """Book `start` for a customer in the company's Cal.com or local calendar; `key` (the
    request's) keeps a retry from booking twice. A refusal is a DomainError."""
    agenda = agenda_for(company, settings, calcom)
    if agenda is None:
        raise Conflict("the company has no agenda", code="agenda_not_configured")
    db = TenantDatabase(engine, company.id)
    flow = BookingFlow(FlowState(redis, settings.redis_namespace), db)
    try:
        await flow.book(agenda, start, phone, name, key=key)
    except CalcomError as error:
        raise calendar_refusal(error) from error
    metrics.inc(APPOINTMENTS, source="panel")


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


async def check_in(
    conn: AsyncConnection, company_id: int, appointment_id: int, now: datetime, actor: str
) -> bool:
    """The customer arrived: the appointment happened. False when its status does not allow."""
    tenant = await bind_tenant(conn, company_id)
    return await attendance.check_in(tenant, appointment_id, now, actor)


async def mark_no_show(
    conn: AsyncConnection, company_id: int, appointment_id: int, now: datetime, actor: str
) -> bool:
    """The customer did not come: a no-show, with the one offer of a new time. False when its
    status does not allow; counted by the caller after commit (attendance.count_no_shows)."""
    tenant = await bind_tenant(conn, company_id)
    appointment = await store.by_id(tenant, appointment_id)
    if appointment is None:
        raise NotFound("no such appointment")
    # The reminder row before the appointment: the dispatcher's lock order.
    await reminders.no_show_now(conn, company_id, appointment.id, appointment.start_at, now)
    return await attendance.mark_no_show(tenant, appointment.id, now, actor, "painel")
