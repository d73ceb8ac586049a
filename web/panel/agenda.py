"""Agenda (G4): appointments by day or week with filters, manual booking, live updates;
reminders now, check-in and no-show (G5, G6)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from typing import Any
from zoneinfo import ZoneInfo

from quart import Blueprint, Response, g, render_template, request
from quart_schema import hide

from domain.agenda import attendance, front_desk, store
from domain.agenda.models import STATUSES
from domain.agenda.wording import when_text
from domain.db import TenantDatabase, bind_tenant
from domain.errors import DomainError, InvalidField
from web.panel.access import actor, company
from web.panel.layout import is_htmx, render_panel
from web.panel.messages import message_for
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


@bp.get("")
@hide
@panel_login_required
async def index() -> Any:
    return await _page()


@bp.post("")
@hide
@panel_login_required
async def create() -> Any:
    profile = await company()
    zone = ZoneInfo(profile.timezone)
    form = await request.form
    name = (form.get("name") or "").strip()
    phone = "".join(ch for ch in form.get("phone", "") if ch.isdigit())
    try:
        start = datetime.fromisoformat(form.get("start", "")).replace(tzinfo=zone)
    except ValueError:
        raise InvalidField(
            "start must be a date and time", field="start", code="appointment_start"
        ) from None
    if not name or len(phone) < 10:
        raise InvalidField(
            "name and a phone with area code are required",
            field="phone",
            code="appointment_contact",
        )
    svc = services()
    try:
        await front_desk.book(
            svc.engine,
            svc.redis,
            svc.calcom,
            svc.settings,
            profile,
            start,
            phone,
            name,
            key=f"panel-{g.correlation_id}",
        )
    except DomainError as refused:
        return await _page(error=message_for(refused))
    return await _page(notice=f"Marcado para {when_text(start, zone)}.")


@bp.post("/<int:appointment_id>/lembrete")
@hide
@panel_login_required
async def remind_now(appointment_id: int) -> Any:
    """ "Enviar lembrete agora" (G5)."""
    profile = await company()
    svc = services()
    try:
        reminded = await front_desk.remind_now(
            TenantDatabase(svc.engine, profile.id),
            svc.directory,
            svc.settings,
            svc.router,
            appointment_id,
            g.correlation_id,
        )
    except DomainError as refused:
        return await _page(error=message_for(refused))
    appointment = reminded.appointment
    phone = f"+{appointment.phone}" if appointment.phone else ""
    return await _page(notice=f"Lembrete enviado para {appointment.name or phone}.")


@bp.post("/<int:appointment_id>/presenca")
@hide
@panel_login_required
async def check_in(appointment_id: int) -> Any:
    """The customer arrived (G6): the appointment happened."""
    profile = await company()
    async with services().engine.begin() as conn:
        changed = await front_desk.check_in(
            conn, profile.id, appointment_id, datetime.now(UTC), actor()
        )
    if not changed:
        return await _page(error="Este agendamento não pode receber check-in.")
    return await _page(notice="Presença registrada.")


@bp.post("/<int:appointment_id>/falta")
@hide
@panel_login_required
async def no_show(appointment_id: int) -> Any:
    """The customer did not come: a no-show, with the one offer of a new time."""
    profile = await company()
    async with services().engine.begin() as conn:
        changed = await front_desk.mark_no_show(
            conn, profile.id, appointment_id, datetime.now(UTC), actor()
        )
    if not changed:
        return await _page(error="Este agendamento não pode ser marcado como falta.")
    attendance.count_no_shows()
    return await _page(notice="Falta registrada; o cliente vai receber uma oferta de novo horário.")


async def _page(error: str | None = None, notice: str | None = None) -> Any:
    """The page, or (htmx) the list; 204 when polling finds nothing changed."""
    profile = await company()
    zone = ZoneInfo(profile.timezone)
    first, last, status, client = _filters(zone)
    today = datetime.now(zone).date()
    async with services().engine.connect() as conn:
        tenant = await bind_tenant(conn, profile.id)
        token = await store.change_token(tenant)
        if is_htmx() and request.args.get("token") == token and request.method == "GET":
            return Response(status=204)
        seen = await front_desk.overview(
            tenant,
            datetime.combine(first, clock(), zone),
            datetime.combine(last + timedelta(days=1), clock(), zone),
            status,
            client,
            datetime.combine(today, clock(), zone),
        )
    days: dict[date, list[Any]] = {}
    for row in seen.appointments:
        days.setdefault(row.start_at.astimezone(zone).date(), []).append(row)
    context = {
        "days": days,
        "zone": zone,
        "first": first,
        "last": last,
        "status": status,
        "client": client or "",
        "labels": STATUS_LABELS,
        "shown": seen.period,
        "month": seen.last_30_days,
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


def _filters(zone: ZoneInfo) -> tuple[date, date, str | None, str | None]:
    """The period (this week by default, or a day), status and client asked for."""
    first = date_arg("from") or datetime.now(zone).date()
    span = 7 if request.args.get("view", "week") == "week" else 1
    last = date_arg("to") or first + timedelta(days=span - 1)
    status = request.args.get("status") or None
    if status is not None and status not in STATUSES and status != front_desk.UNCONFIRMED:
        raise InvalidField("unknown status", field="status")
    return first, last, status, request.args.get("client") or None
