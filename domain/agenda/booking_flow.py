"""Scheduling by chat (G3): offer numbered free slots, read the pick, book, confirm.

The slots come only from Cal.com (when the company configured it) or the local calendar:
the model never proposes a time. The flow's state (the options offered) lives in Redis per
company and contact with a timeout; a booking is written once per customer message.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.agenda.choice import best_match, read_choice
from domain.agenda.local_calendar import LocalCalendar
from domain.agenda.models import Appointment
from domain.agenda.reminders import ReminderPolicy, plan
from domain.agenda.store import booked_at, upsert_booking
from domain.agenda.wording import when_text
from domain.db import tenant_engine
from domain.integrations.calcom import CalcomClient, CalcomConfig, CalcomError
from domain.observability.logging import get_logger
from domain.observability.metrics import APPOINTMENTS, APPOINTMENTS_LATENCY, metrics
from domain.secretary.nlu import fold

log = get_logger(__name__)
STATE_TTL = 30 * 60
MAX_OPTIONS = 6
GIVE_UP = ("deixa", "desisto", "nao quero", "esquece", "cancelar agendamento")


@dataclass(frozen=True)
class Turn:
    body: str
    source: str = "agenda"


@dataclass(frozen=True)
class Agenda:
    """What the flow needs of one company."""

    company_id: int
    company_name: str
    timezone: str
    settings: dict[str, Any]
    cal: CalcomConfig | None  # None or not configured: the local calendar
    days_ahead: int
    reminders: ReminderPolicy


class BookingFlow:
    def __init__(
        self, redis: Any, namespace: str, engine: AsyncEngine, calcom: CalcomClient | None
    ) -> None:
        self._redis = redis
        self._ns = namespace
        self._engine = engine
        self._calcom = calcom

    def key(self, company_id: int, phone: str) -> str:
        return f"{self._ns}:agenda:flow:{company_id}:{phone}"

    async def remember(self, company_id: int, phone: str, state: dict[str, Any]) -> None:
        await self._redis.set(self.key(company_id, phone), orjson.dumps(state), ex=STATE_TTL)

    async def forget(self, company_id: int, phone: str) -> None:
        await self._redis.delete(self.key(company_id, phone))

    async def active(self, company_id: int, phone: str) -> dict[str, Any] | None:
        raw = await self._redis.get(self.key(company_id, phone))
        return orjson.loads(raw) if raw else None

    async def start(self, agenda: Agenda, phone: str, now: datetime) -> Turn:
        """Offer the next free slots as numbered options."""
        try:
            slots = await self.free_slots(agenda, now)
        except CalcomError as error:
            log.warning("agenda_unavailable", kind=error.kind, company_id=agenda.company_id)
            return Turn(
                "Não consegui acessar a agenda agora. Vou pedir para a equipe confirmar um "
                "horário com você por aqui.",
                "agenda_error",
            )
        if not slots:
            return Turn(
                f"No momento não há horários livres nos próximos {agenda.days_ahead} dias. "
                "A equipe vai falar com você para encontrar uma data."
            )
        options = slots[:MAX_OPTIONS]
        state = {"kind": "schedule", "options": [s.isoformat() for s in options]}
        await self._redis.set(self.key(agenda.company_id, phone), orjson.dumps(state), ex=STATE_TTL)
        log.info("agenda_availability_success", company_id=agenda.company_id, slots=len(slots))
        zone = ZoneInfo(agenda.timezone)
        lines = [f"{i}. {when_text(s, zone)}" for i, s in enumerate(options, start=1)]
        return Turn(
            "Tenho estes horários livres:\n" + "\n".join(lines) + "\nResponda com o número "
            'da opção ou diga o dia e a hora que prefere (por exemplo, "quinta às 15h").'
        )

    async def answer(
        self,
        agenda: Agenda,
        state: dict[str, Any],
        text: str,
        phone: str,
        name: str | None,
        message_id: int,
        now: datetime,
    ) -> Turn | None:
        """The customer's reply while options are open; None when the flow lets go (the
        customer gave up), so the secretary answers normally."""
        if any(word in fold(text) for word in GIVE_UP):
            await self._redis.delete(self.key(agenda.company_id, phone))
            return None
        options = [datetime.fromisoformat(s) for s in state["options"]]
        choice = read_choice(text, len(options), now)
        index = choice if isinstance(choice, int) or choice is None else best_match(choice, options)
        zone = ZoneInfo(agenda.timezone)
        if index is None:
            lines = [f"{i}. {when_text(s, zone)}" for i, s in enumerate(options, start=1)]
            return Turn(
                "Não encontrei esse horário entre os livres. As opções são:\n"
                + "\n".join(lines)
                + "\nResponda com o número da opção."
            )
        start = options[index]
        try:
            # A retried job (after a crash past the booking) finds the booking already made,
            # by our own insert or by Cal.com's BOOKING_CREATED webhook: no second booking.
            booked = await self._already_booked(agenda, phone, start) or await self.book(
                agenda, start, phone, name, key=f"message-{message_id}"
            )
        except CalcomError as error:
            log.warning("agenda_booking_failed", kind=error.kind, company_id=agenda.company_id)
            if error.kind == "conflict":
                # Taken, perhaps by our own earlier attempt whose answer was lost and whose
                # webhook has arrived since; else someone else took it: offer the others.
                found = await self._already_booked(agenda, phone, start)
                if found is None:
                    return await self.start(agenda, phone, now)
                booked = found
            else:
                return Turn(
                    "Não consegui acessar a agenda para confirmar. Vou pedir para a equipe "
                    "confirmar esse horário com você.",
                    "agenda_error",
                )
        await self._redis.delete(self.key(agenda.company_id, phone))
        metrics.inc(APPOINTMENTS, source="chat")
        log.info("agenda_booking_created", company_id=agenda.company_id, appointment=booked)
        link = f"\nLink: {booked['meeting_url']}" if booked.get("meeting_url") else ""
        return Turn(
            f"Pronto! Seu horário na {agenda.company_name} está marcado para "
            f"{when_text(start, zone)}.{link}\nSe precisar remarcar ou cancelar, é só me avisar."
        )

    async def _already_booked(
        self, agenda: Agenda, phone: str, start: datetime
    ) -> dict[str, Any] | None:
        async with tenant_engine(self._engine, agenda.company_id).connect() as conn:
            row = await booked_at(conn, phone, start)
        return dict(row._mapping) if row is not None else None

    async def free_slots(self, agenda: Agenda, now: datetime) -> list[datetime]:
        zone = ZoneInfo(agenda.timezone)
        first = now.astimezone(zone).date()
        last = first + timedelta(days=agenda.days_ahead)
        if agenda.cal is not None and agenda.cal.configured and self._calcom is not None:
            began = time.perf_counter()
            slots = await self._calcom.slots(agenda.cal, first, last, agenda.timezone)
            metrics.observe(APPOINTMENTS_LATENCY, time.perf_counter() - began)
            return [s.start for s in slots if s.start > now]
        calendar = LocalCalendar.from_settings(agenda.settings, agenda.timezone)
        async with tenant_engine(self._engine, agenda.company_id).connect() as conn:
            rows = await conn.execute(
                select(Appointment.start_at, Appointment.end_at).where(
                    Appointment.start_at >= now - timedelta(days=1),
                    Appointment.status.in_(("pending", "scheduled", "confirmed")),
                )
            )
            busy = [(r.start_at, r.end_at) for r in rows]
        return calendar.slots(first, last, busy, now)

    async def book(
        self, agenda: Agenda, start: datetime, phone: str, name: str | None, key: str
    ) -> dict[str, Any]:
        """Book `start` in Cal.com or the local calendar and store the appointment; `key`
        (the message or request it comes from) keeps a retry from booking twice locally."""
        values: dict[str, Any] = {
            "phone": phone,
            "name": name,
            "start_at": start,
            "status": "scheduled",
            "source": "chat" if key.startswith("message-") else "panel",
        }
        if agenda.cal is not None and agenda.cal.configured and self._calcom is not None:
            began = time.perf_counter()
            booking = await self._calcom.book(
                agenda.cal,
                start,
                name or "Cliente",
                None,
                phone,
                agenda.timezone,
                metadata={"origin": key},
            )
            metrics.observe(APPOINTMENTS_LATENCY, time.perf_counter() - began)
            values |= {
                "cal_uid": booking.uid,
                "cal_booking_id": booking.id,
                "end_at": booking.end or start + timedelta(minutes=30),
                "meeting_url": booking.meeting_url,
                "event_type_id": agenda.cal.event_type_id,
            }
        else:
            slot = LocalCalendar.from_settings(agenda.settings, agenda.timezone).slot
            # The local calendar's own id keeps a retried job from booking twice.
            values |= {"cal_uid": f"local-{agenda.company_id}-{key}", "end_at": start + slot}
        async with tenant_engine(self._engine, agenda.company_id).begin() as conn:
            appointment_id = await upsert_booking(conn, values)
            await plan(
                conn, agenda.reminders, appointment_id, start, values["end_at"], datetime.now(UTC)
            )
        return values
