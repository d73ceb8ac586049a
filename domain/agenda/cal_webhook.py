"""Receiving a Cal.com webhook delivery (G2) for the company it names (X-Cal-Company: its id
or slug): checked with that company's own secret, then applied once to its appointments.
The signature and the envelope are read in cal_events.py; what each trigger does to the
appointments is in cal_sync.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from domain.agenda.cal_events import CalEvent, parse_event, verify_cal_signature
from domain.agenda.cal_sync import apply_cal_event
from domain.agenda.reminders import policy_for
from domain.db import bind_tenant
from domain.errors import InvalidInput, NotFound, Unauthorized
from domain.observability.logging import get_logger
from domain.settings import Settings
from domain.tenancy.company_settings import picker
from domain.tenancy.directory import COMPANY_ID_MAX, CompanyDirectory, CompanyProfile
from domain.webhooks.bounds import decode_json

log = get_logger(__name__)
MAX_ID = COMPANY_ID_MAX  # companies.id is an integer: a larger number names no company


@dataclass(frozen=True)
class Delivery:
    company: CompanyProfile
    event: CalEvent


async def verified_delivery(
    directory: CompanyDirectory,
    settings: Settings,
    addressee: str | None,
    signature: str | None,
    raw: bytes,
) -> Delivery:
    """The delivery's event for the company `addressee` names, once its signature over the
    exact bytes `raw` is checked with that company's Cal.com secret."""
    company = await _addressed(directory, (addressee or "").strip())
    secret = picker(company, "cal")("webhook_secret", settings.cal_webhook_secret)
    if not secret:
        log.warning("agenda_not_configured", reason="no Cal.com webhook secret")
        raise Unauthorized(
            "Agenda automática não configurada: this company has no Cal.com webhook secret",
            code="no_secret",
        )
    verify_cal_signature(secret, signature, raw)
    # Parsed only once the signature holds: nothing unauthenticated reaches the parser.
    return Delivery(company, parse_event(_json(raw)))


async def apply_delivery(conn: AsyncConnection, delivery: Delivery, settings: Settings) -> str:
    """What the delivery did to the company's appointments, in the caller's transaction:
    see service.apply_cal_event."""
    company = delivery.company
    tenant = await bind_tenant(conn, company.id)
    return await apply_cal_event(tenant, delivery.event, policy_for(company, settings))


async def _addressed(directory: CompanyDirectory, who: str) -> CompanyProfile:
    if not who:
        raise InvalidInput("X-Cal-Company (company id or slug) is required", code="missing_company")
    # isascii: "²".isdigit() is True, and int() refuses it.
    by_id = who.isascii() and who.isdigit()
    if by_id and (len(who) > len(str(MAX_ID)) or int(who) > MAX_ID):
        auth = None
    else:
        auth = await (directory.by_id(int(who)) if by_id else directory.by_slug(who))
    company = await directory.profile(auth.id) if auth else None
    if company is None:
        raise NotFound(f"no company {who!r}", code="unknown_company")
    return company


def _json(raw: bytes) -> Any:
    """The body's JSON (custom payload templates are not supported), nested at most
    bounds.MAX_DEPTH levels."""
    return decode_json(raw)
