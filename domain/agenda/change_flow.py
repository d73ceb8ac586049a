"""Rescheduling and cancelling by chat (G3), each with a confirmation step.

"Quero remarcar" offers fresh free slots for the contact's next appointment, then asks to
confirm the change; "quero cancelar" asks to confirm the cancellation. Cal.com bookings are
rescheduled (a new uid) or cancelled there first, through the company's calendar; the
appointments follow. The state shares the booking flow's Redis key and timeout.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from domain.agenda import reminders, store, which
from domain.agenda.booking_flow import BookingFlow, Turn
from domain.agenda.calendars import for_booking
from domain.agenda.choice import read_wish
from domain.agenda.config import Agenda
from domain.agenda.wording import day_text, when_text
from domain.db import TenantDatabase
from domain.integrations.calcom_payloads import CalcomError
from domain.observability.logging import get_logger
from domain.observability.metrics import APPOINTMENTS_CANCELLED, RESCHEDULES, metrics
from domain.operations.audit import record
from domain.secretary.chat_text import fold

log = get_logger(__name__)
YES = re.compile(
    r"^\s*(sim|s|confirmo|confirma|pode|isso|ok|claro|certo|perfeito|fechado|beleza|1)\b"
)
NO = re.compile(r"^\s*(nao|n|nem|2|melhor nao|deixa)\b")


class ChangeFlow:
    """Rescheduling (kind "reschedule": new times offered, then "Confirma a troca?") and
    cancelling (kind "cancel": "Confirma o cancelamento?")."""

    def __init__(self, booking: BookingFlow, db: TenantDatabase) -> None:
        self._booking = booking
        self._db = db

    async def start(
        self,
        agenda: Agenda,
        kind: str,
        phone: str,
        now: datetime,
        current: Any | None = None,
        text: str = "",
    ) -> Turn:
        """Ask to confirm a cancellation, or offer new times; about `current` (the appointment
        a reminder was about), else the one `text` names ("a do dia 15"), else the only one;
        with several and none named, ask which."""
        zone = ZoneInfo(agenda.timezone)
        if current is not None:
            return await self._begin(agenda, kind, phone, now, current.cal_uid, current.start_at)
        async with self._db.reading() as conn:
            rows = await store.upcoming_for_phone(conn, phone, now)
        if not rows:
            return Turn(
                "Não encontrei nenhum horário marcado para este número. Quer agendar um? "
                'É só escrever "quero agendar".'
            )
        choices = [(r.cal_uid, r.start_at.astimezone(zone)) for r in rows]
        local_now = now.astimezone(zone)
        found = which.named(text, choices, local_now)
        if found is not None and len(found) == 1:
            return await self._begin(agenda, kind, phone, now, *choices[found[0]])
        if len(choices) == 1 and found is None:
            return await self._begin(agenda, kind, phone, now, *choices[0])
        note = ""
        if found == []:  # a day with no appointment of theirs: say so, show the ones they have
            wanted = read_wish(text, local_now).day
            note = f"Não encontrei horário seu {'em ' + day_text(wanted) if wanted else 'assim'}. "
            if len(choices) == 1:
                note += f"Você tem um horário em {when_text(choices[0][1], zone)}."
                return Turn(note + ' Se é esse, escreva "quero cancelar" ou "quero remarcar".')
        await self._save(
            agenda,
            phone,
            {
                "kind": kind,
                "step": "which",
                "choices": [[uid, start.isoformat()] for uid, start in choices],
                "options": [],
            },
        )
        return Turn(note + which.numbered(choices, kind, zone))

    async def _begin(
        self, agenda: Agenda, kind: str, phone: str, now: datetime, uid: str, start: datetime
    ) -> Turn:
        """The appointment is known: ask to confirm its cancellation, or offer new times."""
        zone = ZoneInfo(agenda.timezone)
        state: dict[str, Any] = {
            "kind": kind,
            "uid": uid,
            "start": start.isoformat(),
            "options": [],
        }
        if kind == "cancel":
            await self._save(agenda, phone, state)
            return Turn(
                f"Você tem um horário em {when_text(start, zone)}. Confirma o "
                "cancelamento? Responda *sim* ou *não*."
            )
        offered = await self._booking.offer(agenda, state, now, leave_out=start)
        assert isinstance(offered, Turn)  # no wish: always a list
        if offered.source == "agenda_error":
            return Turn(
                "Não consegui acessar a agenda agora. Vou pedir para a equipe remarcar com você.",
                "agenda_error",
            )
        if state["options"]:
            await self._save(agenda, phone, state)
        return Turn(f"Seu horário atual é {when_text(start, zone)}. {offered.body}")

    async def _which(
        self, agenda: Agenda, state: dict[str, Any], text: str, phone: str, now: datetime
    ) -> Turn | None:
        """The reply to "Qual deles?": the appointment picked by number or day, or None."""
        zone = ZoneInfo(agenda.timezone)
        choices = [(uid, datetime.fromisoformat(s).astimezone(zone)) for uid, s in state["choices"]]
        picked = which.chosen(text, choices, now.astimezone(zone))
        if picked is None:
            if NO.match(fold(text)) and read_wish(text, now.astimezone(zone)).empty:
                await self._forget(agenda, phone)
                return Turn("Tudo certo, não mudei nada: seus horários continuam marcados.")
            return None
        return await self._begin(agenda, state["kind"], phone, now, *choices[picked])

    async def answer(
        self, agenda: Agenda, state: dict[str, Any], text: str, phone: str, now: datetime
    ) -> Turn | None:
        """The customer's reply; None when it cannot be placed (domain/agenda/escapes.py)."""
        zone = ZoneInfo(agenda.timezone)
        plain = fold(text)
        if state.get("step") == "which":
            return await self._which(agenda, state, text, phone, now)
        if "new" in state:  # reschedule: waiting for the yes/no on the chosen time
            return await self._confirm(agenda, state, text, plain, phone, now, zone)
        if state["kind"] == "cancel":
            asked = read_wish(text, now.astimezone(zone)).day
            if (
                asked is not None
                and asked != datetime.fromisoformat(state["start"]).astimezone(zone).date()
            ):
                # "não, quero cancelar a do dia 15": another appointment than the one asked.
                return await self.start(agenda, "cancel", phone, now, text=text)
            if YES.match(plain) and "?" not in text:
                await self.cancel(agenda, state["uid"])
                await self._forget(agenda, phone)
                return Turn(
                    "Pronto, seu horário foi cancelado. Se quiser marcar outro, é só me avisar."
                )
            if NO.match(plain):
                return await self.keep(agenda, state, phone)
            return None
        picked = await self._booking.pick(agenda, state, text, now)
        if picked is None:
            if NO.match(plain):
                return await self.keep(agenda, state, phone)
            return None
        if isinstance(picked, Turn):  # a new offer
            if state["options"]:
                await self._save(agenda, phone, {**state, "misses": 0})
            else:
                await self._forget(agenda, phone)
            return picked
        state.update(new=picked.start.isoformat(), misses=0)
        await self._save(agenda, phone, state)
        old = datetime.fromisoformat(state["start"])
        return Turn(
            f"Confirma a troca de {when_text(old, zone)} para {when_text(picked.start, zone)}? "
            "Responda *sim* ou *não*."
        )

    async def keep(self, agenda: Agenda, state: dict[str, Any], phone: str) -> Turn:
        """Leave the appointment as it is and close the flow."""
        await self._forget(agenda, phone)
        when = when_text(datetime.fromisoformat(state["start"]), ZoneInfo(agenda.timezone))
        return Turn(f"Tudo certo, mantive o seu horário de {when}.")

    async def _confirm(
        self,
        agenda: Agenda,
        state: dict[str, Any],
        text: str,
        plain: str,
        phone: str,
        now: datetime,
        zone: ZoneInfo,
    ) -> Turn | None:
        if NO.match(plain) and read_wish(text, now.astimezone(zone)).empty:
            return await self.keep(agenda, state, phone)
        if not YES.match(plain) or "?" in text:
            # Another time instead ("prefiro sexta às 10h"): back to choosing.
            rest = {k: v for k, v in state.items() if k != "new"}
            turn = await self.answer(agenda, rest, text, phone, now)
            return turn
        new = datetime.fromisoformat(state["new"])
        try:
            moved = await self.reschedule(agenda, state["uid"], new)
        except CalcomError as error:
            log.warning("agenda_reschedule_failed", kind=error.kind)
            await self._forget(agenda, phone)
            return Turn(
                "Não consegui remarcar na agenda. Vou pedir para a equipe falar com você.",
                "agenda_error",
            )
        await self._forget(agenda, phone)
        if not moved:  # erased or gone meanwhile: nothing left to move
            return Turn("Não encontrei mais esse horário. Quer agendar um novo?")
        return Turn(f"Remarcado! Seu novo horário é {when_text(new, zone)}.")

    async def cancel(self, agenda: Agenda, uid: str) -> None:
        """Cancel the booking `uid` in the calendar, then here, with its reminders."""
        async with self._db.reading() as conn:
            current = await store.by_uid(conn, uid)
        if current is not None:
            await for_booking(agenda.calendar, current.simulated).cancel(current)
        async with self._db.transaction() as conn:
            if current is not None:  # reminders first: the dispatcher locks them first too
                await reminders.drop_pending(
                    conn, agenda.company_id, current.id, "cancelled", datetime.now(UTC)
                )
            cancelled = await store.set_status(
                conn, uid, "cancelled", cancellation_reason="pedido pelo WhatsApp"
            )
            if cancelled is not None:
                await record(
                    conn,
                    actor="cliente (WhatsApp)",
                    action="appointment.cancelled",
                    entity="appointment",
                    entity_id=cancelled,
                    after={"status": "cancelled"},
                )
        metrics.inc(APPOINTMENTS_CANCELLED)

    async def reschedule(self, agenda: Agenda, uid: str, new: datetime) -> bool:
        """Move the booking `uid` to `new` in the calendar, then here (a new appointment with
        its own reminders); False when there is no such booking any more."""
        async with self._db.reading() as conn:
            old = await store.by_uid(conn, uid)
        if old is None:
            return False
        booked = await for_booking(agenda.calendar, old.simulated).reschedule(old, new)
        new_uid, booking_id, end = booked.uid, booked.booking_id, booked.end
        now = datetime.now(UTC)
        async with self._db.transaction() as conn:
            # The old time's reminders go first (the dispatcher locks reminders before
            # appointments too, so the two never deadlock); the new time gets its own.
            await reminders.drop_pending(conn, agenda.company_id, old.id, "moved", now)
            new_id = await store.upsert_booking(
                conn,
                {
                    "cal_uid": new_uid,
                    "cal_booking_id": booking_id,
                    "contact_id": old.contact_id,
                    "phone": old.phone,
                    "name": old.name,
                    "start_at": new,
                    "end_at": end,
                    "status": "scheduled",
                    "source": "chat",
                    "rescheduled_from_uid": uid,
                    "simulated": old.simulated,
                },
            )
            old_id = await store.set_status(conn, uid, "rescheduled", rescheduled_to_uid=new_uid)
            if not old.simulated:
                await reminders.plan(conn, agenda.reminders, new_id, new, end, now)
            await record(
                conn,
                actor="cliente (WhatsApp)",
                action="appointment.rescheduled",
                entity="appointment",
                entity_id=old_id,
                before={"uid": uid, "start": old.start_at.isoformat()},
                after={"uid": new_uid, "start": new.isoformat(), "appointment_id": new_id},
            )
        metrics.inc(RESCHEDULES)
        return True

    async def _save(self, agenda: Agenda, phone: str, state: dict[str, Any]) -> None:
        await self._booking.state.save(agenda.company_id, phone, state)

    async def _forget(self, agenda: Agenda, phone: str) -> None:
        await self._booking.state.forget(agenda.company_id, phone)
