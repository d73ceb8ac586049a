"""API v2 of the fake Cal.com, under /v2: its routes, the booking as v2 shows it (the
fixture with this booking's values written over it), and v2's errors and validation."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from quart import Quart, request

from tests.fakes.calcom.bookings import SLOT_TAKEN_V2, FakeBooking, load, utc_text

if TYPE_CHECKING:
    from tests.fakes.calcom.fake import FakeCalcom


def routes(fake: FakeCalcom, app: Quart) -> None:
    """Serve API v2 of `fake` on `app`."""

    @app.get("/v2/slots")
    async def v2_slots() -> Any:
        if (refused := await fake._gate("v2", "2024-09-04")) is not None:
            return refused
        if request.args.get("eventTypeId") != str(fake.event_type_id):
            return error(404, "NotFoundException", "Event type not found")
        zone = ZoneInfo(request.args.get("timeZone", "UTC"))
        first = bound(request.args["start"], zone, end=False)
        last = bound(request.args["end"], zone, end=True)
        days = fake._days(first, last, zone, "milliseconds", "start")
        return {"status": "success", "data": days}

    @app.get("/v2/event-types")
    async def v2_event_types() -> Any:
        if (refused := await fake._gate("v2", "2024-06-14")) is not None:
            return refused
        return {"status": "success", "data": fake.event_types()}

    @app.post("/v2/bookings")
    async def v2_create() -> Any:
        if (refused := await fake._gate("v2", "2024-08-13")) is not None:
            return refused
        body = await request.get_json()
        if body.get("eventTypeId") != fake.event_type_id:
            return error(404, "NotFoundException", "Event type not found")
        attendee = body.get("attendee") or {}
        problem = invalid(body, attendee)
        if problem:
            return error(400, "BadRequestException", problem)
        notes = (body.get("bookingFieldsResponses") or {}).get("notes")
        booking = fake._book(body["start"], attendee, body.get("metadata") or {}, notes)
        if booking is None:
            return error(400, "BadRequestException", SLOT_TAKEN_V2)
        return {"status": "success", "data": shown(fake, booking)}, 201

    @app.get("/v2/bookings/<uid>")
    async def v2_get(uid: str) -> Any:
        if (refused := await fake._gate("v2", "2024-08-13")) is not None:
            return refused
        if uid not in fake.bookings:
            return error(404, "NotFoundException", f"Booking with uid={uid} not found")
        return {"status": "success", "data": shown(fake, fake.bookings[uid])}

    @app.post("/v2/bookings/<uid>/reschedule")
    async def v2_reschedule(uid: str) -> Any:
        if (refused := await fake._gate("v2", "2024-08-13")) is not None:
            return refused
        body = await request.get_json()
        old = fake.bookings.get(uid)
        if old is None:
            return error(404, "NotFoundException", f"Booking with uid={uid} not found")
        if old.status == "cancelled":
            return error(400, "BadRequestException", "cancelled booking")
        new = fake._reschedule(old, body.get("start"), body.get("reschedulingReason"))
        if new is None:
            return error(400, "BadRequestException", SLOT_TAKEN_V2)
        return {"status": "success", "data": shown(fake, new)}, 201

    @app.post("/v2/bookings/<uid>/cancel")
    async def v2_cancel(uid: str) -> Any:
        if (refused := await fake._gate("v2", "2024-08-13")) is not None:
            return refused
        body = await request.get_json(silent=True) or {}
        booking = fake.bookings.get(uid)
        if booking is None:
            return error(404, "NotFoundException", f"Booking with uid={uid} not found")
        booking.status, booking.cancellation_reason = (
            "cancelled",
            body.get("cancellationReason"),
        )
        return {"status": "success", "data": shown(fake, booking)}


def shown(fake: FakeCalcom, booking: FakeBooking) -> dict[str, Any]:
    """The booking as API v2 shows it."""
    data = copy.deepcopy(load("v2_booking_create_response.json")["data"])
    person = booking.attendee
    url = f"https://app.cal.com/video/{booking.uid}"
    data.update(
        id=booking.id,
        uid=booking.uid,
        status=booking.status,
        start=utc_text(booking.start),
        end=utc_text(booking.end),
        duration=fake.length_minutes,
        eventTypeId=fake.event_type_id,
        meetingUrl=url,
        location=url,
        metadata=booking.metadata,
        description=booking.notes or "",
    )
    data["eventType"]["id"] = fake.event_type_id
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


def error(status: int, code: str, message: str) -> tuple[dict[str, Any], int]:
    """Cal.com v2's HttpExceptionFilter envelope."""
    body = {
        "status": "error",
        "timestamp": utc_text(datetime.now(UTC)),
        "path": request.full_path.rstrip("?"),
        "error": {"code": code, "message": message},
    }
    return body, status


def bound(text: str, zone: ZoneInfo, end: bool) -> datetime:
    """A v2 `start`/`end`: a bare date means the whole day in the requested zone."""
    if "T" in text:
        return datetime.fromisoformat(text)
    day = datetime.fromisoformat(text).date()
    moment = datetime.combine(day + timedelta(days=1) if end else day, time.min, zone)
    return moment - timedelta(microseconds=1) if end else moment


def invalid(body: dict[str, Any], attendee: dict[str, Any]) -> str | None:
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
