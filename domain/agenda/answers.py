"""Answers to a reminder or to a no-show message (G5, G6).

After a reminder, "1", "sim", "confirmo", "pode confirmar" confirm the appointment; "2",
"remarcar", "não vou poder" start the reschedule flow with fresh availability. After a no-show
message, "sim" offers new times. Only short answers count, and only when such a message went
out recently: anything else is an ordinary message for the secretary.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from domain.agenda import attendance, store
from domain.agenda.booking_flow import BookingFlow, Turn
from domain.agenda.change_flow import ChangeFlow
from domain.agenda.config import Agenda
from domain.agenda.wording import when_text
from domain.db import TenantDatabase
from domain.secretary.nlu import fold

# A confirmation is the whole message, made only of these (in any order): "Sim, estarei lá!"
# confirms, "Ok, pode cancelar" or "1 dúvida: posso levar meu filho?" does not.
_CONFIRM_WORDS = (
    r"1|sim|s|confirmo|confirmado|confirmada|confirmar|confirma|pode confirmar|"
    r"confirmar presenca|presenca confirmada|ok|certo|combinado|estarei (?:ai|la)|vou sim|"
    r"com certeza|claro|perfeito|beleza|obrigad[oa]|ate la|ate mais"
)
CONFIRM = re.compile(rf"^(?:(?:{_CONFIRM_WORDS})\b\s*)+$")
RESCHEDULE = re.compile(
    r"^2$|remarc|reagend|nao vou poder|nao poderei|nao posso|nao vou conseguir|"
    r"nao consigo ir|outro horario|outro dia|mudar (o )?horario|trocar (o )?horario"
)
_PUNCTUATION = re.compile(r"[^\w\s]")
# Longer than this, a message is a conversation, not an answer to a reminder.
MAX_ANSWER = 80
# A reminder's answer counts this long after it was sent; a no-show offer, this long.
REMINDER_WINDOW = timedelta(hours=48)
NO_SHOW_WINDOW = timedelta(days=3)


class ReminderAnswers:
    def __init__(self, db: TenantDatabase, booking: BookingFlow, change: ChangeFlow) -> None:
        self._db = db
        self._booking = booking
        self._change = change

    async def answer(self, agenda: Agenda, text: str, phone: str, now: datetime) -> Turn | None:
        """The reply when `text` answers a recent reminder or no-show message; else None."""
        plain = fold(text).strip()
        if not plain or len(plain) > MAX_ANSWER:
            return None
        words = " ".join(_PUNCTUATION.sub(" ", plain).split())
        wants_change = RESCHEDULE.search(words) is not None
        # A question is never a confirmation ("confirma o endereço?").
        agrees = not wants_change and "?" not in plain and CONFIRM.match(words) is not None
        if not (wants_change or agrees):
            return None
        async with self._db.reading() as conn:
            reminded = await store.next_for_phone(conn, phone, now, now - REMINDER_WINDOW)
            missed = (
                None if reminded else await store.missed_recently(conn, phone, now - NO_SHOW_WINDOW)
            )
        if reminded is not None:
            if wants_change:
                return await self._change.start(agenda, "reschedule", phone, now, reminded)
            return await self._confirm(agenda, reminded, now)
        if missed is not None and agrees:
            return await self._booking.start(agenda, phone, now)
        return None

    async def _confirm(self, agenda: Agenda, appointment: Any, now: datetime) -> Turn:
        zone = ZoneInfo(agenda.timezone)
        when = when_text(appointment.start_at, zone)
        async with self._db.transaction() as conn:
            changed = await attendance.confirm(conn, appointment.id, now, "cliente (WhatsApp)")
        if changed:
            attendance.count_confirmation()
            return Turn(f"Obrigada! Sua presença em {when} está confirmada. Até lá!")
        return Turn(f"Seu horário de {when} já está confirmado. Até lá!")
