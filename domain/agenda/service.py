"""Applying Cal.com webhook deliveries to appointments (G2), once each."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from domain.agenda import store
from domain.agenda.webhooks import CalEvent, attendee, meeting_url, phones, when
from domain.conversations.store import upsert_contact
from domain.observability.metrics import APPOINTMENTS, APPOINTMENTS_CANCELLED, metrics

CAL_STATUS = {
    "ACCEPTED": "scheduled",
    "PENDING": "pending",
    "AWAITING_HOST": "pending",
    "CANCELLED": "cancelled",
    "REJECTED": "cancelled",
}
FINAL = ("cancelled", "no_show", "completed")


async def apply_cal_event(conn: AsyncConnection, event: CalEvent) -> str:
    """What the delivery did: pong | duplicate | created | rescheduled | cancelled |
    completed | no_show | ignored."""
    if event.trigger == "PING":
        return "pong"
    if not await store.first_delivery(conn, event.trigger, event.uid, event.created):
        return "duplicate"
    handler = HANDLERS.get(event.trigger)
    if handler is None or not event.uid:
        return "ignored"
    return await handler(conn, event)


async def _created(conn: AsyncConnection, event: CalEvent) -> str:
    await store.upsert_booking(conn, await _values(conn, event.payload, "calcom"))
    metrics.inc(APPOINTMENTS, source="calcom")
    return "created"


async def _rescheduled(conn: AsyncConnection, event: CalEvent) -> str:
    old = event.payload.get("rescheduleUid")
    values = await _values(conn, event.payload, "calcom")
    values["rescheduled_from_uid"] = old
    await store.upsert_booking(conn, values)
    if old:
        await store.set_status(conn, str(old), "rescheduled", rescheduled_to_uid=event.uid)
    return "rescheduled"


async def _cancelled(conn: AsyncConnection, event: CalEvent) -> str:
    reason = event.payload.get("cancellationReason")
    changed = await store.set_status(conn, event.uid, "cancelled", cancellation_reason=reason)
    if changed is None:  # a booking we never saw: keep it, cancelled
        values = await _values(conn, event.payload, "calcom")
        await store.upsert_booking(
            conn, {**values, "status": "cancelled", "cancellation_reason": reason}
        )
    metrics.inc(APPOINTMENTS_CANCELLED)
    return "cancelled"


async def _ended(conn: AsyncConnection, event: CalEvent) -> str:
    if await store.by_uid(conn, event.uid) is None:  # booked before the webhook existed
        values = await _values(conn, event.payload, "calcom")
        await store.upsert_booking(conn, {**values, "status": "completed"})
        return "completed"
    await store.set_status(conn, event.uid, "completed", unless=FINAL)
    return "completed"


async def _no_show(conn: AsyncConnection, event: CalEvent) -> str:
    missed = any(
        a.get("noShow") for a in event.payload.get("attendees") or [] if isinstance(a, dict)
    )
    if not missed:
        return "ignored"
    await store.set_status(conn, event.uid, "no_show", unless=("cancelled",))
    return "no_show"


HANDLERS: dict[str, Any] = {
    "BOOKING_CREATED": _created,
    "BOOKING_REQUESTED": _created,
    "BOOKING_RESCHEDULED": _rescheduled,
    "BOOKING_CANCELLED": _cancelled,
    "BOOKING_REJECTED": _cancelled,
    "MEETING_ENDED": _ended,
    "BOOKING_NO_SHOW_UPDATED": _no_show,
}


async def _values(conn: AsyncConnection, payload: dict[str, Any], source: str) -> dict[str, Any]:
    start = when(payload, "startTime") or datetime.now(UTC)
    end = when(payload, "endTime") or start + timedelta(minutes=int(payload.get("length") or 30))
    name, email = attendee(payload)
    numbers = phones(payload)
    contact_id = None
    if numbers:
        contact_id = await upsert_contact(conn, numbers[0], name, None, datetime.now(UTC))
    return {
        "cal_uid": str(payload.get("uid")),
        "cal_booking_id": payload.get("bookingId"),
        "contact_id": contact_id,
        "phone": numbers[0] if numbers else None,
        "name": name,
        "email": email,
        "title": payload.get("title"),
        "event_type_id": payload.get("eventTypeId"),
        "start_at": start,
        "end_at": end,
        "status": CAL_STATUS.get(str(payload.get("status") or "ACCEPTED"), "scheduled"),
        "source": source,
        "meeting_url": meeting_url(payload),
        "payload": payload,
    }
