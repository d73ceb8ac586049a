"""A fake Cal.com: API v2 under /v2 and API v1 under /api/v1, after tests/fixtures/calcom.

Bookings live in memory: a booked time leaves later slot lists, a reschedule makes a booking
with a new uid and cancels the old one, a cancel marks the booking cancelled. Answers are the
fixture files with this booking's values written over them, so their shapes are Cal.com's.
Auth is checked as Cal.com does (Bearer for v2, `?apiKey=` for v1), and so is v2's
`cal-api-version` header. `script` (or `fail_next`) makes the next calls fail.
"""

from __future__ import annotations

import asyncio
import copy
import json
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from quart import Quart, abort, request

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "calcom"
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


@dataclass
class FakeCalcom:
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

    def calls(self, method: str, path: str) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["method"] == method and r["path"] == path]

    def app(self) -> Quart:
        app = Quart("fake_calcom")
        self._v2_routes(app)
        self._v1_routes(app)
        return app

    # --- API v2 ---------------------------------------------------------------------------

    def _v2_routes(self, app: Quart) -> None:
        @app.get("/v2/slots")
        async def v2_slots() -> Any:
            if (refused := await self._gate("v2", "2024-09-04")) is not None:
                return refused
            if request.args.get("eventTypeId") != str(self.event_type_id):
                return _v2_error(404, "NotFoundException", "Event type not found")
            zone = ZoneInfo(request.args.get("timeZone", "UTC"))
            first = _bound(request.args["start"], zone, end=False)
            last = _bound(request.args["end"], zone, end=True)
            days = self._days(first, last, zone, "milliseconds", "start")
            return {"status": "success", "data": days}

        @app.post("/v2/bookings")
        async def v2_create() -> Any:
            if (refused := await self._gate("v2", "2024-08-13")) is not None:
                return refused
            body = await request.get_json()
            if body.get("eventTypeId") != self.event_type_id:
                return _v2_error(404, "NotFoundException", "Event type not found")
            attendee = body.get("attendee") or {}
            problem = _v2_invalid(body, attendee)
            if problem:
                return _v2_error(400, "BadRequestException", problem)
            notes = (body.get("bookingFieldsResponses") or {}).get("notes")
            booking = self._book(body["start"], attendee, body.get("metadata") or {}, notes)
            if booking is None:
                return _v2_error(400, "BadRequestException", SLOT_TAKEN_V2)
            return {"status": "success", "data": self._v2_booking(booking)}, 201

        @app.get("/v2/bookings/<uid>")
        async def v2_get(uid: str) -> Any:
            if (refused := await self._gate("v2", "2024-08-13")) is not None:
                return refused
            if uid not in self.bookings:
                return _v2_error(404, "NotFoundException", f"Booking with uid={uid} not found")
            return {"status": "success", "data": self._v2_booking(self.bookings[uid])}

        @app.post("/v2/bookings/<uid>/reschedule")
        async def v2_reschedule(uid: str) -> Any:
            if (refused := await self._gate("v2", "2024-08-13")) is not None:
                return refused
            body = await request.get_json()
            old = self.bookings.get(uid)
            if old is None:
                return _v2_error(404, "NotFoundException", f"Booking with uid={uid} not found")
            if old.status == "cancelled":
                return _v2_error(400, "BadRequestException", "cancelled booking")
            new = self._reschedule(old, body.get("start"), body.get("reschedulingReason"))
            if new is None:
                return _v2_error(400, "BadRequestException", SLOT_TAKEN_V2)
            return {"status": "success", "data": self._v2_booking(new)}, 201

        @app.post("/v2/bookings/<uid>/cancel")
        async def v2_cancel(uid: str) -> Any:
            if (refused := await self._gate("v2", "2024-08-13")) is not None:
                return refused
            body = await request.get_json(silent=True) or {}
            booking = self.bookings.get(uid)
            if booking is None:
                return _v2_error(404, "NotFoundException", f"Booking with uid={uid} not found")
            booking.status, booking.cancellation_reason = (
                "cancelled",
                body.get("cancellationReason"),
            )
            return {"status": "success", "data": self._v2_booking(booking)}

    def _v2_booking(self, booking: FakeBooking) -> dict[str, Any]:
        data = copy.deepcopy(load("v2_booking_create_response.json")["data"])
        person = booking.attendee
        url = f"https://app.cal.com/video/{booking.uid}"
        data.update(
            id=booking.id,
            uid=booking.uid,
            status=booking.status,
            start=utc_text(booking.start),
            end=utc_text(booking.end),
            duration=self.length_minutes,
            eventTypeId=self.event_type_id,
            meetingUrl=url,
            location=url,
            metadata=booking.metadata,
            description=booking.notes or "",
        )
        data["eventType"]["id"] = self.event_type_id
        data["attendees"] = [
            {
                "name": person.get("name"),
                "email": person.get("email"),
                "displayEmail": person.get("email"),
                "timeZone": person.get("timeZone"),
                "language": person.get("language", "en"),
                "absent": False,
            }
            | ({"phoneNumber": person["phoneNumber"]} if person.get("phoneNumber") else {})
        ]
        data["bookingFieldsResponses"] = {
            "name": person.get("name"),
            "email": person.get("email"),
            "attendeePhoneNumber": person.get("phoneNumber"),
            "guests": [],
        } | ({"notes": booking.notes} if booking.notes else {})
        for key, value in (
            ("rescheduledFromUid", booking.rescheduled_from),
            ("rescheduledToUid", booking.rescheduled_to),
            ("reschedulingReason", booking.rescheduling_reason),
            ("cancellationReason", booking.cancellation_reason),
        ):
            if value:
                data[key] = value
        return data

    # --- API v1 ---------------------------------------------------------------------------

    def _v1_routes(self, app: Quart) -> None:
        @app.get("/api/v1/slots")
        async def v1_slots() -> Any:
            if (refused := await self._gate("v1", None)) is not None:
                return refused
            if request.args.get("eventTypeId") != str(self.event_type_id):
                return {"message": "Event type not found"}, 404
            zone = ZoneInfo(request.args.get("timeZone", "UTC"))
            first = datetime.fromisoformat(request.args["startTime"])
            last = datetime.fromisoformat(request.args["endTime"])
            return {"slots": self._days(first, last, zone, "seconds", "time")}

        @app.post("/api/v1/bookings")
        async def v1_create() -> Any:
            if (refused := await self._gate("v1", None)) is not None:
                return refused
            body = await request.get_json()
            problem = _v1_invalid(body, self.event_type_id)
            if problem:
                return {"message": problem}, 400
            answers = body["responses"]
            attendee = {
                "name": answers["name"],
                "email": answers["email"],
                "timeZone": body["timeZone"],
                "language": body["language"],
                "phoneNumber": answers.get("attendeePhoneNumber"),
            }
            if body.get("rescheduleUid"):
                old = self.bookings.get(body["rescheduleUid"])
                if old is None or old.status == "cancelled":
                    return {"message": "Could not find original booking to reschedule"}, 400
                booking = self._reschedule(old, body["start"], answers.get("rescheduleReason"))
            else:
                booking = self._book(
                    body["start"], attendee, body["metadata"], answers.get("notes")
                )
            if booking is None:
                return {"message": SLOT_TAKEN_V1}, 400
            shown = self._v1_booking(booking)
            return {"booking": shown} if self.v1_wrapped else shown

        @app.get("/api/v1/bookings/<int:booking_id>")
        async def v1_get(booking_id: int) -> Any:
            if (refused := await self._gate("v1", None)) is not None:
                return refused
            booking = self._by_id(booking_id)
            if booking is None:
                return {"message": "Booking was not found"}, 404
            return {"booking": self._v1_booking(booking)}

        @app.delete("/api/v1/bookings/<int:booking_id>/cancel")
        async def v1_cancel(booking_id: int) -> Any:
            if (refused := await self._gate("v1", None)) is not None:
                return refused
            booking = self._by_id(booking_id)
            if booking is None:
                return {"message": "Booking not found"}, 400
            booking.status = "cancelled"
            booking.cancellation_reason = request.args.get("cancellationReason")
            return {
                "success": True,
                "message": "Booking successfully cancelled.",
                "onlyRemovedAttendee": False,
                "bookingId": booking.id,
                "bookingUid": booking.uid,
            }

    def _v1_booking(self, booking: FakeBooking) -> dict[str, Any]:
        data = copy.deepcopy(load("v1_booking_create_response.json"))
        person = booking.attendee
        url = f"https://app.cal.com/video/{booking.uid}"
        responses = {"name": person.get("name"), "email": person.get("email")}
        if person.get("phoneNumber"):
            responses["attendeePhoneNumber"] = person["phoneNumber"]
        data.update(
            id=booking.id,
            uid=booking.uid,
            eventTypeId=self.event_type_id,
            startTime=utc_text(booking.start),
            endTime=utc_text(booking.end),
            status=booking.status.upper(),
            responses=responses | ({"notes": booking.notes} if booking.notes else {}),
            description=booking.notes or "",
            metadata=booking.metadata | {"videoCallUrl": url},
            videoCallUrl=url,
            fromReschedule=booking.rescheduled_from,
            rescheduled=True if booking.rescheduled_to else None,
            cancellationReason=booking.cancellation_reason,
        )
        data["attendees"] = [
            {
                "id": booking.id + 4000,
                "email": person.get("email"),
                "name": person.get("name"),
                "timeZone": person.get("timeZone"),
                "phoneNumber": person.get("phoneNumber"),
                "locale": person.get("language"),
                "bookingId": booking.id,
                "noShow": False,
            }
        ]
        data["references"][0].update(uid=booking.uid, meetingId=booking.uid)
        data["references"][0]["meetingUrl"] = f"https://meetco.daily.co/{booking.uid}"
        return data

    # --- shared ---------------------------------------------------------------------------

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
                return _v2_error(401, "UnauthorizedException", "Invalid API Key")
            if request.headers.get("cal-api-version") != cal_version:
                return _v2_error(
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


def _v2_error(status: int, code: str, message: str) -> tuple[dict[str, Any], int]:
    """Cal.com v2's HttpExceptionFilter envelope."""
    body = {
        "status": "error",
        "timestamp": utc_text(datetime.now(UTC)),
        "path": request.full_path.rstrip("?"),
        "error": {"code": code, "message": message},
    }
    return body, status


def _bound(text: str, zone: ZoneInfo, end: bool) -> datetime:
    """A v2 `start`/`end`: a bare date means the whole day in the requested zone."""
    if "T" in text:
        return datetime.fromisoformat(text)
    day = datetime.fromisoformat(text).date()
    moment = datetime.combine(day + timedelta(days=1) if end else day, time.min, zone)
    return moment - timedelta(microseconds=1) if end else moment


def _v2_invalid(body: dict[str, Any], attendee: dict[str, Any]) -> str | None:
    if not isinstance(body.get("start"), str) or not body["start"].endswith("Z"):
        return "start must be an ISO 8601 date in UTC"
    if not attendee.get("name") or not attendee.get("timeZone"):
        return "attendee.name and attendee.timeZone are required"
    if not attendee.get("email") and not attendee.get("phoneNumber"):
        return "At least one contact method (email or phone number) must be provided"
    if attendee.get("phoneNumber") and not str(attendee["phoneNumber"]).startswith("+"):
        return "Invalid phone number format. Please use international format."
    if not all(isinstance(v, str) for v in (body.get("metadata") or {}).values()):
        return "Metadata must have string values"
    return None


def _v1_invalid(body: dict[str, Any], event_type_id: int) -> str | None:
    if body.get("eventTypeId") != event_type_id:
        return "Bad request, eventTypeId must be a number"
    answers = body.get("responses") or {}
    if not answers.get("name") or not answers.get("email"):
        return "responses.name and responses.email are required"
    if not body.get("timeZone") or not body.get("language") or not body.get("start"):
        return "start, timeZone and language are required"
    if not all(isinstance(v, str) for v in (body.get("metadata") or {}).values()):
        return "metadata values must be strings"
    return None
