"""A customer with several appointments says which one to cancel or reschedule (walk defect
1): the list is numbered, and the reply is read by number, date, weekday or "dia N"; a day
named in the request itself picks that appointment at once."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.agenda.models import Appointment
from domain.agenda.wording import when_text
from domain.settings import Settings
from tests.support import factories, reads
from tests.support.chat import MARIA, Chat
from tests.support.factories import MakeCompany
from tests.tasks.test_booking_words import SP, open_every_day

WEEKDAY_WORDS = ("segunda", "terça", "quarta", "quinta", "sexta", "sábado", "domingo")


async def two_appointments(
    make_company: MakeCompany, engine: AsyncEngine, settings: Settings, client: Any
) -> tuple[int, Chat, datetime, datetime]:
    """Maria has one appointment in three days at 10:00 and one in two weeks at 16:20 (not
    on the same weekday)."""
    acme, chat = await open_every_day(make_company, engine, settings, client)
    today = datetime.now(SP).date()
    soon = datetime.combine(today + timedelta(days=3), time(10), SP)
    later = datetime.combine(today + timedelta(days=14), time(16, 20), SP)
    await factories.appointment(engine, acme, soon, cal_uid="local-soon", phone=MARIA)
    await factories.appointment(engine, acme, later, cal_uid="local-later", phone=MARIA)
    return acme, chat, soon, later


async def statuses(engine: AsyncEngine, acme: int) -> dict[str, str]:
    return {r.cal_uid: r.status for r in await reads.rows(engine, Appointment, tenant=acme)}


async def test_cancel_lists_the_appointments_and_cancels_the_one_chosen_by_number(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    acme, chat, soon, later = await two_appointments(make_company, engine, settings, client)
    asked = await chat.say("cancelar")
    assert "Você tem 2 horários marcados:" in asked, asked
    assert f"1. {when_text(soon, SP)}" in asked and f"2. {when_text(later, SP)}" in asked
    confirm = await chat.say("2")
    assert f"Você tem um horário em {when_text(later, SP)}. Confirma" in confirm
    assert "cancelado" in await chat.say("sim")
    assert await statuses(engine, acme) == {"local-soon": "scheduled", "local-later": "cancelled"}


async def test_a_day_named_in_the_request_or_the_answer_picks_that_appointment(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    acme, chat, soon, later = await two_appointments(make_company, engine, settings, client)
    weekday = WEEKDAY_WORDS[later.weekday()]
    asked = await chat.say(f"cancelar a de {weekday} dia {later:%d/%m}")
    assert f"Você tem um horário em {when_text(later, SP)}. Confirma" in asked, asked
    await chat.say("não")
    await chat.say("cancelar")
    first = await chat.say("1")
    assert when_text(soon, SP) in first
    # "no, the other one": not a "keep it", but a switch to the appointment named.
    switched = await chat.say(f"nao, quero cancelar a do dia {later.day}")
    assert f"Você tem um horário em {when_text(later, SP)}. Confirma" in switched, switched
    assert "cancelado" in await chat.say("sim")
    assert await statuses(engine, acme) == {"local-soon": "scheduled", "local-later": "cancelled"}


async def test_reschedule_asks_which_appointment_and_reads_a_weekday(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    acme, chat, _, later = await two_appointments(make_company, engine, settings, client)
    asked = await chat.say("quero remarcar")
    assert "Qual deles quer remarcar?" in asked, asked
    offer = await chat.say(f"a de {WEEKDAY_WORDS[later.weekday()]}")
    assert offer.startswith(f"Seu horário atual é {when_text(later, SP)}."), offer
    assert (await chat.say("1")).startswith("Confirma a troca de " + when_text(later, SP))
    assert (await chat.say("sim")).startswith("Remarcado!")
    assert (await statuses(engine, acme))["local-later"] == "rescheduled"
    assert (await statuses(engine, acme))["local-soon"] == "scheduled"
