"""Agenda (G4): appointments by day or week with filters, manual booking, live updates."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from datetime import time as clock
from typing import Any
from zoneinfo import ZoneInfo

from quart import Blueprint, Response, g, render_template, request
from quart_schema import hide
from sqlalchemy import func, select

from domain.agenda import store
from domain.agenda.booking_flow import BookingFlow, when_text
from domain.agenda.config import agenda_for
from domain.agenda.models import STATUSES, Appointment
from domain.db import bind_tenant
from domain.errors import InvalidField, NotFound
from domain.integrations.calcom import CalcomClient, CalcomError
from domain.observability.metrics import APPOINTMENTS, metrics
from web.panel import is_htmx, render_panel
from web.services import services
from web.sessions import panel_login_required
from web.validation import date_arg

bp = Blueprint("panel_agenda", __name__, url_prefix="/painel/agenda")
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
    agenda = agenda_for(company, svc.settings)
    if agenda is None:
        return await _page(
            error="Agenda automática não configurada: configure o Cal.com ou ative a agenda local."
        )
    flow = BookingFlow(svc.redis, svc.settings.redis_namespace, svc.engine, CalcomClient(svc.http))
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


async def _page(error: str | None = None, notice: str | None = None) -> Any:
    company = await _company()
    zone = ZoneInfo(company.timezone)
    first = date_arg("from") or datetime.now(zone).date()
    span = 7 if request.args.get("view", "week") == "week" else 1
    last = date_arg("to") or first + timedelta(days=span - 1)
    status = request.args.get("status") or None
    if status is not None and status not in STATUSES:
        raise InvalidField("unknown status", field="status")
    client = request.args.get("client") or None
    async with services().engine.connect() as conn:
        tenant = await bind_tenant(conn, company.id)
        token = await _token(tenant)
        if is_htmx() and request.args.get("token") == token and request.method == "GET":
            return Response(status=204)
        rows = await store.between(
            tenant,
            datetime.combine(first, clock(), zone),
            datetime.combine(last + timedelta(days=1), clock(), zone),
            status,
            client,
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
