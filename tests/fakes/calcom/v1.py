"""API v1 of the fake Cal.com, under /api/v1: its routes, the booking as v1 shows it (the
fixture with this booking's values written over it), and v1's validation."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from quart import Quart, request

from tests.fakes.calcom.bookings import SLOT_TAKEN_V1, FakeBooking, load, utc_text

if TYPE_CHECKING:
    from tests.fakes.calcom.fake import FakeCalcom


def routes(fake: FakeCalcom, app: Quart) -> None:
    """Serve API v1 of `fake` on `app`."""

    @app.get("/api/v1/slots")
    async def v1_slots() -> Any:
        if (refused := await fake._gate("v1", None)) is not None:
            return refused
        if request.args.get("eventTypeId") != str(fake.event_type_id):
            return {"message": "Event type not found"}, 404
        zone = ZoneInfo(request.args.get("timeZone", "UTC"))
        first = datetime.fromisoformat(request.args["startTime"])
        last = datetime.fromisoformat(request.args["endTime"])
        return {"slots": fake._days(first, last, zone, "seconds", "time")}

    @app.get("/api/v1/event-types")
    async def v1_event_types() -> Any:
        if (refused := await fake._gate("v1", None)) is not None:
            return refused
        return {"event_types": fake.event_types()}

    @app.post("/api/v1/bookings")
    async def v1_create() -> Any:
        if (refused := await fake._gate("v1", None)) is not None:
            return refused
        body = await request.get_json()
        problem = invalid(body, fake.event_type_id)
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
            old = fake.bookings.get(body["rescheduleUid"])
            if old is None or old.status == "cancelled":
                return {"message": "Could not find original booking to reschedule"}, 400
            booking = fake._reschedule(old, body["start"], answers.get("rescheduleReason"))
        else:
            booking = fake._book(body["start"], attendee, body["metadata"], answers.get("notes"))
        if booking is None:
            return {"message": SLOT_TAKEN_V1}, 400
        view = shown(fake, booking)
        return {"booking": view} if fake.v1_wrapped else view

    @app.get("/api/v1/bookings/<int:booking_id>")
    async def v1_get(booking_id: int) -> Any:
        if (refused := await fake._gate("v1", None)) is not None:
            return refused
        booking = fake._by_id(booking_id)
        if booking is None:
            return {"message": "Booking was not found"}, 404
        return {"booking": shown(fake, booking)}

    @app.delete("/api/v1/bookings/<int:booking_id>/cancel")
    async def v1_cancel(booking_id: int) -> Any:
        if (refused := await fake._gate("v1", None)) is not None:
            return refused
        booking = fake._by_id(booking_id)
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


def shown(fake: FakeCalcom, booking: FakeBooking) -> dict[str, Any]:
    """The booking as API v1 shows it."""
    data = copy.deepcopy(load("v1_booking_create_response.json"))
    person = booking.attendee
    url = f"https://app.cal.com/video/{booking.uid}"
    responses = {"name": person.get("name"), "email": person.get("email")}
    if person.get("phoneNumber"):
        responses["attendeePhoneNumber"] = person["phoneNumber"]
    data.update(
        id=booking.id,
        uid=booking.uid,
        eventTypeId=fake.event_type_id,
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


def invalid(body: dict[str, Any], event_type_id: int) -> str | None:
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
