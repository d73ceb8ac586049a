"""One interface over the two calendars a company can book in (G1): its Cal.com, or the local
calendar built from its opening hours. `domain/agenda/config.py` chooses one per company; the
flows only ever talk to the interface, never to Cal.com or the opening hours directly.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from domain.agenda.opening_hours import OpeningHours
from domain.integrations.calcom import CalcomClient, CalcomConfig
from domain.observability.metrics import APPOINTMENTS_LATENCY, metrics

# Times already taken in our own agenda, read only when a calendar needs them.
Busy = Callable[[], Awaitable[Sequence[tuple[datetime, datetime]]]]
# Cal.com's default when a booking answer carries no end.
DEFAULT_LENGTH = timedelta(minutes=30)
LOCAL_PREFIX = "local-"
# What Cal.com records as the reason of a change, by who asked for it.
RESCHEDULED_BY_CHAT = "Remarcado pelo WhatsApp"
CANCELLED_BY_CHAT = "Cancelado pelo cliente via WhatsApp"
RESCHEDULED_BY_CLINIC = "Remarcado pela clínica"
CANCELLED_BY_CLINIC = "Cancelado pela clínica"


@dataclass(frozen=True)
class Booked:
    """What a calendar made of a booking: the appointment row takes these values."""

    uid: str
    booking_id: int | None
    end: datetime
    meeting_url: str | None = None
    event_type_id: int | None = None


class Calendar(Protocol):
    """Where a company's free times come from and where its bookings live."""

    async def free_slots(
        self, first: date, last: date, now: datetime, busy: Busy
    ) -> list[datetime]:
        """Free starts from `first` to `last` (inclusive), later than `now`."""
        ...

    async def book(self, start: datetime, phone: str, name: str | None, key: str) -> Booked:
        """Book `start`; `key` (the message or request it comes from) names the booking."""
        ...

    async def reschedule(
        self, appointment: Any, new_start: datetime, reason: str = RESCHEDULED_BY_CHAT
    ) -> Booked:
        """Move `appointment` (a row of ours): a new booking replacing the old one; `reason`
        is what the calendar records (and may tell the attendee)."""
        ...

    async def cancel(self, appointment: Any, reason: str = CANCELLED_BY_CHAT) -> None:
        """Cancel `appointment` in the calendar (our row is updated by the caller)."""
        ...


@dataclass(frozen=True)
class LocalCalendar:
    """The company's own opening hours; bookings exist only in our database."""

    company_id: int
    hours: OpeningHours

    async def free_slots(
        self, first: date, last: date, now: datetime, busy: Busy
    ) -> list[datetime]:
        return self.hours.slots(first, last, await busy(), now)

    async def book(self, start: datetime, phone: str, name: str | None, key: str) -> Booked:
        # The local calendar's own id keeps a retried job from booking twice.
        return Booked(f"{LOCAL_PREFIX}{self.company_id}-{key}", None, start + self.hours.slot)

    async def reschedule(
        self, appointment: Any, new_start: datetime, reason: str = RESCHEDULED_BY_CHAT
    ) -> Booked:
        length = appointment.end_at - appointment.start_at
        uid = f"{appointment.cal_uid}-r{int(new_start.timestamp())}"
        return Booked(uid, None, new_start + length)

    async def cancel(self, appointment: Any, reason: str = CANCELLED_BY_CHAT) -> None:
        return None  # nothing outside our database to tell


@dataclass(frozen=True)
class CalcomCalendar:
    """The company's Cal.com event type, through the one Cal.com client of the process."""

    client: CalcomClient
    config: CalcomConfig
    timezone: str  # the company's: the days asked for are the customer's days

    async def free_slots(
        self, first: date, last: date, now: datetime, busy: Busy
    ) -> list[datetime]:
        began = time.perf_counter()
        slots = await self.client.slots(self.config, first, last, self.timezone)
        metrics.observe(APPOINTMENTS_LATENCY, time.perf_counter() - began)
        return [s.start for s in slots if s.start > now]

    async def book(self, start: datetime, phone: str, name: str | None, key: str) -> Booked:
        began = time.perf_counter()
        booking = await self.client.book(
            self.config,
            start,
            name or "Cliente",
            None,
            phone,
            self.timezone,
            metadata={"origin": key},
        )
        metrics.observe(APPOINTMENTS_LATENCY, time.perf_counter() - began)
        return Booked(
            booking.uid,
            booking.id,
            booking.end or start + DEFAULT_LENGTH,
            booking.meeting_url,
            self.config.event_type_id,
        )

    async def reschedule(
        self, appointment: Any, new_start: datetime, reason: str = RESCHEDULED_BY_CHAT
    ) -> Booked:
        length = appointment.end_at - appointment.start_at
        if _local(appointment):  # booked before Cal.com was set up: it lives only here
            uid = f"{appointment.cal_uid}-r{int(new_start.timestamp())}"
            return Booked(uid, None, new_start + length)
        booking = await self.client.reschedule(
            self.config,
            appointment.cal_uid,
            new_start,
            reason,
            appointment.cal_booking_id,
        )
        return Booked(booking.uid, booking.id, booking.end or new_start + length)

    async def cancel(self, appointment: Any, reason: str = CANCELLED_BY_CHAT) -> None:
        if not _local(appointment):
            await self.client.cancel(
                self.config,
                appointment.cal_uid,
                reason,
                appointment.cal_booking_id,
            )


def _local(appointment: Any) -> bool:
    return str(appointment.cal_uid).startswith(LOCAL_PREFIX)


@dataclass(frozen=True)
class SimulatedCalendar:
    """The Simulador's bookings: the company's real free times (the rehearsal looks real), but
    a booking, a move or a cancellation exists only in our database, flagged `simulated`, so
    it never reaches Cal.com nor takes a real customer's time."""

    real: Calendar

    async def free_slots(
        self, first: date, last: date, now: datetime, busy: Busy
    ) -> list[datetime]:
        return await self.real.free_slots(first, last, now, busy)

    async def book(self, start: datetime, phone: str, name: str | None, key: str) -> Booked:
        # local-…: every Cal.com path (sync, reschedule, cancel) already leaves these alone.
        length = self.real.hours.slot if isinstance(self.real, LocalCalendar) else DEFAULT_LENGTH
        return Booked(f"{LOCAL_PREFIX}sim-{key}", None, start + length)

    async def reschedule(
        self, appointment: Any, new_start: datetime, reason: str = RESCHEDULED_BY_CHAT
    ) -> Booked:
        length = appointment.end_at - appointment.start_at
        return Booked(
            f"{appointment.cal_uid}-r{int(new_start.timestamp())}", None, new_start + length
        )

    async def cancel(self, appointment: Any, reason: str = CANCELLED_BY_CHAT) -> None:
        return None


def is_simulated(phone: str | None) -> bool:
    """A Simulador contact: its phone is "sim<user id>" (domain/conversations/simulator.py),
    never a number."""
    return bool(phone) and not str(phone).isdigit() and str(phone).startswith("sim")


def for_booking(calendar: Calendar, simulated: bool) -> Calendar:
    """The calendar a booking (or a change of one) of this customer goes to."""
    return SimulatedCalendar(calendar) if simulated else calendar
