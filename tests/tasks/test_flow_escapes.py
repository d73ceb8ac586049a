"""No traps (issue 14): in every state of every agenda flow, "cancelar", "sair", "menu",
"voltar", a new request or two answers the flow cannot place end it with a helpful reply, and
its state is gone from Redis. A question is answered honestly and the flow goes on."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func

from domain.agenda.flow_state import FlowState
from domain.agenda.models import Appointment, Reminder
from tests.support.agenda import Clinic
from tests.support.chat import MARIA, Chat
from tests.support.clock import on_the_hour
from tests.support.factories import change

Reach = Callable[[Clinic, Chat], Awaitable[str]]


async def _reminded(clinic: Clinic, chat: Chat) -> None:
    """Maria has an appointment and got its reminder."""
    await clinic.book(on_the_hour(), phone=MARIA)
    mine = (Reminder.kind == "24h", Reminder.company_id == clinic.id)
    await change(clinic.engine, Reminder, *mine, due_at=func.now())
    assert (await clinic.dispatch(datetime.now(UTC))).sent_kinds == {"24h": 1}


async def booking_pick(clinic: Clinic, chat: Chat) -> str:
    return await chat.say("quero agendar")


async def booking_confirm(clinic: Clinic, chat: Chat) -> str:
    await chat.say("quero agendar")
    return await chat.say("o mais cedo possível")


async def booking_name(clinic: Clinic, chat: Chat) -> str:
    chat.name = None  # no WhatsApp name: the name is asked
    await chat.say("quero agendar")
    return await chat.say("1")


async def reschedule_pick(clinic: Clinic, chat: Chat) -> str:
    await _reminded(clinic, chat)
    return await chat.say("2")


async def reschedule_confirm(clinic: Clinic, chat: Chat) -> str:
    await _reminded(clinic, chat)
    await chat.say("2")
    return await chat.say("1")


async def cancel_confirm(clinic: Clinic, chat: Chat) -> str:
    await clinic.book(on_the_hour(), phone=MARIA)
    return await chat.say("quero cancelar")


STATES: dict[str, tuple[Reach, str, str]] = {
    # state: (how to get there, what the bot said there, its kind)
    "booking: choosing a time": (booking_pick, "Tenho estes horários livres", "schedule"),
    "booking: confirming": (booking_confirm, "Posso marcar", "schedule"),
    "booking: asking the name": (booking_name, "qual o seu nome completo?", "schedule"),
    "reschedule after a reminder": (reschedule_pick, "Seu horário atual é", "reschedule"),
    "reschedule: confirming": (reschedule_confirm, "Confirma a troca", "reschedule"),
    "cancel: confirming": (cancel_confirm, "Confirma o cancelamento?", "cancel"),
}
LEFT = "Posso ajudar com:"
ESCAPES: dict[str, tuple[list[str], str]] = {
    # escape: (what the customer writes, what the last reply must say)
    "cancelar": (["cancelar"], LEFT),
    "sair": (["sair"], LEFT),
    "menu": (["menu"], LEFT),
    "voltar": (["Voltar"], LEFT),
    "two answers it cannot place": (["xyz 123", "abc 456"], "não consegui entender"),
}


@pytest.mark.parametrize("escape", list(ESCAPES))
@pytest.mark.parametrize("state", list(STATES))
async def test_every_state_lets_go(client: Any, clinic: Clinic, state: str, escape: str) -> None:
    chat = clinic.chat(client)
    chat.phone = MARIA
    reach, said, kind = STATES[state]
    flows = FlowState(clinic.ctx["redis"], clinic.settings.redis_namespace)
    assert said in await reach(clinic, chat)
    assert (await flows.get(clinic.id, MARIA) or {}).get("kind") == kind
    before = [(r.status, r.start_at) for r in await clinic.rows(Appointment)]
    words, expected = ESCAPES[escape]
    replies = [await chat.say(w) for w in words]
    assert expected in replies[-1], replies
    assert await flows.get(clinic.id, MARIA) is None
    if escape == "two answers it cannot place":
        assert "Não" in replies[0]  # the first one only asks again
    # Leaving a flow never books, moves or cancels anything.
    assert [(r.status, r.start_at) for r in await clinic.rows(Appointment)] == before


NEW_REQUESTS = {
    "schedule": ("quero cancelar", "cancel"),
    "reschedule": ("quero cancelar a consulta", "cancel"),
    "cancel": ("na verdade quero agendar outro horário", "schedule"),
}


@pytest.mark.parametrize("state", list(STATES))
async def test_a_new_request_leaves_the_flow_for_its_own(
    client: Any, clinic: Clinic, state: str
) -> None:
    chat = clinic.chat(client)
    reach, _, kind = STATES[state]
    flows = FlowState(clinic.ctx["redis"], clinic.settings.redis_namespace)
    await reach(clinic, chat)
    words, new_kind = NEW_REQUESTS[kind]
    reply = await chat.say(words)
    now = await flows.get(clinic.id, MARIA)
    if new_kind == "cancel" and kind == "schedule":  # nothing booked: nothing to cancel
        assert "Não encontrei nenhum horário marcado" in reply and now is None
    else:
        assert now is not None and now["kind"] == new_kind, (reply, now)
    expected = {"cancel": "Confirma o cancelamento?", "schedule": "horários livres"}
    if now is not None:
        assert expected[new_kind] in reply


@pytest.mark.parametrize("state", ["booking: confirming", "reschedule: confirming"])
async def test_yes_and_no_are_understood_where_they_make_sense(
    client: Any, clinic: Clinic, state: str
) -> None:
    chat = clinic.chat(client)
    reach, _, _ = STATES[state]
    await reach(clinic, chat)
    reply = await chat.say("não")
    assert "não marquei" in reply or "mantive o seu horário" in reply


QUESTIONS = {
    # what the customer asks mid-flow: what the honest answer says
    "que horas vocês abrem?": "Nosso horário de atendimento: seg a sex",
    "vcs aceitam unimed?": "Essa informação eu não tenho por aqui.",
    "quanto custa?": "Essa informação eu não tenho por aqui.",
    "pq precisa do nome?": "Peço o seu nome só para deixar o horário reservado",
}
GOING_ON = {
    "schedule": "Continuamos o agendamento?",
    "reschedule": "Continuamos a remarcação?",
    "cancel": "Continuamos o cancelamento?",
}


@pytest.mark.parametrize("question", list(QUESTIONS))
@pytest.mark.parametrize("state", list(STATES))
async def test_a_question_is_answered_and_the_flow_goes_on(
    client: Any, clinic: Clinic, state: str, question: str
) -> None:
    chat = clinic.chat(client)
    chat.phone = MARIA
    reach, said, kind = STATES[state]
    flows = FlowState(clinic.ctx["redis"], clinic.settings.redis_namespace)
    assert said in await reach(clinic, chat)
    before = await flows.get(clinic.id, MARIA)
    reply = await chat.say(question)
    assert QUESTIONS[question] in reply, reply
    assert GOING_ON[kind] in reply and "Posso ajudar com:" not in reply, reply
    assert "Quer aproveitar e agendar" not in reply  # no offer of its own mid-flow
    assert await flows.get(clinic.id, MARIA) == before  # kept as it was, not a miss
