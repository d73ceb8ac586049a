"""Scheduling by chat (G3): offer numbered free slots, read the pick, book, confirm.

The slots come only from the company's calendar (Cal.com or the local one, behind
`domain/agenda/calendars.py`): the model never proposes a time. The flow's state (the options
offered) lives in Redis per company and contact with a timeout; a booking is written once per
customer message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from domain.agenda.choice import best_match, read_choice
from domain.agenda.config import Agenda
from domain.agenda.flow_state import FlowState
from domain.agenda.models import Appointment
from domain.agenda.reminders import plan
from domain.agenda.store import booked_at, upsert_booking
from domain.agenda.wording import when_text
from domain.db import TenantDatabase
from domain.integrations.calcom_payloads import CalcomError
from domain.observability.logging import get_logger
from domain.observability.metrics import APPOINTMENTS, metrics
from domain.secretary.nlu import fold

log = get_logger(__name__)
MAX_OPTIONS = 6
GIVE_UP = ("deixa", "desisto", "nao quero", "esquece", "cancelar agendamento")


@dataclass(frozen=True)
class Turn:
    body: str
    source: str = "agenda"


class BookingFlow:
    def __init__(self, state: FlowState, db: TenantDatabase) -> None:
        self.state = state
        self._db = db

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
        await self.state.save(agenda.company_id, phone, state)
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
            await self.state.forget(agenda.company_id, phone)
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
        await self.state.forget(agenda.company_id, phone)
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
        async with self._db.reading() as conn:
            row = await booked_at(conn, phone, start)
        return dict(row._mapping) if row is not None else None

    async def free_slots(self, agenda: Agenda, now: datetime) -> list[datetime]:
        """The calendar's free starts from today to `days_ahead` days on, later than `now`."""
        first = now.astimezone(ZoneInfo(agenda.timezone)).date()
        last = first + timedelta(days=agenda.days_ahead)

        async def busy() -> list[tuple[datetime, datetime]]:
            async with self._db.reading() as conn:
                rows = await conn.execute(
                    select(Appointment.start_at, Appointment.end_at).where(
                        Appointment.start_at >= now - timedelta(days=1),
                        Appointment.status.in_(("pending", "scheduled", "confirmed")),
                    )
                )
                return [(r.start_at, r.end_at) for r in rows]

        return await agenda.calendar.free_slots(first, last, now, busy)

    async def book(
        self, agenda: Agenda, start: datetime, phone: str, name: str | None, key: str
    ) -> dict[str, Any]:
        """Book `start` in the company's calendar and store the appointment; `key` (the
        message or request it comes from) keeps a retry from booking twice locally."""
        booked = await agenda.calendar.book(start, phone, name, key)
        values: dict[str, Any] = {
            "phone": phone,
            "name": name,
            "start_at": start,
            "status": "scheduled",
            "source": "chat" if key.startswith("message-") else "panel",
            "cal_uid": booked.uid,
            "cal_booking_id": booked.booking_id,
            "end_at": booked.end,
            "meeting_url": booked.meeting_url,
            "event_type_id": booked.event_type_id,
        }
        async with self._db.transaction() as conn:
            appointment_id = await upsert_booking(conn, values)
            await plan(
                conn, agenda.reminders, appointment_id, start, values["end_at"], datetime.now(UTC)
            )
        return values
