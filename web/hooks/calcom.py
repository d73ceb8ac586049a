"""Cal.com's webhook (G2): booking events for the company of X-Cal-Company."""

from __future__ import annotations

import time

import orjson
from quart import Blueprint, Response, jsonify, request
from quart_schema import security_scheme

from domain.agenda.reminders import policy_for
from domain.agenda.service import apply_cal_event
from domain.agenda.webhooks import parse_event, verify_cal_signature
from domain.db import bind_tenant
from domain.errors import InvalidInput, NotFound, Unauthorized
from domain.observability.logging import get_logger
from domain.tenancy.company_settings import picker
from web.services import services
from web.validation import read_body

bp = Blueprint("calcom", __name__, url_prefix="/api/agenda")
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
