"""Scheduling by chat (G3, issue 14): free times over the next days, a few per day, numbered;
the customer picks a number or says what they want in their own words ("amanhã de manhã",
"quinta às 15h", "ver mais"); a time asked for in words is booked after a yes; the name is
asked when we do not know it; then the booking and its confirmation.

The times come only from the company's calendar (Cal.com or the local one, behind
`domain/agenda/calendars.py`): the model never proposes one. The flow's state lives in Redis
per company and contact with a timeout (domain/agenda/flow_state.py); the ways out of it are
in domain/agenda/escapes.py and applied by domain/agenda/responders.py. A booking is written
once per customer message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from domain.agenda.calendars import for_booking, is_simulated
from domain.agenda.choice import Wish, best_match, read_choice, read_wish
from domain.agenda.config import Agenda
from domain.agenda.flow_state import FlowState
from domain.agenda.models import Appointment
from domain.agenda.offers import by_day, for_wish
from domain.agenda.reminders import plan
from domain.agenda.shorthand import expand
from domain.agenda.store import booked_at, upsert_booking
from domain.agenda.wording import ASK_NAME, PICK_AGAIN, PICK_HELP, listing, when_text
from domain.conversations import contacts
from domain.db import TenantDatabase
from domain.integrations.calcom_payloads import CalcomError
from domain.observability.logging import get_logger
from domain.observability.metrics import APPOINTMENTS, metrics
from domain.secretary.chat_text import fold
from domain.secretary.names import first_name, read_name

log = get_logger(__name__)
# Days of free times asked of the calendar at least: enough for "semana que vem" and "ver mais".
SEARCH_DAYS = 14
MAX_SEARCH_DAYS = 62
MORE = re.compile(
    r"\b(ver mais|mais (opcoes|horarios|datas|dias)|outros (dias|horarios)|outras (datas|opcoes)"
    r"|proximos dias|tem mais)\b|^\s*mais\s*$"
)
YES = re.compile(
    r"^\s*(sim|s|pode|pode ser|pode marcar|confirmo|confirma|isso|ok|claro|certo|perfeito|"
    r"fechado|combinado|beleza|quero|yes)\b"
)
NO = re.compile(r"^\s*(nao|n|nem|melhor nao|outro)\b")
# "pro meu filho", "não é pra mim": the appointment is someone else's (on expanded text).
FOR_OTHER = re.compile(
    r"\bpara\s+(?:o\s+|a\s+)?(?:meu|minha|meus|minhas)\s+(?:filh|esposa|marido|mae|pai|avo|"
    r"net|sobrinh|irma|namorad|bebe|crianca|entead|sogr|tio|tia|primo|prima|amig)"
    r"|\bnao e para mim\b|\bpara outra pessoa\b"
)
# "tanto faz", "qualquer um", "o primeiro": any of the times offered will do.
ANY = re.compile(
    r"^\s*(?:tanto faz|qualquer (?:um|uma|horario|hora|dia)|pode ser qualquer|o primeiro|"
    r"o mais cedo|o que tiver|o que for melhor)\b"
)
ASK_PATIENT = "Para marcar, qual o nome completo de quem vai ser atendido?"
# "quero outro", "sim, mas à tarde": not a yes to the time asked.
BUT = re.compile(r"\b(outr[oa]s?|nao|mas|prefiro)\b")


@dataclass(frozen=True)
class Turn:
    body: str
    source: str = "agenda"


@dataclass(frozen=True)
class Picked:
    """A time the customer chose: `confirmed` when it was on the list (or already confirmed)."""

    start: datetime
    confirmed: bool


class BookingFlow:
    """The booking conversation. Its state (kind "schedule") is one of: "pick" (options
    offered), "confirm" (a time asked for in words, waiting for its yes), "name" (the time
    chosen, waiting for the customer's name)."""

    def __init__(self, state: FlowState, db: TenantDatabase) -> None:
        self.state = state
        self._db = db

    async def start(
        self, agenda: Agenda, phone: str, now: datetime, wish: Wish | None = None, text: str = ""
    ) -> Turn:
        """Offer free times over the next days (or those fitting `wish`) as numbered options;
        `text`, the request, may say the appointment is for someone else."""
        state: dict[str, Any] = {"kind": "schedule", "step": "pick", "options": []}
        if FOR_OTHER.search(expand(fold(text))):
            state["for_other"] = True
        turn = await self.offer(agenda, state, now, wish)
        if isinstance(turn, Turn):
            if state["options"] or state.get("slot"):
                await self.state.save(agenda.company_id, phone, state)
            return turn
        # The wished time itself is free: ask before booking it.
        state.update(step="confirm", slot=turn.start.isoformat())
        await self.state.save(agenda.company_id, phone, state)
        return Turn(confirm_text(turn.start, ZoneInfo(agenda.timezone)))

    async def offer(
        self,
        agenda: Agenda,
        state: dict[str, Any],
        now: datetime,
        wish: Wish | None = None,
        after: date | None = None,
        leave_out: datetime | None = None,
    ) -> Turn | Picked:
        """New options in `state` and the message offering them; for a wish whose exact time
        is free, that time (to confirm). `after`: only days after it ("ver mais")."""
        zone = ZoneInfo(agenda.timezone)
        today = now.astimezone(zone).date()
        try:
            free = await self.free_slots(agenda, now, _last_day(agenda, today, wish, after))
        except CalcomError as error:
            log.warning("agenda_unavailable", kind=error.kind, company_id=agenda.company_id)
            return Turn(
                "Não consegui acessar a agenda agora. Vou pedir para a equipe confirmar um "
                "horário com você por aqui.",
                "agenda_error",
            )
        free = [s for s in free if s != leave_out]
        if after is not None:
            free = [s for s in free if s.astimezone(zone).date() > after]
        log.info("agenda_availability_success", company_id=agenda.company_id, slots=len(free))
        if wish is not None and not wish.empty:
            found = for_wish(wish, free, zone, today)
            if found.exact is not None:
                return Picked(found.exact, confirmed=False)
            note, options = found.note, found.options
        else:
            options = by_day([s.astimezone(zone) for s in free])
            note = "Tenho estes horários livres:" if after is None else "Mais horários livres:"
        state["options"] = [s.isoformat() for s in options]
        state["step"] = "pick"
        state["day"] = _one_day(options, wish)
        state["shown"] = max([*(o.date() for o in options), after or today]).isoformat()
        if not options:
            return Turn(
                f"{note} No momento não há outros horários livres nos próximos dias. "
                "A equipe vai falar com você para encontrar uma data."
                if wish is not None or after is not None
                else "No momento não há horários livres nos próximos dias. "
                "A equipe vai falar com você para encontrar uma data."
            )
        # The whole how-to once per flow; after that a reminder (the walk found every list
        # repeating the same two lines).
        how = PICK_AGAIN if state.get("helped") else PICK_HELP
        state["helped"] = True
        return Turn(f"{note}\n{listing(options, zone)}\n{how}")

    async def pick(
        self, agenda: Agenda, state: dict[str, Any], text: str, now: datetime
    ) -> Turn | Picked | None:
        """Read the customer's choice among the options: the time picked, a new offer (a wish
        off the list, "ver mais"), or None when the text is not a choice."""
        zone = ZoneInfo(agenda.timezone)
        local_now = now.astimezone(zone)
        options = [datetime.fromisoformat(s).astimezone(zone) for s in state.get("options", [])]
        plain = expand(fold(text))
        choice = read_choice(text, len(options), local_now)
        if isinstance(choice, int):
            return Picked(options[choice], confirmed=True)
        if choice is None:
            if ANY.match(plain) and options:  # "tanto faz": the earliest time offered
                return Picked(min(options), confirmed=False)
            if MORE.search(plain):
                return await self.offer(
                    agenda, state, now, after=_last_shown(state, zone, local_now.date())
                )
            return None
        if choice.day is None and choice.span is None and state.get("day"):
            # "às 22h" right after the Saturday's times: still Saturday.
            choice = replace(choice, day=date.fromisoformat(state["day"]))
        # An exact time on the list is that option; a day or period shows its free times.
        on_list = best_match(choice, options) if choice.at is not None else None
        if on_list is not None:
            return Picked(options[on_list], confirmed=True)
        return await self.offer(agenda, state, now, choice)

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
        """The customer's reply in the flow; None when it cannot be placed (see
        domain/agenda/escapes.py for what then happens)."""
        step = state.get("step", "pick")
        plain = expand(fold(text))
        zone = ZoneInfo(agenda.timezone)
        if FOR_OTHER.search(plain):
            state["for_other"] = True
        if step == "name":
            told = read_name(text)
            if told is None:
                return None
            if not state.get("for_other"):  # a child's name is not the parent's
                async with self._db.transaction() as conn:
                    await contacts.remember_name(conn, phone, told)
            start = datetime.fromisoformat(state["slot"])
            other = bool(state.get("for_other"))
            return await self._book_turn(agenda, start, phone, told, message_id, now, other)
        if step == "confirm":
            start = datetime.fromisoformat(state["slot"])
            if YES.match(plain) and not BUT.search(plain) and "?" not in text:
                return await self._chosen(agenda, state, start, phone, name, message_id, now)
            if NO.match(plain) and read_wish(text, now.astimezone(zone)).empty:
                state.update(step="pick")
                await self.state.save(agenda.company_id, phone, state)
                return Turn(
                    "Tudo bem, não marquei. Diga outro dia ou horário que prefere, ou escreva "
                    '"ver mais" para ver outros horários livres.'
                )
        picked = await self.pick(agenda, state, text, now)
        if picked is None:
            return None
        if isinstance(picked, Turn):  # a new offer: the flow goes on with it, if it has any
            if state["options"]:
                await self.state.save(agenda.company_id, phone, {**state, "misses": 0})
            else:
                await self.state.forget(agenda.company_id, phone)
            return picked
        if not picked.confirmed:
            state.update(step="confirm", slot=picked.start.isoformat(), misses=0)
            await self.state.save(agenda.company_id, phone, state)
            return Turn(confirm_text(picked.start, zone))
        return await self._chosen(agenda, state, picked.start, phone, name, message_id, now)

    async def _chosen(
        self,
        agenda: Agenda,
        state: dict[str, Any],
        start: datetime,
        phone: str,
        name: str | None,
        message_id: int,
        now: datetime,
    ) -> Turn:
        """A time is chosen and confirmed: book it, once the customer's name is known."""
        if name is None or state.get("for_other"):
            state.update(step="name", slot=start.isoformat(), misses=0)
            await self.state.save(agenda.company_id, phone, state)
            return Turn(ASK_PATIENT if state.get("for_other") else ASK_NAME)
        return await self._book_turn(agenda, start, phone, name, message_id, now)

    async def _book_turn(
        self,
        agenda: Agenda,
        start: datetime,
        phone: str,
        name: str,
        message_id: int,
        now: datetime,
        for_other: bool = False,
    ) -> Turn:
        zone = ZoneInfo(agenda.timezone)
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
                    turn = await self.start(agenda, phone, now)
                    return Turn("Esse horário acabou de ser ocupado. " + turn.body, turn.source)
                booked = found
            else:
                await self.state.forget(agenda.company_id, phone)
                return Turn(
                    "Não consegui acessar a agenda para confirmar. Vou pedir para a equipe "
                    "confirmar esse horário com você.",
                    "agenda_error",
                )
        await self.state.forget(agenda.company_id, phone)
        if not is_simulated(phone):
            metrics.inc(APPOINTMENTS, source="chat")
        log.info("agenda_booking_created", company_id=agenda.company_id, appointment=booked)
        link = f"\nLink: {booked['meeting_url']}" if booked.get("meeting_url") else ""
        whose = (
            f"Pronto! O horário de {first_name(name)}"
            if for_other
            else f"Pronto, {first_name(name)}! Seu horário"
        )
        return Turn(
            f"{whose} na {agenda.company_name} está marcado para {when_text(start, zone)}.{link}"
            "\nSe precisar remarcar ou cancelar, é só me avisar."
        )

    async def _already_booked(
        self, agenda: Agenda, phone: str, start: datetime
    ) -> dict[str, Any] | None:
        async with self._db.reading() as conn:
            row = await booked_at(conn, phone, start)
        return dict(row._mapping) if row is not None else None

    async def free_slots(
        self, agenda: Agenda, now: datetime, last: date | None = None
    ) -> list[datetime]:
        """The calendar's free starts from today to `last` (else `days_ahead` days on), later
        than `now`."""
        first = now.astimezone(ZoneInfo(agenda.timezone)).date()
        last = last or first + timedelta(days=agenda.days_ahead)

        async def busy() -> list[tuple[datetime, datetime]]:
            async with self._db.reading() as conn:
                rows = await conn.execute(
                    select(Appointment.start_at, Appointment.end_at).where(
                        Appointment.start_at >= now - timedelta(days=1),
                        Appointment.status.in_(("pending", "scheduled", "confirmed")),
                        # A Simulador rehearsal holds no real time.
                        Appointment.simulated.is_(False),
                    )
                )
                return [(r.start_at, r.end_at) for r in rows]

        return await agenda.calendar.free_slots(first, last, now, busy)

    async def book(
        self, agenda: Agenda, start: datetime, phone: str, name: str | None, key: str
    ) -> dict[str, Any]:
        """Book `start` in the company's calendar and store the appointment; `key` (the
        message or request it comes from) keeps a retry from booking twice locally."""
        simulated = is_simulated(phone)
        booked = await for_booking(agenda.calendar, simulated).book(start, phone, name, key)
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
            "simulated": simulated,
        }
        async with self._db.transaction() as conn:
            appointment_id = await upsert_booking(conn, values)
            if not simulated:  # nobody to remind: the Simulador's customer is the operator
                await plan(
                    conn,
                    agenda.reminders,
                    appointment_id,
                    start,
                    values["end_at"],
                    datetime.now(UTC),
                )
        return values


