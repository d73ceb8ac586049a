"""Cal.com as the tests see it: its webhook deliveries (the recorded fixtures, sent compact and
signed as Cal.com sends them) and the client's test vectors (the fixtures' booking: Lucía, in
Madrid, on 10 and 11 March 2026)."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.integrations.calcom import CalcomClient, CalcomConfig
from tests.fakes.calcom import FakeCalcom
from tests.support.factories import configure
from tests.support.paths import FIXTURES

CAL = FIXTURES / "calcom"

# --- webhooks ----------------------------------------------------------------------------

WEBHOOK_SECRET = "calcom_test_secret_123"


def compact(name: str) -> bytes:
    """The fixture re-serialised the way Cal.com sends it (see the fixtures README)."""
    return json.dumps(
        json.loads((CAL / name).read_text()), separators=(",", ":"), ensure_ascii=False
    ).encode()


def signed(
    body: bytes,
    company: str = "acme",
    header: str = "X-Cal-Signature-256",
    secret: str = WEBHOOK_SECRET,
) -> dict[str, str]:
    """Headers of a delivery for `company`, signed with `secret` in `header`."""
    mac = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"Content-Type": "application/json", "X-Cal-Company": company, header: mac}


async def with_webhook_secret(engine: AsyncEngine, company_id: int) -> None:
    """The company signs its Cal.com webhooks with WEBHOOK_SECRET."""
    await configure(engine, company_id, cal={"webhook_secret": WEBHOOK_SECRET})


async def post_cal_webhook(client: Any, name: str, **signing: Any) -> Any:
    """POST the fixture `name` to the Cal.com webhook, compact and signed (see `signed`)."""
    body = compact(name)
    return await client.post("/api/agenda/webhook/cal", data=body, headers=signed(body, **signing))


# --- the client's test vectors -------------------------------------------------------------

MADRID = ZoneInfo("Europe/Madrid")
MARCH_10, MARCH_11 = date(2026, 3, 10), date(2026, 3, 11)
FIXTURE_UID = "7xQk2mRZp9VbLc3NwTfYsA"
FIXTURE_TIMES = [  # the free times of the slots fixtures
    datetime(2026, 3, 10, 9, 0, tzinfo=MADRID),
    datetime(2026, 3, 10, 9, 30, tzinfo=MADRID),
    datetime(2026, 3, 10, 10, 30, tzinfo=MADRID),
    datetime(2026, 3, 10, 16, 0, tzinfo=MADRID),
    datetime(2026, 3, 11, 9, 0, tzinfo=MADRID),
    datetime(2026, 3, 11, 12, 30, tzinfo=MADRID),
]
LUCIA = {"name": "Lucía Fernández", "email": "lucia.fernandez@example.com", "phone": "+34612345678"}
FIXTURE_METADATA = {"source": "whatsapp", "waConversationId": "wa-conv-8f2e91"}


def cal_fixture(name: str) -> Any:
    """A Cal.com fixture file, parsed."""
    return json.loads((CAL / name).read_text())


def v2(fake: tuple[FakeCalcom, str], **overrides: Any) -> CalcomConfig:
    """The configuration of API v2 of the fake (`fake_calcom`), with `overrides`."""
    calcom, url = fake
    return replace(CalcomConfig(f"{url}/v2", calcom.api_key, 1234, timeout=2.0), **overrides)


def v1(fake: tuple[FakeCalcom, str], **overrides: Any) -> CalcomConfig:
    """The configuration of API v1 of the fake (`fake_calcom`), with `overrides`."""
    calcom, url = fake
    return replace(CalcomConfig(f"{url}/api/v1", calcom.api_key, 1234, timeout=2.0), **overrides)


async def book_lucia(client: CalcomClient, config: CalcomConfig, start: datetime) -> Any:
    """The fixtures' booking: Lucía, in Madrid, in Spanish, with its metadata and notes."""
    return await client.book(
        config,
        start,
        LUCIA["name"],
        LUCIA["email"],
        LUCIA["phone"],
        "Europe/Madrid",
        language="es",
        metadata=FIXTURE_METADATA,
        notes="Revisión anual y limpieza",
    )
