"""The agenda's responders in the secretary's chain (G3, G5, G6): a booking or change already
under way, an answer to a reminder or a no-show message, and a new request to schedule,
reschedule or cancel. They answer only for a company with a calendar; the offered times come
only from that calendar, never from the model."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.agenda import escapes
from domain.agenda.answers import ReminderAnswers
from domain.agenda.booking_flow import BookingFlow, Turn
from domain.agenda.change_flow import ChangeFlow
from domain.agenda.choice import Wish, read_wish
from domain.agenda.config import Agenda, agenda_for
from domain.agenda.flow_state import FlowState
from domain.agenda.wording import again_text, left_text, stuck_text
from domain.db import TenantDatabase
from domain.integrations.calcom import CalcomClient
from domain.secretary.chain import Ask, PassToSecretary
from domain.secretary.chat_text import fold
from domain.secretary.names import read_name
from domain.secretary.nlu import QUESTIONS
from domain.secretary.offered import agrees, offered
from domain.secretary.offline import MENU_SCHEDULE
from domain.secretary.replies import Composed
from domain.settings import Settings


@dataclass(frozen=True)
class AgendaDeps:
    """What the agenda's responders need of the process."""

    engine: AsyncEngine
    redis: Redis
    settings: Settings
    calcom: CalcomClient | None


@dataclass(frozen=True)
class _Flows:
    agenda: Agenda
    booking: BookingFlow
    change: ChangeFlow
    db: TenantDatabase


class _AgendaResponder:
    always = False

    def __init__(self, deps: AgendaDeps) -> None:
        self._deps = deps

    def _flows(self, ask: Ask) -> _Flows | None:
        """The company's calendar and flows; None without a calendar or a text to read."""
        deps = self._deps
        agenda = agenda_for(ask.company, deps.settings, deps.calcom)
        if agenda is None or not ask.text:
            return None
        db = TenantDatabase(deps.engine, ask.company.id)
        booking = BookingFlow(FlowState(deps.redis, deps.settings.redis_namespace), db)
        return _Flows(agenda, booking, ChangeFlow(booking, db), db)


def _composed(turn: Turn, ask: Ask) -> Composed:
    return Composed(turn.body, turn.source, analysis=ask.analysis)


class FlowInProgress(_AgendaResponder):
    """The customer's reply while options are open or a change awaits its yes or no; every
    way out of the flow (domain/agenda/escapes.py) is honoured here, in every state."""

    async def respond(self, ask: Ask) -> Composed | PassToSecretary | None:
        flows = self._flows(ask)
        if flows is None:
            return None
        state = await flows.booking.state.get(ask.company.id, ask.phone)
        if state is None:
            return None
        kind = str(state.get("kind", "schedule"))
        company, phone = ask.company.id, ask.phone
        if escapes.wants_out(ask.text):
            await flows.booking.state.forget(company, phone)
            return _composed(Turn(left_text(kind, state, flows.agenda.timezone)), ask)
        naming = state.get("step") == "name" and read_name(ask.text) is not None
        if (
            escapes.new_request(ask.analysis.intent, kind)
            and ask.analysis.confidence >= SURE
            and not naming  # "Pedro Cancela Souza" is a name, not a cancellation
        ):
            await flows.booking.state.forget(company, phone)
            return None  # handled as if no flow were open: the next responders take it
        turn = await self._answer(flows, state, ask)
        if turn is not None:
            return _composed(turn, ask)
        if ask.analysis.intent == kind:  # "quero agendar" again: a fresh start
            await flows.booking.state.forget(company, phone)
            return None
        if escapes.is_question(ask.text):
            # The secretary answers it (honestly: "não sei" too) and the flow goes on.
            return PassToSecretary(resume=escapes.resume_text(state))
        if int(state.get("misses") or 0) >= 1:
            await flows.booking.state.forget(company, phone)
            return _composed(Turn(stuck_text(kind)), ask)
        await flows.booking.state.save(company, phone, {**state, "misses": 1})
        return _composed(Turn(again_text(state, flows.agenda.timezone)), ask)

    async def _answer(self, flows: _Flows, state: dict[str, Any], ask: Ask) -> Turn | None:
        if state.get("kind") in ("reschedule", "cancel"):
            return await flows.change.answer(flows.agenda, state, ask.text, ask.phone, ask.now)
        return await flows.booking.answer(
            flows.agenda,
            state,
            ask.text,
            ask.phone,
            ask.context.contact_name,
            ask.context.inbound.id,
            ask.now,
        )


