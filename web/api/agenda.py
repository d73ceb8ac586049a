"""Agenda API (G4): appointments for API users, and a reminder sent now."""

from __future__ import annotations

from datetime import datetime, timedelta
from datetime import time as clock
from zoneinfo import ZoneInfo

from quart import Blueprint, Response, g, jsonify, request
from quart_schema import document_querystring

from domain import queues
from domain.agenda import attendance, dispatcher, store
from domain.agenda.models import STATUSES
from domain.db import bind_tenant
from domain.errors import InvalidField, NotFound
from web.api.auth import acting_company, authenticated
from web.api.schemas import AppointmentsQuery
from web.services import services
from web.validation import date_arg

bp = Blueprint("agenda", __name__, url_prefix="/api/agenda")


@bp.get("/appointments")
@document_querystring(AppointmentsQuery)
@authenticated("operator")
async def appointments() -> Response:
    company_id = await acting_company()
    company = await services().directory.profile(company_id)
    if company is None:
        raise NotFound("no such company")
    zone = ZoneInfo(company.timezone)
    first = date_arg("from") or datetime.now(zone).date()
    last = date_arg("to") or first + timedelta(days=7)
    if last < first:
        raise InvalidField("to must not be before from", field="to")
    status = request.args.get("status") or None
    if status is not None and status not in STATUSES and status != "unconfirmed":
        raise InvalidField(
            f"status must be one of {', '.join(STATUSES)} or unconfirmed", field="status"
        )
    since = datetime.combine(first, clock(), zone)
    until = datetime.combine(last + timedelta(days=1), clock(), zone)
    async with services().engine.connect() as conn:
        tenant = await bind_tenant(conn, company_id)
        rows = await store.between(
            tenant,
            since,
            until,
            ("pending", "scheduled") if status == "unconfirmed" else status,
            request.args.get("client") or None,
        )
        presence = await attendance.attendance(tenant, since, until)
    return jsonify(
        attendance={
            "attended": presence.attended,
            "missed": presence.missed,
            "rate": presence.rate,
        },
        appointments=[
            {
                "id": r.id,
                "cal_uid": r.cal_uid,
                "name": r.name,
                "phone": r.phone,
                "start": r.start_at.astimezone(zone).isoformat(),
                "end": r.end_at.astimezone(zone).isoformat(),
                "status": r.status,
                "source": r.source,
                "title": r.title,
                "meeting_url": r.meeting_url,
                "confirmed_at": _iso(r.confirmed_at, zone),
                "checked_in_at": _iso(r.checked_in_at, zone),
                "reminded_at": _iso(r.reminded_at, zone),
            }
            for r in rows
        ],
    )


def _iso(moment: datetime | None, zone: ZoneInfo) -> str | None:
    return moment.astimezone(zone).isoformat() if moment else None


@bp.post("/appointments/<int:appointment_id>/remind")
@authenticated("operator")
async def remind(appointment_id: int) -> tuple[Response, int]:
    """Send a reminder of a future appointment now (G5's "Enviar lembrete agora"): 202 when
    queued; 409 when one went out moments ago or the appointment is past or inactive."""
    company_id = await acting_company()
    svc = services()
    async with svc.engine.begin() as conn:
        _, done = await dispatcher.send_now(
            conn, svc.directory, svc.settings, company_id, appointment_id
        )
    done.count()
    unqueued = await queues.enqueue_deliveries(
        svc.router, svc.settings.redis_namespace, done.messages, g.correlation_id
    )
    return jsonify(sent=bool(done.sent_kinds) or not done.claimed, queued=not unqueued), 202
