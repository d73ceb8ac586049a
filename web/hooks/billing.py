"""POST /webhook/billing (T4): payment-provider events for the company of X-Company-Domain."""

from __future__ import annotations

import time

from quart import Blueprint, Response, jsonify, request
from quart_schema import security_scheme

from domain.billing.service import Delivery, apply_event, verified_event
from domain.db import public_session
from domain.observability.logging import get_logger
from web.services import services
from web.validation import read_body

bp = Blueprint("billing", __name__)
log = get_logger(__name__)


@bp.post("/webhook/billing")
@security_scheme([])  # no bearer: signed, or public
async def billing_webhook() -> Response:
    """A Stripe, Mercado Pago or signed manual event moving the company's subscription."""
    svc = services()
    body = await read_body(svc.settings.webhook_max_body_bytes)
    delivery = Delivery(request.headers, request.args, body)
    company_id, event = await verified_event(
        svc.directory, svc.settings, svc.http, delivery, time.time()
    )
    async with public_session(svc.engine) as session:
        outcome, status = await apply_event(session, company_id, event, body)
        await session.commit()
    log.info(
        "billing_event", provider=event.provider, kind=event.kind, outcome=outcome, status=status
    )
    return jsonify(received=True, outcome=outcome, event_id=event.event_id, subscription=status)
