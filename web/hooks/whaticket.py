"""Whaticket webhook endpoints (W1-W6): signed form and URL-token form."""

from __future__ import annotations

import time

from quart import Blueprint, Response, g, jsonify, request
from quart_schema import security_scheme

from domain.auth.access_tokens import read_access_token
from domain.errors import (
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    Unauthorized,
)
from domain.observability.metrics import WEBHOOK_LATENCY, WEBHOOK_RECEIVED, metrics
from domain.tenancy.directory import CompanyAuth
from domain.tenancy.tokens import token_matches
from domain.webhooks.service import accept_message
from domain.webhooks.signatures import verify_signature
from web.services import Services, services
from web.validation import read_body

bp = Blueprint("whaticket", __name__)

REJECTION_LABEL = {
    Unauthorized: "rejected",
    Forbidden: "rejected",
    NotFound: "rejected",
    PayloadTooLarge: "too_large",
    InvalidInput: "invalid",
}


@bp.post("/webhook/whaticket")
@security_scheme([])  # no bearer: signed, or public
async def whaticket_signed() -> tuple[Response, int]:
    """HMAC-signed form; the company comes from X-Company-Domain, or the company_id of a
    bearer access token, or else it is the demo company. The signature must still be made
    with that company's own secret."""
    svc = services()
    try:
        body = await read_body(svc.settings.webhook_max_body_bytes)
        company = await _addressed_company(svc)
        _verify(svc, company, body)
        return await _accept(svc, company, body, request.headers.get("X-Timestamp"))
    except DomainError as error:
        _count_rejection(error)
        raise


@bp.post("/webhook/whaticket/<slug>/<token>")
@security_scheme([])  # no bearer: signed, or public
async def whaticket_url_token(slug: str, token: str) -> tuple[Response, int]:
    """For Whaticket forks that cannot sign: the long random token in the URL is the key (W4)."""
    svc = services()
    try:
        body = await read_body(svc.settings.webhook_max_body_bytes)
        company = await svc.directory.by_slug(slug)
        # Same answer for an unknown slug and a wrong token: the URL is the credential.
        if company is None or not token_matches(token, company.url_token_hash):
            raise Unauthorized("invalid webhook URL token", code="invalid_token")
        _check_active(company)
        return await _accept(svc, company, body, None)
    except DomainError as error:
        _count_rejection(error)
        raise


async def _addressed_company(svc: Services) -> CompanyAuth:
    domain = request.headers.get("X-Company-Domain")
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if domain:
        company = await svc.directory.by_domain(domain)
    elif scheme.lower() == "bearer" and token.strip():
        principal = read_access_token(token.strip(), svc.settings.signing_key)
        if principal.company_id is None:
            raise InvalidInput("the access token names no company", code="company_required")
        company = await svc.directory.by_id(principal.company_id)
    else:
        company = await svc.directory.demo()
    if company is None:
        raise NotFound(f"no company for domain {domain!r}", code="unknown_company")
    _check_active(company)
    return company


def _check_active(company: CompanyAuth) -> None:
    if company.status != "active":
        raise Forbidden("company is suspended", code="company_suspended")


def _verify(svc: Services, company: CompanyAuth, body: bytes) -> None:
    if not company.webhook_secret:
        raise Unauthorized("company has no webhook secret configured", code="no_secret")
    verify_signature(
        company.webhook_secrets(),
        request.headers.get("X-Timestamp"),
        request.headers.get("X-Signature"),
        body,
        now=time.time(),
        tolerance=svc.settings.webhook_tolerance_seconds,
    )
    # Optional second factor: required only when the company configured one.
    if company.webhook_token_hash and not token_matches(
        request.headers.get("X-Webhook-Token"), company.webhook_token_hash
    ):
        raise Unauthorized("X-Webhook-Token is missing or wrong", code="invalid_token")


async def _accept(
    svc: Services, company: CompanyAuth, body: bytes, timestamp: str | None
) -> tuple[Response, int]:
    g.company_id = company.id
    outcome = await accept_message(
        svc.inbound,
        company.id,
        body,
        timestamp=timestamp,
        correlation_id=g.correlation_id,
        enqueue=svc.enqueue_inbound,
    )
    metrics.inc(WEBHOOK_RECEIVED, status=outcome.status)
    metrics.observe(WEBHOOK_LATENCY, time.perf_counter() - g.started)
    if outcome.status == "accepted":
        return jsonify(queued=True), 202
    return jsonify(queued=False, reason=outcome.reason), 200


def _count_rejection(error: DomainError) -> None:
    metrics.inc(WEBHOOK_RECEIVED, status=REJECTION_LABEL.get(type(error), "invalid"))
