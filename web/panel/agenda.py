"""Agenda (G4): appointments by day or week (a list, or a calendar grid) with filters; booking,
editing, rescheduling and cancelling by hand; live updates; reminders now, check-in and
no-show (G5, G6), each in its time window and confirmed first."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from quart import Blueprint, Response, g, redirect, render_template, request
from quart_schema import hide

from domain.agenda import attendance, front_desk, store
from domain.agenda.calendars import LocalCalendar
from domain.agenda.config import agenda_for
from domain.agenda.models import ACTIVE, STATUSES
from domain.agenda.phones import operator_phone, shown
from domain.agenda.reminders import policy_for
from domain.agenda.week_grid import monday_of, week_grid
from domain.agenda.wording import when_text
from domain.db import TenantDatabase, bind_tenant
from domain.errors import DomainError, InvalidField, NotFound
from domain.tenancy.directory import CompanyProfile
from web.deadline import within_read_timeout
from web.errors import panel_error
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
WEEKDAYS = ("segunda", "terça", "quarta", "quinta", "sexta", "sábado", "domingo")
# What a redirect back to the list says was done (`?feito=`): fixed texts, never the URL's.
DONE = {
    "editado": "Alterações salvas.",
    "remarcado": "Agendamento remarcado; os lembretes seguem o novo horário.",
    "cancelado": "Agendamento cancelado; os lembretes dele não serão enviados.",
}
NAME_MAX, NOTES_MAX = 200, 2000


@bp.get("")
@hide
@panel_login_required
async def index() -> Any:
    return await _page(notice=DONE.get(request.args.get("feito", "")))


@bp.post("")
@hide
@panel_login_required
@within_read_timeout
async def create() -> Any:
    profile = await company()
    form = await request.form
    svc = services()
    try:
        # Inside: a refused field is shown where and as every other refusal is.
        start = _start(form.get("start", ""), ZoneInfo(profile.timezone))
        name, phone, notes = _contact(form, profile)
        await front_desk.book(
            svc.engine,
            svc.calcom,
            svc.settings,
            profile,
            start,
            phone,
            name,
            f"panel-{g.correlation_id}",
            actor(),
            notes=notes,
            override=form.get("override") == "on",
        )
    except DomainError as refused:
        if refused.status >= 500:
            raise
        if is_htmx():
            # Every refusal as the one message area (the toast, replacing the last refusal
            # and marking the field), never a banner that would stay beside the next one.
            return await panel_error(refused.status, _refusal(refused, profile), refused.field)
        page = await _page(error=_refusal(refused, profile))
        return page, refused.status
    zone = ZoneInfo(profile.timezone)
    return await _page(notice=f"Marcado para {when_text(start, zone)} ({shown(phone)}).")


@bp.get("/<int:appointment_id>/editar")
@hide
@panel_login_required
async def edit_form(appointment_id: int) -> Any:
    profile = await company()
    row = await _appointment(profile, appointment_id)
    return await _edit_page(profile, row)


@bp.post("/<int:appointment_id>/editar")
@hide
@panel_login_required
@within_read_timeout
async def edit(appointment_id: int) -> Any:
    """ "Editar": name, phone, notes and time; a new time reschedules (through Cal.com when
    the company books there)."""
    profile = await company()
    zone = ZoneInfo(profile.timezone)
    form = await request.form
    row = await _appointment(profile, appointment_id)
    svc = services()
    try:
        # Inside: a refused field re-shows the form as typed, with the field's message.
        # A Simulador booking keeps its "sim…" contact: it is no phone to retype.
        name, phone, notes = _contact(form, profile, row.phone if row.simulated else None)
        start = _start(form.get("start", ""), zone)
        same = row.start_at.astimezone(zone).replace(second=0, microsecond=0)
        if start.replace(second=0) == same:
            start = row.start_at  # the form has minutes only: the same time is no reschedule
        change = front_desk.Change(name=name, phone=phone, notes=notes, start=start)
        new_id = await front_desk.edit(
            svc.engine,
            svc.calcom,
            svc.settings,
            profile,
            appointment_id,
            change,
            actor(),
            override=form.get("override") == "on",
        )
    except DomainError as refused:
        if refused.status >= 500 or refused.code == "not_found":
            raise
        return await _edit_page(
            profile, row, error=_refusal(refused, profile), form=form, status=refused.status
        )
    done = "editado" if new_id == appointment_id else "remarcado"
    return redirect(_back_to(start, zone, done), 303)


@bp.get("/<int:appointment_id>/cancelar")
@hide
@panel_login_required
async def cancel_form(appointment_id: int) -> Any:
    """The confirmation step of "Cancelar"."""
    profile = await company()
    row = await _appointment(profile, appointment_id)
    zone = ZoneInfo(profile.timezone)
    return await render_panel(
        "panel/agenda_cancel.html",
        "agenda",
        a=row,
        when=when_text(row.start_at, zone),
        phone=shown(row.phone),
        editable=row.status in ACTIVE,
    )


@bp.post("/<int:appointment_id>/cancelar")
@hide
@panel_login_required
@within_read_timeout
async def cancel(appointment_id: int) -> Any:
    profile = await company()
    form = await request.form
    reason = (form.get("reason") or "").strip()[:NOTES_MAX] or None
    svc = services()
    row = await front_desk.cancel(
        svc.engine, svc.calcom, svc.settings, profile, appointment_id, actor(), reason
    )
    return redirect(_back_to(row.start_at, ZoneInfo(profile.timezone), "cancelado"), 303)


@bp.get("/semana")
@hide
@panel_login_required
async def week() -> Any:
    """The week as a calendar grid (days as columns, hours as rows)."""
    profile = await company()
    zone = ZoneInfo(profile.timezone)
    today = datetime.now(zone).date()
    first = monday_of(date_arg("de") or today)
    async with services().engine.connect() as conn:
        tenant = await bind_tenant(conn, profile.id)
        rows = await store.between(
            tenant,
            datetime.combine(first, clock(), zone),
            datetime.combine(first + timedelta(days=7), clock(), zone),
        )
    agenda = agenda_for(profile, services().settings, None)
    hours = (
        agenda.calendar.hours
        if agenda is not None and isinstance(agenda.calendar, LocalCalendar)
        else None
    )
    return await render_panel(
        "panel/agenda_week.html",
        "agenda",
        week=week_grid(first, rows, zone, hours),
        zone=zone,
        today=today,
        weekdays=WEEKDAYS,
        labels=STATUS_LABELS,
    )


@bp.post("/<int:appointment_id>/lembrete")
@hide
@panel_login_required
@within_read_timeout
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
    return await _page(
        notice=f"Lembrete enviado para {appointment.name or shown(appointment.phone)}."
    )


@bp.post("/<int:appointment_id>/presenca")
@hide
@panel_login_required
@within_read_timeout
async def check_in(appointment_id: int) -> Any:
    """The customer arrived (G6): the appointment happened. Refused (409) before the check-in
    window opens."""
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
@within_read_timeout
async def no_show(appointment_id: int) -> Any:
    """The customer did not come: a no-show, with the one offer of a new time. Refused (409)
    before the start plus the company's no-show grace."""
    profile = await company()
    grace = policy_for(profile, services().settings).no_show_grace
    async with services().engine.begin() as conn:
        changed = await front_desk.mark_no_show(
            conn, profile.id, appointment_id, datetime.now(UTC), actor(), grace
        )
    if not changed:
        return await _page(error="Este agendamento não pode ser marcado como falta.")
    attendance.count_no_shows()
    return await _page(notice="Falta registrada; o cliente vai receber uma oferta de novo horário.")


