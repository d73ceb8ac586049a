"""The agenda's responders in the secretary's chain (G3, G5, G6): a booking or change already
under way, an answer to a reminder or a no-show message, and a new request to schedule,
reschedule or cancel. They answer only for a company with a calendar; the offered times come
only from that calendar, never from the model."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.agenda.answers import ReminderAnswers
from domain.agenda.booking_flow import BookingFlow, Turn
from domain.agenda.change_flow import ChangeFlow
from domain.agenda.config import Agenda, agenda_for
from domain.agenda.flow_state import FlowState
from domain.db import TenantDatabase
from domain.integrations.calcom import CalcomClient
from domain.secretary.chain import PASS_TO_SECRETARY, Ask, PassToSecretary
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
    """The customer's reply while options are open or a change awaits its yes or no."""

    async def respond(self, ask: Ask) -> Composed | PassToSecretary | None:
        flows = self._flows(ask)
        if flows is None:
            return None
        state = await flows.booking.state.get(ask.company.id, ask.phone)
        if state is None:
            return None
        if state.get("kind") in ("reschedule", "cancel"):
            turn = await flows.change.answer(flows.agenda, state, ask.text, ask.phone, ask.now)
        else:
            turn = await flows.booking.answer(
                flows.agenda,
                state,
                ask.text,
                ask.phone,
                ask.context.contact_name,
                ask.context.inbound.id,
                ask.now,
            )
        # None: the customer gave up on the flow; the secretary itself answers them.
        return _composed(turn, ask) if turn is not None else PASS_TO_SECRETARY


class ReminderReplies(_AgendaResponder):
    """ "1", "sim", "remarcar" after a reminder; "sim" after a no-show message."""

    async def respond(self, ask: Ask) -> Composed | None:
        flows = self._flows(ask)
        if flows is None:
            return None
        answers = ReminderAnswers(flows.db, flows.booking, flows.change)
        turn = await answers.answer(flows.agenda, ask.text, ask.phone, ask.now)
        return _composed(turn, ask) if turn is not None else None


class SchedulingRequests(_AgendaResponder):
    """A new request to schedule, reschedule or cancel, by what the message is about."""

    async def respond(self, ask: Ask) -> Composed | None:
        intent = ask.analysis.intent
        if intent not in ("schedule", "reschedule", "cancel"):
            return None
        flows = self._flows(ask)
        if flows is None:
            return None
        if intent == "schedule":
            turn = await flows.booking.start(flows.agenda, ask.phone, ask.now)
        else:
            turn = await flows.change.start(flows.agenda, intent, ask.phone, ask.now)
        return _composed(turn, ask)
