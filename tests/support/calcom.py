"""Cal.com as the tests see it: the client's test vectors (the fixtures' booking: Lucía, in
Madrid, on 10 and 11 March 2026)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from domain.integrations.calcom import CalcomClient, CalcomConfig
from tests.fakes.calcom import FakeCalcom
from tests.support.paths import FIXTURES

CAL = FIXTURES / "calcom"

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
