"""POST /webhook/billing (T4): Stripe, Mercado Pago and manual events move the subscription,
once per event id; bad signatures and broken providers lose nothing and change nothing."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.billing.models import BillingEvent
from domain.tenancy.models import Subscription
from tests.fakes.mercadopago import FakeMercadoPago
from tests.fakes.server import LocalServer
from tests.support import reads
from tests.support.factories import MakeCompany, allow_manual_billing, change, configure
from tests.support.paths import FIXTURES
from tests.support.webhooks import signed_headers

BILLING = FIXTURES / "billing"
STRIPE_SECRET = "whsec_test_5f1d2c3b4a"
MP_SECRET = "mp-webhook-secret-8a7b"
DOMAIN = {"X-Company-Domain": "acme.example.com"}


def fixture(name: str) -> bytes:
    return (BILLING / name).read_bytes()


def stripe_headers(
    body: bytes, secret: str = STRIPE_SECRET, ts: int | None = None
) -> dict[str, str]:
    stamp = str(int(time.time()) if ts is None else ts)
    v1 = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return {**DOMAIN, "Content-Type": "application/json", "Stripe-Signature": f"t={stamp},v1={v1}"}


def mercadopago_headers(
    data_id: str, request_id: str = "bb56a2f1-6aae-46ac-982e-9dcd3581d08e"
) -> dict[str, str]:
    ts = str(int(time.time()))
    manifest = f"id:{data_id.lower()};request-id:{request_id};ts:{ts};"
    v1 = hmac.new(MP_SECRET.encode(), manifest.encode(), hashlib.sha256).hexdigest()
    return {
        **DOMAIN,
        "Content-Type": "application/json",
        "x-signature": f"ts={ts},v1={v1}",
        "x-request-id": request_id,
    }


@pytest.fixture
async def mercadopago() -> AsyncIterator[FakeMercadoPago]:
    fake = FakeMercadoPago()
    async with LocalServer(fake.app()) as url:
        fake.url = url  # type: ignore[attr-defined]
        yield fake


@pytest.fixture
async def acme(make_company: MakeCompany, engine: AsyncEngine, mercadopago: FakeMercadoPago) -> int:
    company = await make_company("acme")
    billing = {
        "stripe_webhook_secret": STRIPE_SECRET,
        "mercadopago_webhook_secret": MP_SECRET,
        "mercadopago_access_token": mercadopago.token,
        "mercadopago_api_base_url": mercadopago.url,
    }
    await configure(engine, company.company.id, billing=billing)
    return company.company.id


async def subscription(engine: AsyncEngine, company_id: int) -> tuple[str, str | None]:
    """(status, provider) of the company's subscription."""
    [row] = await reads.rows(engine, Subscription, where=Subscription.company_id == company_id)
    return row.status, row.provider


async def events(engine: AsyncEngine) -> int:
    """How many payment-provider events were recorded."""
    return await reads.count(engine, BillingEvent)


async def post(client: Any, body: bytes, headers: dict[str, str], query: str = "") -> Any:
    return await client.post(f"/webhook/billing{query}", data=body, headers=headers)


async def test_stripe_events_move_the_subscription_once_each(
    client: Any, acme: int, engine: AsyncEngine
) -> None:
    updated = fixture("stripe_subscription_updated.json")
    response = await post(client, updated, stripe_headers(updated))
    assert response.status_code == 200
    assert (await response.get_json())["outcome"] == "applied"
    assert await subscription(engine, acme) == ("past_due", "stripe")

    again = await post(client, updated, stripe_headers(updated))  # Stripe retries deliveries
    assert (await again.get_json())["outcome"] == "duplicate"

    paid = fixture("stripe_invoice_paid.json")
    await post(client, paid, stripe_headers(paid))
    assert (await subscription(engine, acme))[0] == "active"
    deleted = fixture("stripe_subscription_deleted.json")
    await post(client, deleted, stripe_headers(deleted))
    assert (await subscription(engine, acme))[0] == "canceled"
    assert await events(engine) == 3


async def test_stripe_signatures_are_checked(client: Any, acme: int, engine: AsyncEngine) -> None:
    body = fixture("stripe_subscription_updated.json")
    cases = [
        stripe_headers(body, secret="whsec_wrong"),
        stripe_headers(body, ts=int(time.time()) - 600),  # outside the 5-minute tolerance
        {**stripe_headers(body), "Stripe-Signature": "t=1,v0=abc"},
    ]
    for headers in cases:
        assert (await post(client, body, headers)).status_code == 401
    tampered = body.replace(b"past_due", b"active__")
    assert (await post(client, tampered, stripe_headers(body))).status_code == 401
    assert await events(engine) == 0
    assert (await subscription(engine, acme))[0] == "active"


