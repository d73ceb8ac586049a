"""Applying Cal.com webhook deliveries to appointments (G2), once each."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from domain.agenda import attendance, reminders, store
from domain.agenda.cal_events import CalEvent, attendee, meeting_url, phones, when
from domain.agenda.reminders import ReminderPolicy
from domain.conversations.contacts import upsert_contact
from domain.observability.metrics import (
    APPOINTMENTS,
    APPOINTMENTS_CANCELLED,
    RESCHEDULES,
    metrics,
)

CAL_STATUS = {
    "ACCEPTED": "scheduled",
    "PENDING": "pending",
    "AWAITING_HOST": "pending",
    "CANCELLED": "cancelled",
    "REJECTED": "cancelled",
}
FINAL = ("cancelled", "no_show", "completed")


async def apply_cal_event(conn: AsyncConnection, event: CalEvent, policy: ReminderPolicy) -> str:
    """What the delivery did: pong | duplicate | created | rescheduled | cancelled |
    completed | no_show | ignored."""
    if event.trigger == "PING":
        return "pong"
    if not await store.first_delivery(conn, event.trigger, event.uid, event.created):
        return "duplicate"
    handler = HANDLERS.get(event.trigger)
    if handler is None or not event.uid:
        return "ignored"
    return str(await handler(conn, event, policy))


async def _booked(conn: AsyncConnection, values: dict[str, Any], policy: ReminderPolicy) -> int:
    appointment_id = await store.upsert_booking(conn, values)
    if values["status"] in reminders.ACTIVE:
        await reminders.plan(
            conn, policy, appointment_id, values["start_at"], values["end_at"], datetime.now(UTC)
        )
    return appointment_id


async def _created(conn: AsyncConnection, event: CalEvent, policy: ReminderPolicy) -> str:
    await _booked(conn, await _values(conn, event.payload, "calcom"), policy)
    metrics.inc(APPOINTMENTS, source="calcom")
    return "created"


async def _rescheduled(conn: AsyncConnection, event: CalEvent, policy: ReminderPolicy) -> str:
    old = event.payload.get("rescheduleUid")
    previous = await store.by_uid(conn, str(old)) if old else None
    if previous is not None:  # reminders before appointments, as the dispatcher locks them
        await reminders.drop_pending(
            conn, policy.company_id, previous.id, "moved", datetime.now(UTC)
        )
    values = await _values(conn, event.payload, "calcom")
    values["rescheduled_from_uid"] = old
    await _booked(conn, values, policy)
    if old:
        moved = await store.set_status(
            conn, str(old), "rescheduled", unless=("rescheduled",), rescheduled_to_uid=event.uid
        )
        if moved is not None:  # not when we moved it ourselves and Cal.com tells us back
            metrics.inc(RESCHEDULES)
    return "rescheduled"


async def _cancelled(conn: AsyncConnection, event: CalEvent, policy: ReminderPolicy) -> str:
    reason = event.payload.get("cancellationReason")
    current = await store.by_uid(conn, event.uid)
    if current is not None:
        await reminders.drop_pending(
            conn, policy.company_id, current.id, "cancelled", datetime.now(UTC)
        )
    changed = await store.set_status(conn, event.uid, "cancelled", cancellation_reason=reason)
    if changed is None:  # a booking we never saw: keep it, cancelled
        values = await _values(conn, event.payload, "calcom")
        await store.upsert_booking(
            conn, {**values, "status": "cancelled", "cancellation_reason": reason}
        )
    metrics.inc(APPOINTMENTS_CANCELLED)
    return "cancelled"


async def _ended(conn: AsyncConnection, event: CalEvent, policy: ReminderPolicy) -> str:
    """Cal.com says the meeting's time is over, not that anyone came: a confirmed or
    checked-in appointment is done; any other waits for the no-show check (G6)."""
    current = await store.by_uid(conn, event.uid)
    if current is None:  # booked before the webhook existed: nothing to judge it by
        values = await _values(conn, event.payload, "calcom")
        await store.upsert_booking(conn, {**values, "status": "completed"})
        return "completed"
    if current.status == "confirmed" or current.checked_in_at is not None:
        await store.set_status(conn, event.uid, "completed", unless=FINAL)
        return "completed"
    return "ended"


async def _no_show(conn: AsyncConnection, event: CalEvent, policy: ReminderPolicy) -> str:
    missed = any(
        a.get("noShow") for a in event.payload.get("attendees") or [] if isinstance(a, dict)
    )
    if not missed:
        return "ignored"
    current = await store.by_uid(conn, event.uid)
    if current is None:
        return "ignored"
    now = datetime.now(UTC)
    # Reminder row first (lock order), then the appointment; the offer of a new time goes out
    # with the next dispatch, once.
    await reminders.no_show_now(conn, policy.company_id, current.id, current.start_at, now)
    if await attendance.mark_no_show(conn, current.id, now, "Cal.com", "calcom"):
        attendance.count_no_shows()
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
