"""Billing events (T4): verify the provider's signature, read the event, move the company's
subscription between trialing, active, past_due and canceled, once per event id."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Protocol, cast

import httpx
from sqlalchemy import Table, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.billing import providers
from domain.billing.models import BillingEvent
from domain.billing.providers import Event
from domain.errors import Forbidden, InvalidInput, NotFound, ServiceUnavailable, Unauthorized
from domain.integrations.mercadopago import (
    MercadoPagoConfig,
    MercadoPagoUnavailable,
    resource_status,
)
from domain.settings import Settings
from domain.tenancy.company_settings import picker
from domain.tenancy.directory import CompanyDirectory, CompanyProfile
from domain.tenancy.models import Subscription
from domain.webhooks.bounds import decode_json, storable
from domain.webhooks.signatures import verify_signature

_events = cast(Table, BillingEvent.__table__)


class Headers(Protocol):
    """Request headers, looked up without regard to case (werkzeug's Headers)."""

    def get(self, key: str) -> str | None: ...
    def __contains__(self, key: str) -> bool: ...
    def __getitem__(self, key: str) -> str: ...


@dataclass(frozen=True)
class Delivery:
    """A payment provider's request as it came: headers, query arguments, the exact body."""

    headers: Headers
    query: Mapping[str, str]
    body: bytes


@dataclass(frozen=True)
class BillingSecrets:
    stripe: str | None
    mercadopago: str | None
    mercadopago_api: MercadoPagoConfig | None
    manual: str | None  # the company's webhook secret
    manual_enabled: bool = False  # the platform lets the company bill itself (provisioning)


def billing_secrets(
    company: CompanyProfile, webhook_secret: str | None, settings: Settings
) -> BillingSecrets:
    pick = picker(company, "billing")
    token = pick("mercadopago_access_token", settings.mercadopago_access_token)
    base = pick("mercadopago_api_base_url", settings.mercadopago_api_base_url)
    return BillingSecrets(
        stripe=pick("stripe_webhook_secret", settings.stripe_webhook_secret),
        mercadopago=pick("mercadopago_webhook_secret", settings.mercadopago_webhook_secret),
        mercadopago_api=MercadoPagoConfig(base, token) if token and base else None,
        manual=webhook_secret,
        manual_enabled=bool(((company.settings or {}).get("billing") or {}).get("manual")),
    )


def read_event(
    headers: Headers,
    query: Mapping[str, str],
    body: bytes,
    secrets: BillingSecrets,
    now: float,
) -> Event:
    """The verified event; the provider is told by its signature header (header names are
    case-insensitive, so Mercado Pago's `x-signature` and ours differ by their value)."""
    signature = headers.get("x-signature") or ""
    if "Stripe-Signature" in headers:
        if not secrets.stripe:
            raise Unauthorized("no Stripe secret configured", code="no_secret")
        providers.verify_stripe(secrets.stripe, headers["Stripe-Signature"], body, now)
        return providers.stripe_event(_json(body))
    if "v1=" in signature:
        if not secrets.mercadopago:
            raise Unauthorized("no Mercado Pago secret configured", code="no_secret")
        data = _json(body)  # the signature covers the resource id, not the body
        inner = data.get("data")
        data_id = query.get("data.id") or str(
            (inner.get("id") if isinstance(inner, dict) else None) or ""
        )
        providers.verify_mercadopago(
            secrets.mercadopago, signature, headers.get("x-request-id"), data_id, now
        )
        return providers.mercadopago_event(data, data_id)
    if signature or "X-Timestamp" in headers:
        if not secrets.manual:
            raise Unauthorized("company has no webhook secret", code="no_secret")
        # The company knows its own secret: without the platform's say-so it could reactivate
        # a canceled subscription. Checked after the signature, so strangers learn nothing.
        verify_signature(
            [secrets.manual], headers.get("X-Timestamp"), headers.get("X-Signature"), body, now=now
        )
        if not secrets.manual_enabled:
            raise Forbidden(
                "manual billing is not enabled for this company", code="manual_billing_disabled"
            )
        return providers.manual_event(_json(body))
    raise Unauthorized(
        "sign with Stripe-Signature, x-signature (Mercado Pago) or X-Signature",
        code="missing_signature",
    )


async def verified_event(
    directory: CompanyDirectory,
    settings: Settings,
    http: httpx.AsyncClient,
    delivery: Delivery,
    now: float,
) -> tuple[int, Event]:
    """(company id, event) of a payment provider's delivery to the company of its
    X-Company-Domain, verified with that company's secrets; a Mercado Pago status is read
    from its API (ServiceUnavailable when it does not answer: nothing is recorded, and the
    provider retries the notification later)."""
    domain = delivery.headers.get("X-Company-Domain")
    if not domain:
        raise InvalidInput("X-Company-Domain is required", code="missing_company")
    auth = await directory.by_domain(domain)
    company = await directory.profile(auth.id) if auth else None
    if auth is None or company is None:
        raise NotFound(f"no company for domain {domain!r}", code="unknown_company")
    secrets = billing_secrets(company, auth.webhook_secret, settings)
    event = read_event(delivery.headers, delivery.query, delivery.body, secrets, now)
    try:
        return company.id, await resolve_status(event, http, secrets)
    except MercadoPagoUnavailable as error:
        raise ServiceUnavailable(
            f"Mercado Pago API: {error}", code="provider_unavailable"
        ) from None


async def resolve_status(event: Event, http: httpx.AsyncClient, secrets: BillingSecrets) -> Event:
    """Mercado Pago: the status its API gives for the notified resource."""
    if event.resource is None or not event.resource_id:
        return event
    if secrets.mercadopago_api is None:
        raise Unauthorized("no Mercado Pago access token configured", code="no_secret")
    status = await resource_status(http, secrets.mercadopago_api, event.resource, event.resource_id)
    return replace(event, status=providers.MERCADOPAGO_STATUS.get(status or ""))


async def apply_event(
    session: AsyncSession, company_id: int, event: Event, body: bytes
) -> tuple[str, str | None]:
    """("applied" | "recorded" | "duplicate", the subscription's status now)."""
    created = await session.execute(
        insert(_events)
        .values(
            company_id=company_id,
            provider=event.provider,
            event_id=event.event_id,
            kind=event.kind[:100],
            status=event.status,
            payload=storable(_json(body)),
        )
        .on_conflict_do_nothing(index_elements=[_events.c.provider, _events.c.event_id])
        .returning(_events.c.id)
    )
    current = await session.scalar(
        select(Subscription)
        .where(Subscription.company_id == company_id)
        .order_by(Subscription.id.desc())
        .limit(1)
        .with_for_update()
    )
    if created.scalar() is None:
        return "duplicate", current.status if current else None
    if event.status is None or current is None:
        return "recorded", current.status if current else None
    await session.execute(
        update(Subscription)
        .where(Subscription.id == current.id)
        .values(status=event.status, provider=event.provider)
        .execution_options(synchronize_session=False)
    )
    return "applied", event.status


def _json(body: bytes) -> dict[str, Any]:
    """The body's object, nested at most bounds.MAX_DEPTH levels."""
    data = decode_json(body)
    if not isinstance(data, dict):
        raise InvalidInput("body must be a JSON object", code="invalid_json")
    return data
