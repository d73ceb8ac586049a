"""The three webhooks over HTTP against the real database, fed the recorded bodies with
hostile fields (issue 13): whatever a sender posts is answered below 500, and whatever is
accepted was stored (so it fitted every column, jsonb included)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.conversations.models import Message
from tests.support import reads
from tests.support.calcom import signed, with_webhook_secret
from tests.support.factories import MakeCompany, allow_manual_billing
from tests.support.hostile import BOUNDED, cal_bodies, manual_bodies, whaticket_bodies
from tests.support.webhooks import signed_headers

# Each example is a real request and a real insert: fewer of them than the parsers' own
# properties, and the fixtures (one company) shared by all of a test's examples.
OVER_HTTP = settings(
    BOUNDED,
    max_examples=120,
    suppress_health_check=[*BOUNDED.suppress_health_check, HealthCheck.function_scoped_fixture],
)


@pytest.fixture
async def acme(make_company: MakeCompany, engine: AsyncEngine) -> Any:
    made = await make_company("acme", domain="acme.example.com", secret="acme-secret")
    await with_webhook_secret(engine, made.company.id)
    await allow_manual_billing(engine, made.company.id)
    return made


@OVER_HTTP
@given(body=whaticket_bodies())
async def test_whaticket_answers_below_500_and_stores_what_it_accepts(
    client: Any, acme: Any, engine: AsyncEngine, body: Any
) -> None:
    url = f"/webhook/whaticket/acme/{acme.url_token}"
    response = await client.post(url, data=json.dumps(body).encode())
    assert response.status_code in (200, 202, 400, 413), await response.get_data(as_text=True)
    if response.status_code == 202:
        assert await reads.count(engine, Message, tenant=acme.company.id) > 0


@OVER_HTTP
@given(body=cal_bodies())
async def test_calcom_answers_below_500(client: Any, acme: Any, body: Any) -> None:
    raw = json.dumps(body).encode()
    response = await client.post("/api/agenda/webhook/cal", data=raw, headers=signed(raw))
    assert response.status_code in (200, 400, 413, 422), await response.get_data(as_text=True)


@OVER_HTTP
@given(body=manual_bodies())
async def test_billing_answers_below_500(client: Any, acme: Any, body: Any) -> None:
    raw = json.dumps(body).encode()
    headers = signed_headers("acme-secret", raw, **{"X-Company-Domain": "acme.example.com"})
    response = await client.post("/webhook/billing", data=raw, headers=headers)
    assert response.status_code in (200, 400, 413, 422), await response.get_data(as_text=True)
