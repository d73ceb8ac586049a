"""Answers to a reminder or to a no-show message (G5, G6).

After a reminder, "1", "sim", "confirmo", "pode confirmar" confirm the appointment; "2",
"remarcar", "não vou poder" start the reschedule flow with fresh availability. After a no-show
message, "sim" offers new times. Only short answers count, and only when such a message went
out recently: anything else is an ordinary message for the secretary. A bare "1", "2", "sim"
or "ok" answers the last thing the customer was shown: once the secretary has since shown a
menu, a list or a question of its own, only words that say so ("confirmo", "remarcar") still
answer the reminder.
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
from domain.conversations import store as conversations
from domain.db import TenantDatabase
from domain.secretary.chat_text import fold

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
# Answers that say what they answer, whatever the secretary said since the reminder.
_EXPLICIT = re.compile(r"confirm|presenca|estarei|remarc|reagend|nao vou|nao poss|nao consig|outr")
# A later message of ours that asks something: a numbered list or a question.
_ASKS = re.compile(r"(?:^|\n)\s*1\.\s|\?\s*\S{0,3}\s*$")
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

    async def answer(
        self, agenda: Agenda, text: str, phone: str, now: datetime, inbound: Any | None = None
    ) -> Turn | None:
        """The reply when `text` (the stored `inbound` message) answers a recent reminder or
        no-show message; else None."""
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
            if _EXPLICIT.search(words) is None and await _asked_since(conn, inbound):
                return None  # "2" now picks from the menu or list shown last, not the reminder
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


async def _asked_since(conn: Any, inbound: Any | None) -> bool:
    """The secretary's last message before `inbound` is not a reminder and asks something."""
    if inbound is None or inbound.conversation_id is None:
        return False
    turns = await conversations.recent_turns(conn, inbound.conversation_id, inbound.id, 6)
    ours = [t for t in turns if t.direction == "outbound"]
    if not ours or ours[-1].source == "reminder":
        return False
    return _ASKS.search(ours[-1].body or "") is not None
