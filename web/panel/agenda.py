"""Agenda (G4): appointments by day or week with filters, manual booking, live updates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from typing import Any
from zoneinfo import ZoneInfo

from quart import Blueprint, Response, g, render_template, request
from quart_schema import hide
from sqlalchemy import func, select

from domain import queues
from domain.agenda import attendance, dispatcher, reminders, store
from domain.agenda.booking_flow import BookingFlow
from domain.agenda.config import agenda_for
from domain.agenda.flow_state import FlowState
from domain.agenda.models import STATUSES, Appointment
from domain.agenda.wording import when_text
from domain.db import TenantDatabase, bind_tenant
from domain.errors import Conflict, InvalidField, NotFound
from domain.integrations.calcom_payloads import CalcomError
from domain.observability.metrics import APPOINTMENTS, metrics
from web.panel.layout import is_htmx, render_panel
from web.panel.sessions import panel_login_required
from web.services import services
from web.validation import date_arg

bp = Blueprint("agenda", __name__, url_prefix="/painel/agenda")
STATUS_LABELS = {
    "pending": "pendente",
    "scheduled": "marcado",
    "confirmed": "confirmado",
    "rescheduled": "remarcado",
    "cancelled": "cancelado",
    "completed": "realizado",
    "no_show": "não compareceu",
}
# Quick filter: appointments still waiting for the customer's confirmation.
UNCONFIRMED = "unconfirmed"


@bp.get("")
@hide
@panel_login_required
async def index() -> Any:
    return await _page()


@bp.post("")
@hide
@panel_login_required
async def create() -> Any:
    company = await _company()
    form = await request.form
    name = (form.get("name") or "").strip()
    phone = "".join(ch for ch in form.get("phone", "") if ch.isdigit())
    try:
        start = datetime.fromisoformat(form.get("start", "")).replace(
            tzinfo=ZoneInfo(company.timezone)
        )
    except ValueError:
        raise InvalidField("start must be a date and time", field="start") from None
    if not name or len(phone) < 10:
        raise InvalidField("name and a phone with area code are required", field="phone")
    svc = services()
    agenda = agenda_for(company, svc.settings, svc.calcom)
    if agenda is None:
        return await _page(
            error="Agenda automática não configurada: configure o Cal.com ou ative a agenda local."
        )
    ns = svc.settings.redis_namespace
    flow = BookingFlow(FlowState(svc.redis, ns), TenantDatabase(svc.engine, company.id))
    try:
        await flow.book(agenda, start, phone, name, key=f"panel-{g.correlation_id}")
    except CalcomError as error:
        message = (
            "Agenda automática não configurada"
            if error.needs_setup
            else "Não consegui acessar a agenda"
        )
        return await _page(error=f"{message}: {error.message}")
    metrics.inc(APPOINTMENTS, source="panel")
    return await _page(notice=f"Marcado para {when_text(start, ZoneInfo(company.timezone))}.")


@bp.post("/<int:appointment_id>/lembrete")
@hide
@panel_login_required
async def remind_now(appointment_id: int) -> Any:
    """ "Enviar lembrete agora" (G5): written and queued at once, through the same dispatcher
    as the scheduled reminders."""
    company = await _company()
    svc = services()
    try:
        async with svc.engine.begin() as conn:
            appointment, done = await dispatcher.send_now(
                conn, svc.directory, svc.settings, company.id, appointment_id
            )
    except Conflict as refused:
        return await _page(error=_REFUSED.get(refused.code, refused.message))
    done.count()
    await queues.enqueue_deliveries(
        svc.router, svc.settings.redis_namespace, done.messages, g.correlation_id
    )
    phone = f"+{appointment.phone}" if appointment.phone else ""
    return await _page(notice=f"Lembrete enviado para {appointment.name or phone}.")


_REFUSED = {
    "reminder_sent_recently": "Um lembrete foi enviado há instantes para este agendamento.",
    "reminder_not_sendable": "Só agendamentos futuros e ativos recebem lembrete.",
    "reminder_too_late": ("O lembrete não pôde ser enviado (horário muito próximo)."),
}


@bp.post("/<int:appointment_id>/presenca")
@hide
@panel_login_required
async def check_in(appointment_id: int) -> Any:
    """The customer arrived (G6): the appointment happened."""
    company = await _company()
    async with services().engine.begin() as conn:
        tenant = await bind_tenant(conn, company.id)
        changed = await attendance.check_in(tenant, appointment_id, datetime.now(UTC), _actor())
    if not changed:
        return await _page(error="Este agendamento não pode receber check-in.")
    return await _page(notice="Presença registrada.")


@bp.post("/<int:appointment_id>/falta")
@hide
@panel_login_required
async def no_show(appointment_id: int) -> Any:
    """The customer did not come: a no-show, with the one offer of a new time."""
    company = await _company()
    now = datetime.now(UTC)
    async with services().engine.begin() as conn:
        tenant = await bind_tenant(conn, company.id)
        appointment = await store.by_id(tenant, appointment_id)
        if appointment is None:
            raise NotFound("no such appointment")
        # The reminder row before the appointment: the dispatcher's lock order.
        await reminders.no_show_now(conn, company.id, appointment.id, appointment.start_at, now)
        changed = await attendance.mark_no_show(tenant, appointment.id, now, _actor(), "painel")
    if not changed:
        return await _page(error="Este agendamento não pode ser marcado como falta.")
    attendance.count_no_shows()
    return await _page(notice="Falta registrada; o cliente vai receber uma oferta de novo horário.")


def _actor() -> str:
    return f"user:{g.principal.user_id}" if g.principal.user_id else "painel"


async def _page(error: str | None = None, notice: str | None = None) -> Any:
    company = await _company()
    zone = ZoneInfo(company.timezone)
    first = date_arg("from") or datetime.now(zone).date()
    span = 7 if request.args.get("view", "week") == "week" else 1
    last = date_arg("to") or first + timedelta(days=span - 1)
    status = request.args.get("status") or None
    if status is not None and status not in STATUSES and status != UNCONFIRMED:
        raise InvalidField("unknown status", field="status")
    statuses = ("pending", "scheduled") if status == UNCONFIRMED else status
    client = request.args.get("client") or None
    async with services().engine.connect() as conn:
        tenant = await bind_tenant(conn, company.id)
        token = await _token(tenant)
        if is_htmx() and request.args.get("token") == token and request.method == "GET":
            return Response(status=204)
        since = datetime.combine(first, clock(), zone)
        until = datetime.combine(last + timedelta(days=1), clock(), zone)
        rows = await store.between(tenant, since, until, statuses, client)
        shown = await attendance.attendance(tenant, since, until)
        today = datetime.now(zone).date()
        month = await attendance.attendance(
            tenant,
            datetime.combine(today - timedelta(days=30), clock(), zone),
            datetime.combine(today + timedelta(days=1), clock(), zone),
        )
    days: dict[date, list[Any]] = {}
    for row in rows:
        days.setdefault(row.start_at.astimezone(zone).date(), []).append(row)
    context = {
        "days": days,
        "zone": zone,
        "first": first,
        "last": last,
        "status": status,
        "client": client or "",
        "labels": STATUS_LABELS,
        "shown": shown,
        "month": month,
        "today": today,
        "month_ago": today - timedelta(days=30),
        "now": datetime.now(UTC),
        "token": token,
        "error": error,
        "notice": notice,
        "query": request.query_string.decode(),
    }
    if is_htmx():
        return await render_template("panel/_agenda_list.html", **context)
    return await render_panel("panel/agenda.html", "agenda", **context)


async def _token(tenant: Any) -> str:
    row = (
        await tenant.execute(select(func.max(Appointment.id), func.max(Appointment.updated_at)))
    ).one()
    return f"{row[0] or 0}.{row[1].timestamp() if row[1] else 0}"


async def _company() -> Any:
    if g.principal.company_id is None:
        raise NotFound("choose a company first")
    company = await services().directory.profile(g.principal.company_id)
    if company is None:
        raise NotFound("no such company")
    return company
