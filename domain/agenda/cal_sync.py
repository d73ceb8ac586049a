"""Applying Cal.com webhook deliveries to appointments (G2), once each."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from domain.agenda import attendance, reminders, store
from domain.agenda.cal_events import APPLIED, Booking, CalEvent
from domain.agenda.reminders import ReminderPolicy
from domain.conversations.contacts import upsert_contact
from domain.feedback import followups
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
    handler = HANDLERS.get(event.trigger)
    if handler is None or event.booking is None:  # not ours to apply: nothing is kept
        return "ignored"
    if not await store.first_delivery(conn, event.trigger, event.uid, event.created):
        return "duplicate"
    return str(await handler(conn, event, policy))


async def _booked(conn: AsyncConnection, values: dict[str, Any], policy: ReminderPolicy) -> int:
    appointment_id = await store.upsert_booking(conn, values)
    if values["status"] in reminders.ACTIVE:
        await reminders.plan(
            conn, policy, appointment_id, values["start_at"], values["end_at"], datetime.now(UTC)
        )
    return appointment_id


def _booking(event: CalEvent) -> Booking:
    assert event.booking is not None  # apply_cal_event passes only events with one
    return event.booking


async def _created(conn: AsyncConnection, event: CalEvent, policy: ReminderPolicy) -> str:
    await _booked(conn, await _values(conn, event), policy)
    metrics.inc(APPOINTMENTS, source="calcom")
    return "created"


async def _rescheduled(conn: AsyncConnection, event: CalEvent, policy: ReminderPolicy) -> str:
    old = _booking(event).reschedule_uid
    previous = await store.by_uid(conn, old) if old else None
    if previous is not None:  # reminders before appointments, as the dispatcher locks them
        await reminders.drop_pending(
            conn, policy.company_id, previous.id, "moved", datetime.now(UTC)
        )
    values = await _values(conn, event)
    values["rescheduled_from_uid"] = old
    await _booked(conn, values, policy)
    if old:
        moved = await store.set_status(
            conn, old, "rescheduled", unless=("rescheduled",), rescheduled_to_uid=event.uid
        )
        if moved is not None:  # not when we moved it ourselves and Cal.com tells us back
            metrics.inc(RESCHEDULES)
    return "rescheduled"


async def _cancelled(conn: AsyncConnection, event: CalEvent, policy: ReminderPolicy) -> str:
    reason = _booking(event).cancellation_reason
    current = await store.by_uid(conn, event.uid)
    if current is not None:
        await reminders.drop_pending(
            conn, policy.company_id, current.id, "cancelled", datetime.now(UTC)
        )
    changed = await store.set_status(conn, event.uid, "cancelled", cancellation_reason=reason)
    if changed is None:  # a booking we never saw: keep it, cancelled
        values = await _values(conn, event)
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
        values = await _values(conn, event)
        await store.upsert_booking(conn, {**values, "status": "completed"})
        return "completed"
    if current.status == "confirmed" or current.checked_in_at is not None:
        await followups.hold(conn, policy.company_id, current.id)
        await store.set_status(conn, event.uid, "completed", unless=FINAL)
        # It happened: a follow-up dropped before anyone said so comes back.
        now = datetime.now(UTC)
        await followups.revive(conn, policy.company_id, current.id, current.start_at, now)
        return "completed"
    return "ended"


async def _no_show(conn: AsyncConnection, event: CalEvent, policy: ReminderPolicy) -> str:
    if not _booking(event).no_show:
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
assert set(HANDLERS) == APPLIED  # cal_events reads in full what these apply


async def _values(conn: AsyncConnection, event: CalEvent) -> dict[str, Any]:
    """The appointment's columns from the checked booking (a cancellation or an end of a
    booking we never saw may come without times: then it is placed now)."""
    booking = _booking(event)
    now = datetime.now(UTC)
    start = booking.start or now
    end = booking.end or start + timedelta(minutes=30)
    contact_id = None
    if booking.phones:
        contact_id = await upsert_contact(conn, booking.phones[0], booking.name, None, now)
    return {
        "cal_uid": booking.uid,
        "cal_booking_id": booking.booking_id,
        "contact_id": contact_id,
        "phone": booking.phones[0] if booking.phones else None,
        "name": booking.name,
        "email": booking.email,
        "title": booking.title,
        "event_type_id": booking.event_type_id,
        "start_at": start,
        "end_at": end,
        "status": CAL_STATUS.get(booking.status, "scheduled"),
        "source": "calcom",
        "meeting_url": booking.meeting_url,
        "payload": event.payload,
    }