class ReminderReplies(_AgendaResponder):
    """ "1", "sim", "remarcar" after a reminder; "sim" after a no-show message."""

    async def respond(self, ask: Ask) -> Composed | None:
        flows = self._flows(ask)
        if flows is None:
            return None
        answers = ReminderAnswers(flows.db, flows.booking, flows.change)
        turn = await answers.answer(flows.agenda, ask.text, ask.phone, ask.now, ask.context.inbound)
        return _composed(turn, ask) if turn is not None else None


class SchedulingRequests(_AgendaResponder):
    """A new request to schedule, reschedule or cancel, by what the message is about; a day
    or period written right after the secretary asked for one ("amanhã de manhã") or a "1"
    to its menu is a request to schedule too. A question asked with the request ("quanto
    custa? e tem horário sexta?") is answered first, the free times after it."""

    async def respond(self, ask: Ask) -> Composed | PassToSecretary | None:
        intent = ask.analysis.intent
        flows = self._flows(ask)
        if flows is None:
            return None
        local_now = ask.now.astimezone(ZoneInfo(flows.agenda.timezone))
        wish = read_wish(ask.text, local_now)
        if intent not in ("schedule", "reschedule", "cancel"):
            if not _asked_for_a_time(ask, wish):
                return None
            intent = "schedule"
        elif intent != "schedule" and ask.analysis.confidence < SURE and _invited(ask, wish):
            # "quinta de manhã" right after "Me diga o dia e o período": a day for the booking
            # the secretary asked about, though alone it reads a little like moving one.
            intent = "schedule"
        if intent == "schedule":
            chosen = None if wish.empty else wish
            turn = await flows.booking.start(
                flows.agenda, ask.phone, ask.now, chosen, text=ask.text
            )
        else:
            turn = await flows.change.start(flows.agenda, intent, ask.phone, ask.now, text=ask.text)
        if ask.analysis.second in QUESTIONS and turn.source == "agenda":
            return PassToSecretary(resume=turn.body)
        return _composed(turn, ask)


# Below this a change or cancel read from a bare day is not trusted over the conversation.
SURE = 0.8


def _invited(ask: Ask, wish: Wish) -> bool:
    """A day or time written right after the secretary asked for one to book."""
    said = [t for t in ask.context.history if t.role == "model"][-1:]
    last = fold(said[0].text) if said else ""
    return not wish.empty and any(w in last for w in ("me diga o dia", "agendar", "marcar"))


def _asked_for_a_time(ask: Ask, wish: Wish) -> bool:
    """The customer answers the secretary's own question: a day or period after "Me diga o
    dia e o período", "1" after the menu, or yes to its offer to schedule."""
    said = [t for t in ask.context.history if t.role == "model"][-1:]
    last = fold(said[0].text) if said else ""
    if said and offered(said[0].text) == "schedule" and agrees(ask.text):
        return True  # "Quer aproveitar e agendar um horário?" "sim"
    if not wish.empty:
        # Or the customer was talking about booking, or was just invited to ("Se quiser marcar
        # outro, é só me avisar"): "e dia 24/12?" or "domingo pode?" are asked of the
        # calendar, which answers, never the model.
        recent = [t.intent for t in ask.context.history if t.role == "user"][-2:]
        booking = any(intent in ("schedule", "reschedule", "cancel") for intent in recent)
        invited = any(word in last for word in ("me diga o dia", "agendar", "marcar"))
        return booking or invited
    return ask.text.strip() == "1" and MENU_SCHEDULE in last