def _start(raw: str, zone: ZoneInfo) -> datetime:
    """The form's "Data e hora" (datetime-local), in the company's zone."""
    try:
        start = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidField(
            "start must be a date and time", field="start", code="appointment_start"
        ) from None
    if start.tzinfo is not None or not 2000 <= start.year <= 2099:
        raise InvalidField("start out of range", field="start", code="appointment_start")
    return start.replace(tzinfo=zone)


def _contact(
    form: Any, profile: CompanyProfile, simulated: str | None = None
) -> tuple[str, str, str | None]:
    """Name, phone (E.164 digits, in the company's country unless it says otherwise) and
    notes of the form; a missing name or an impossible phone is a field error."""
    name = (form.get("name") or "").strip()
    if not name or len(name) > NAME_MAX:
        raise InvalidField("a name is required", field="name", code="appointment_name")
    country = ((profile.settings or {}).get("agenda") or {}).get("country")
    phone = simulated or operator_phone(form.get("phone") or "", country)
    notes = (form.get("notes") or "").strip()
    if len(notes) > NOTES_MAX:
        raise InvalidField("notes too long", field="notes", code="appointment_notes")
    return name, phone, notes or None


def _refusal(refused: DomainError, profile: CompanyProfile) -> str:
    """A refusal of a time, with what is there or why it is closed, and the way around it."""
    zone = ZoneInfo(profile.timezone)
    anyway = " Para marcar mesmo assim, marque “Agendar mesmo assim” e envie de novo."
    if isinstance(refused, front_desk.SlotConflict):
        first = refused.clashes[0]
        who = f" ({first.name})" if first.name else ""
        at = first.start_at.astimezone(zone).strftime("%H:%M")
        return f"Já existe um agendamento às {at}{who} nesse horário." + anyway
    if isinstance(refused, front_desk.ClosedTime):
        return f"Horário fechado: {refused.reason}." + anyway
    return message_for(refused)


