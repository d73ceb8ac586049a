"""The fake Cal.com itself: its state, what comes before every route (recording the call,
scripted failures, auth as Cal.com checks it) and the bookings it makes. The routes of each
API are in v2.py and v1.py."""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from quart import Quart, abort, request

from tests.fakes.calcom import v1 as api_v1
from tests.fakes.calcom import v2 as api_v2
from tests.fakes.calcom.bookings import FakeBooking, fixture_slots


@dataclass
class FakeCalcom:
    """Cal.com's two APIs over one set of bookings (see the package's docstring)."""

    api_key: str = "cal_test_3f9a1c0b7d2e4f6a8b"
    event_type_id: int = 1234
    length_minutes: int = 30
    v2: bool = True  # serve API v2 under /v2
    v1: bool = True  # serve API v1 under /api/v1
    v1_wrapped: bool = False  # v1 create answers {booking: …} (swagger) instead of top level
    delay: float = 0.0  # seconds before answering
    free: set[datetime] = field(default_factory=fixture_slots)  # UTC instants
    bookings: dict[str, FakeBooking] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)
    # Scripted answers for the next calls: (status, json body), consumed in order.
    script: list[tuple[int, Any]] = field(default_factory=list)
    next_id: int = 5012

    def fail_next(self, count: int, status: int = 500) -> None:
        error = {"code": "InternalServerErrorException", "message": "scripted failure"}
        self.script += [(status, {"status": "error", "error": error})] * count

    def available(self) -> set[datetime]:
        taken = {b.start for b in self.bookings.values() if b.status != "cancelled"}
        return self.free - taken

    def event_types(self) -> list[dict[str, Any]]:
        """The account's event types: the one it books, and a longer first visit."""
        return [
            {"id": self.event_type_id, "slug": "consulta", "lengthInMinutes": self.length_minutes},
            {"id": self.event_type_id + 1, "slug": "primeira-consulta", "lengthInMinutes": 60},
        ]

    def calls(self, method: str, path: str) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["method"] == method and r["path"] == path]

    def app(self) -> Quart:
        app = Quart("fake_calcom")
        api_v2.routes(self, app)
        api_v1.routes(self, app)
        return app

    async def _gate(self, api: str, cal_version: str | None) -> Any | None:
        """Record the call, then answer what comes before the route: 404, scripts, auth."""
        self.requests.append(
            {
                "method": request.method,
                "path": request.path,
                "args": dict(request.args),
                "headers": {k.lower(): v for k, v in request.headers.items()},
                "json": await request.get_json(silent=True),
            }
        )
        if not getattr(self, api):
            abort(404)  # an HTML page, as a server without that API would give
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.script:
            status, body = self.script.pop(0)
            return body, status
        if api == "v2":
            if request.headers.get("Authorization") != f"Bearer {self.api_key}":
                return api_v2.error(401, "UnauthorizedException", "Invalid API Key")
            if request.headers.get("cal-api-version") != cal_version:
                return api_v2.error(
                    400, "BadRequestException", f"cal-api-version must be {cal_version}"
                )
            return None
        key = request.args.get("apiKey")
        if not key:
            return {"message": "No apiKey provided"}, 401
        return None if key == self.api_key else ({"message": "Your apiKey is not valid"}, 401)

    def _days(
        self, first: datetime, last: datetime, zone: ZoneInfo, spec: str, key: str
    ) -> dict[str, list[dict[str, str]]]:
        days: dict[str, list[dict[str, str]]] = {}
        for moment in sorted(t for t in self.available() if first <= t <= last):
            local = moment.astimezone(zone)
            days.setdefault(local.date().isoformat(), []).append(
                {key: local.isoformat(timespec=spec)}
            )
        return days

    def _book(
        self,
        start_text: str,
        attendee: dict[str, Any],
        metadata: dict[str, Any],
        notes: str | None,
        rescheduled_from: str | None = None,
    ) -> FakeBooking | None:
        start = datetime.fromisoformat(start_text).astimezone(UTC)
        if start not in self.available():
            return None
        booking = FakeBooking(
            id=self.next_id,
            uid=secrets.token_urlsafe(16)[:22],
            start=start,
            end=start + timedelta(minutes=self.length_minutes),
            attendee=dict(attendee),
            metadata=dict(metadata),
            notes=notes,
            rescheduled_from=rescheduled_from,
        )
        self.next_id += 1
        self.bookings[booking.uid] = booking
        return booking

    def _reschedule(
        self, old: FakeBooking, start_text: str | None, reason: str | None
    ) -> FakeBooking | None:
        if not start_text:
            return None
        new = self._book(start_text, old.attendee, old.metadata, old.notes, old.uid)
        if new is not None:
            new.rescheduling_reason = reason
            old.status, old.rescheduled_to = "cancelled", new.uid
        return new

    def _by_id(self, booking_id: int) -> FakeBooking | None:
        return next((b for b in self.bookings.values() if b.id == booking_id), None)
