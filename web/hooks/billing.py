"""POST /webhook/billing (T4): payment-provider events for the company of X-Company-Domain."""

from __future__ import annotations

import time

from quart import Blueprint, Response, jsonify, request
from quart_schema import security_scheme

from domain.billing.service import apply_event, billing_secrets, read_event, resolve_status
from domain.db import public_session
from domain.errors import InvalidInput, NotFound, ServiceUnavailable
from domain.integrations.mercadopago import MercadoPagoUnavailable
from domain.observability.logging import get_logger
from web.services import services
from web.validation import read_body

bp = Blueprint("billing", __name__)
log = get_logger(__name__)


@bp.post("/webhook/billing")
@security_scheme([])  # no bearer: signed, or public
async def billing_webhook() -> Response:
    svc = services()
    body = await read_body(svc.settings.webhook_max_body_bytes)
    domain = request.headers.get("X-Company-Domain")
    if not domain:
        raise InvalidInput("X-Company-Domain is required", code="missing_company")
    auth = await svc.directory.by_domain(domain)
    company = await svc.directory.profile(auth.id) if auth else None
    if auth is None or company is None:
        raise NotFound(f"no company for domain {domain!r}", code="unknown_company")
    secrets = billing_secrets(company, auth.webhook_secret, svc.settings)
    event = read_event(request.headers, request.args, body, secrets, time.time())
    try:
        event = await resolve_status(event, svc.http, secrets)
    except MercadoPagoUnavailable as error:
        # Not recorded: the provider retries the notification later.
        raise ServiceUnavailable(
            f"Mercado Pago API: {error}", code="provider_unavailable"
        ) from None
    async with public_session(svc.engine) as session:
        outcome, status = await apply_event(session, company.id, event, body)
        await session.commit()
    log.info(
        "billing_event", provider=event.provider, kind=event.kind, outcome=outcome, status=status
    )
    return jsonify(received=True, outcome=outcome, event_id=event.event_id, subscription=status)
