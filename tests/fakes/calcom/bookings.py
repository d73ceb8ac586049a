"""What the fake Cal.com keeps: its bookings, and the fixture files its answers start from."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "calcom"
SLOT_TAKEN_V2 = "User either already has booking at this time or is not available"
SLOT_TAKEN_V1 = "no_available_users_found_error"


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def fixture_slots() -> set[datetime]:
    """The free times of v2_slots_response.json (10 and 11 March 2026, Europe/Madrid)."""
    days = load("v2_slots_response.json")["data"]
    return {datetime.fromisoformat(s["start"]).astimezone(UTC) for d in days.values() for s in d}


def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class FakeBooking:
    id: int
    uid: str
    start: datetime
    end: datetime
    attendee: dict[str, Any]
    metadata: dict[str, Any]
    notes: str | None = None
    status: str = "accepted"
    rescheduled_from: str | None = None
    rescheduled_to: str | None = None
    rescheduling_reason: str | None = None
    cancellation_reason: str | None = None