async def _appointment(profile: CompanyProfile, appointment_id: int) -> Any:
    async with services().engine.connect() as conn:
        row = await store.by_id(await bind_tenant(conn, profile.id), appointment_id)
    if row is None:
        raise NotFound("no such appointment")
    return row


async def _edit_page(
    profile: CompanyProfile,
    row: Any,
    error: str | None = None,
    form: Any = None,
    status: int = 409,
) -> Any:
    zone = ZoneInfo(profile.timezone)
    values = {
        "name": row.name or "",
        "phone": "Simulador" if row.simulated else shown(row.phone),
        "notes": row.notes or "",
        "start": row.start_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M"),
    }
    if form is not None:  # a refused change keeps what the operator typed
        values = {key: form.get(key, value) for key, value in values.items()}
    page = await render_panel(
        "panel/agenda_edit.html",
        "agenda",
        a=row,
        values=values,
        when=when_text(row.start_at, zone),
        editable=row.status in ACTIVE,
        labels=STATUS_LABELS,
        error=error,
    )
    return (page, status) if error else page


def _back_to(moment: datetime, zone: ZoneInfo, done: str) -> str:
    """The list of the appointment's day, saying what was done."""
    day = moment.astimezone(zone).date().isoformat()
    return f"/painel/agenda?view=day&from={day}&feito={done}"


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
    now = datetime.now(UTC)
    grace = policy_for(profile, services().settings).no_show_grace
    context = {
        "days": days,
        "zone": zone,
        "first": first,
        "last": last,
        "status": status,
        "client": client or "",
        "labels": STATUS_LABELS,
        "weekdays": WEEKDAYS,
        "shown": seen.period,
        "month": seen.last_30_days,
        "today": today,
        "month_ago": today - timedelta(days=30),
        "now": now,
        "active_statuses": ACTIVE,
        "may_check_in": lambda a: front_desk.may_check_in(a, now),
        "may_no_show": lambda a: a.status in ACTIVE and front_desk.may_mark_no_show(a, now, grace),
        "phone_text": shown,
        "token": token,
        "error": error,
        "notice": notice,
        "query": _list_query(),
    }
    if is_htmx():
        return await render_template("panel/_agenda_list.html", **context)
    return await render_panel("panel/agenda.html", "agenda", **context)


def _list_query() -> str:
    """The list's own filters (not `feito`, which said what was just done) for its polling
    and its actions."""
    kept = [(k, v) for k, v in request.args.items(multi=True) if k not in ("feito", "token")]
    return urlencode(kept)


def _filters(zone: ZoneInfo) -> tuple[date, date, str | None, str | None]:
    """The period (this week by default, or a day), status and client asked for."""
    first = date_arg("from") or datetime.now(zone).date()
    span = 7 if request.args.get("view", "week") == "week" else 1
    last = date_arg("to") or first + timedelta(days=span - 1)
    status = request.args.get("status") or None
    if status is not None and status not in STATUSES and status != front_desk.UNCONFIRMED:
        raise InvalidField("unknown status", field="status")
    return first, last, status, request.args.get("client") or None
