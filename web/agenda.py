"""Agenda endpoints (G2, G4): Cal.com's webhook, and the appointments for API users."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from datetime import time as clock
from zoneinfo import ZoneInfo

import orjson
from quart import Blueprint, Response, g, jsonify, request
from quart_schema import document_querystring, security_scheme

from domain import queues
from domain.agenda import attendance, reminders, store
from domain.agenda.models import STATUSES
from domain.agenda.reminders import policy_for
from domain.agenda.service import apply_cal_event
from domain.agenda.webhooks import parse_event, verify_cal_signature
from domain.db import bind_tenant
from domain.errors import InvalidField, InvalidInput, NotFound, Unauthorized
from domain.observability.logging import get_logger
from domain.tenancy.company_settings import picker
from web.auth import acting_company, authenticated
from web.openapi import AppointmentsQuery
from web.services import services
from web.validation import date_arg, read_body

bp = Blueprint("agenda", __name__, url_prefix="/api/agenda")
log = get_logger(__name__)
MAX_BODY = 256 * 1024  # bookings carry responses, notes and app statuses


@bp.post("/webhook/cal")
@security_scheme([])  # signed by Cal.com
async def cal_webhook() -> Response:
    svc = services()
    raw = await read_body(MAX_BODY)
    who = (request.headers.get("X-Cal-Company") or "").strip()
    if not who:
        raise InvalidInput("X-Cal-Company (company id or slug) is required", code="missing_company")
    auth = await (svc.directory.by_id(int(who)) if who.isdigit() else svc.directory.by_slug(who))
    company = await svc.directory.profile(auth.id) if auth else None
    if company is None:
        raise NotFound(f"no company {who!r}", code="unknown_company")
    secret = picker(company, "cal")("webhook_secret", svc.settings.cal_webhook_secret)
    if not secret:
        log.warning("agenda_not_configured", reason="no Cal.com webhook secret")
        raise Unauthorized(
            "Agenda automática não configurada: this company has no Cal.com webhook secret",
            code="no_secret",
        )
    presented = request.headers.get("X-Cal-Signature-256") or request.headers.get("X-Cal-Signature")
    verify_cal_signature(secret, presented, raw)
    try:
        event = parse_event(orjson.loads(raw))
    except orjson.JSONDecodeError:
        raise InvalidInput(
            "body is not JSON (custom payload templates are not supported)", code="invalid_json"
        ) from None
    started = time.perf_counter()
    async with svc.engine.begin() as conn:
        outcome = await apply_cal_event(
            await bind_tenant(conn, company.id), event, policy_for(company, svc.settings)
        )
    log.info(
        "agenda_webhook",
        trigger=event.trigger,
        outcome=outcome,
        ms=round((time.perf_counter() - started) * 1000, 1),
    )
    return jsonify(received=True, trigger=event.trigger, outcome=outcome)


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
    _, done = await reminders.send_now(
        svc.engine, svc.directory, svc.settings, company_id, appointment_id
    )
    unqueued = await queues.enqueue_deliveries(
        svc.router, svc.settings.redis_namespace, done.messages, g.correlation_id
    )
    return jsonify(sent=bool(done.sent_kinds) or not done.claimed, queued=not unqueued), 202
