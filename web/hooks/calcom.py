"""Cal.com's webhook (G2): booking events for the company of X-Cal-Company."""

from __future__ import annotations

import time

from quart import Blueprint, Response, jsonify, request
from quart_schema import security_scheme

from domain.agenda.cal_webhook import apply_delivery, verified_delivery
from domain.observability.logging import get_logger
from web.services import services
from web.validation import read_body

bp = Blueprint("calcom", __name__, url_prefix="/api/agenda")
log = get_logger(__name__)
MAX_BODY = 256 * 1024  # bookings carry responses, notes and app statuses


@bp.post("/webhook/cal")
@security_scheme([])  # signed by Cal.com
async def cal_webhook() -> Response:
    """A booking event for the company of X-Cal-Company (its id or slug), signed with that
    company's Cal.com secret."""
    svc = services()
    raw = await read_body(MAX_BODY)
    delivery = await verified_delivery(
        svc.directory,
        svc.settings,
        request.headers.get("X-Cal-Company"),
        # X-Cal-Signature-256 is what Cal.com sends; X-Cal-Signature is the seed's name.
        request.headers.get("X-Cal-Signature-256") or request.headers.get("X-Cal-Signature"),
        raw,
    )
    started = time.perf_counter()
    async with svc.engine.begin() as conn:
        outcome = await apply_delivery(conn, delivery, svc.settings)
    trigger = delivery.event.trigger
    ms = round((time.perf_counter() - started) * 1000, 1)
    log.info("agenda_webhook", trigger=trigger, outcome=outcome, ms=ms)
    return jsonify(received=True, trigger=trigger, outcome=outcome)