def _one_day(options: list[datetime], wish: Wish | None) -> str | None:
    """The day the offer is about (all its times on it, or the day asked), for an hour said
    next without a day."""
    days = {o.date() for o in options}
    if len(days) == 1:
        return days.pop().isoformat()
    return wish.day.isoformat() if wish is not None and wish.day is not None else None


def _last_shown(state: dict[str, Any], zone: ZoneInfo, today: date) -> date:
    """The last day already shown or proposed: "ver mais" starts after it."""
    days = [datetime.fromisoformat(o).astimezone(zone).date() for o in state.get("options", [])]
    if state.get("slot"):
        days.append(datetime.fromisoformat(state["slot"]).astimezone(zone).date())
    if state.get("shown"):
        days.append(date.fromisoformat(state["shown"]))
    return max(days, default=today)


def confirm_text(start: datetime, zone: ZoneInfo) -> str:
    """The question before booking a time the customer asked for in words."""
    return f"Posso marcar {when_text(start, zone)}? (sim/não)"


def _last_day(agenda: Agenda, today: date, wish: Wish | None, after: date | None) -> date:
    """The last day to ask the calendar about: two weeks at least, more for a wish or a "ver
    mais" further on (never beyond two months)."""
    last = today + timedelta(days=max(agenda.days_ahead, SEARCH_DAYS))
    # A week past the day asked: when it is closed, the nearest open days after it are known.
    wanted = [
        d + timedelta(days=7) for d in (wish and wish.day, wish and wish.span and wish.span[1]) if d
    ]
    if after is not None:
        wanted.append(after + timedelta(days=7))
    return min(max([last, *wanted]), today + timedelta(days=MAX_SEARCH_DAYS))