async def test_mercadopago_status_comes_from_its_api(
    client: Any, acme: int, engine: AsyncEngine, mercadopago: FakeMercadoPago
) -> None:
    body = fixture("mercadopago_preapproval.json")
    data_id = "2c938084726fca480172750000000000"
    mercadopago.statuses[data_id] = "paused"
    query = f"?data.id={data_id}&type=subscription_preapproval"
    response = await post(client, body, mercadopago_headers(data_id), query)
    assert response.status_code == 200, await response.get_data()
    assert await subscription(engine, acme) == ("past_due", "mercadopago")

    payment = fixture("mercadopago_payment.json")
    mercadopago.statuses["1319374520"] = "approved"
    await post(
        client, payment, mercadopago_headers("1319374520"), "?data.id=1319374520&type=payment"
    )
    assert (await subscription(engine, acme))[0] == "active"


async def test_mercadopago_outage_is_503_and_nothing_is_recorded(
    client: Any, acme: int, engine: AsyncEngine, mercadopago: FakeMercadoPago
) -> None:
    body = fixture("mercadopago_payment.json")
    query = "?data.id=1319374520&type=payment"
    mercadopago.statuses["1319374520"] = "rejected"
    mercadopago.down = True
    down = await post(client, body, mercadopago_headers("1319374520"), query)
    assert down.status_code == 503
    assert await events(engine) == 0
    mercadopago.down = False  # Mercado Pago retries the notification
    assert (await post(client, body, mercadopago_headers("1319374520"), query)).status_code == 200
    assert (await subscription(engine, acme))[0] == "past_due"


async def test_mercadopago_signatures_are_checked(
    client: Any, acme: int, engine: AsyncEngine
) -> None:
    body = fixture("mercadopago_payment.json")
    headers = mercadopago_headers("1319374520")
    other_resource = await post(client, body, headers, "?data.id=999&type=payment")
    assert other_resource.status_code == 401
    no_request_id = {k: v for k, v in headers.items() if k != "x-request-id"}
    assert (await post(client, body, no_request_id, "?data.id=1319374520")).status_code == 401
    assert await events(engine) == 0


async def test_manual_events_use_the_company_webhook_secret(
    client: Any, acme: int, engine: AsyncEngine
) -> None:
    await allow_manual_billing(engine, acme)
    body = json.dumps({"event_id": "manual-2026-11-24-1", "status": "canceled"}).encode()
    ok = await post(client, body, {**signed_headers("secret-acme", body), **DOMAIN})
    assert ok.status_code == 200
    assert await subscription(engine, acme) == ("canceled", "manual")
    wrong = await post(client, body, {**signed_headers("secret-globex", body), **DOMAIN})
    assert wrong.status_code == 401
    bad = json.dumps({"event_id": "m2", "status": "gone"}).encode()
    invalid = await post(client, bad, {**signed_headers("secret-acme", bad), **DOMAIN})
    assert (invalid.status_code, (await invalid.get_json())["field"]) == (422, "status")


async def test_a_company_cannot_reactivate_itself_unless_the_platform_allows_manual_billing(
    client: Any, acme: int, engine: AsyncEngine
) -> None:
    await change(engine, Subscription, Subscription.company_id == acme, status="canceled")
    body = json.dumps({"event_id": "manual-self-service", "status": "active"}).encode()
    refused = await post(client, body, {**signed_headers("secret-acme", body), **DOMAIN})
    assert (refused.status_code, (await refused.get_json())["error"]) == (
        403,
        "manual_billing_disabled",
    )
    assert await subscription(engine, acme) == ("canceled", None)
    assert await events(engine) == 0


async def test_bad_requests_get_clear_errors(client: Any, acme: int, engine: AsyncEngine) -> None:
    body = fixture("stripe_invoice_paid.json")
    no_domain = {k: v for k, v in stripe_headers(body).items() if k != "X-Company-Domain"}
    assert (await post(client, body, no_domain)).status_code == 400
    unknown = {**stripe_headers(body), "X-Company-Domain": "nobody.example.com"}
    assert (await post(client, body, unknown)).status_code == 404
    unsigned = await post(client, body, {**DOMAIN, "Content-Type": "application/json"})
    assert (unsigned.status_code, (await unsigned.get_json())["error"]) == (
        401,
        "missing_signature",
    )
    garbage = b"{not json"
    assert (await post(client, garbage, stripe_headers(garbage))).status_code == 400
    assert (await post(client, garbage, stripe_headers(body))).status_code == 401  # checked first
    huge = b"{" + b" " * 70_000 + b"}"
    assert (await post(client, huge, stripe_headers(huge))).status_code == 413
    assert await events(engine) == 0
