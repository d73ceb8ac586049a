"""What a short answer means is what the secretary last said (walk report 3, 8, 16, 17): a
"sim" to its own offer to schedule books, a number after a reminder answers the menu shown
since, the customer is greeted once, and the offline secretary tells the local calendar's
opening hours and greets by a WhatsApp name with an emoji."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.agenda.models import Appointment, Reminder
from domain.conversations.models import Conversation
from domain.settings import Settings
from tests.support.agenda import Clinic
from tests.support.chat import MARIA, Chat
from tests.support.clock import on_the_hour
from tests.support.factories import MakeCompany, change
from tests.support.jobs import job_context


async def test_yes_to_the_offer_to_schedule_shows_free_times(client: Any, clinic: Clinic) -> None:
    chat = clinic.chat(client)
    hours = await chat.say("que horas vcs abrem")
    assert hours.endswith("Quer aproveitar e agendar um horário?")
    times = await chat.say("sim")
    assert "Tenho estes horários livres" in times and "Posso ajudar com:" not in times


async def test_no_to_the_offer_is_not_the_menu_again(client: Any, clinic: Clinic) -> None:
    chat = clinic.chat(client)
    await chat.say("qual o endereço?")
    reply = await chat.say("não, obrigada")
    assert "Tudo bem" in reply and "Posso ajudar com:" not in reply


async def test_a_number_after_a_reminder_answers_the_menu_shown_since(
    client: Any, clinic: Clinic
) -> None:
    chat = clinic.chat(client)
    chat.phone = MARIA
    await clinic.book(on_the_hour(), phone=MARIA)
    mine = (Reminder.kind == "24h", Reminder.company_id == clinic.id)
    await change(clinic.engine, Reminder, *mine, due_at=func.now())
    assert (await clinic.dispatch(datetime.now(UTC))).sent_kinds == {"24h": 1}
    assert "Seu horário atual é" in await chat.say("2")
    left = await chat.say("cancelar")
    assert "2. Informações sobre atendimento" in left
    info = await chat.say("2")
    assert "Seu horário atual é" not in info and "Nosso horário de atendimento" in info
    # Words that say what they answer still answer the reminder.
    assert "está confirmada" in await chat.say("confirmo")
    [row] = await clinic.rows(Appointment)
    assert row.status == "confirmed"


async def test_the_secretary_introduces_itself_once(client: Any, clinic: Clinic) -> None:
    chat = clinic.chat(client)
    first = await chat.say("oi")
    assert first.startswith("Olá, Maria!") and "secretária virtual" in first
    for words in ("blz", "isso pfv 👍", "qual o endereço?"):
        reply = await chat.say(words)
        assert "Olá" not in reply and "secretária virtual" not in reply, (words, reply)


async def test_the_demo_companys_offline_secretary_tells_its_calendars_hours_and_name(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    # The demo company books in the local calendar without saying so in its settings.
    made = await make_company("demo", domain="acme.example.com", secret="secret-acme")
    demo = made.company.id
    chat = Chat(client, engine, job_context(engine, settings), demo, name="Fernanda 🌸")
    reply = await chat.say("vcs atendem sabado?")
    assert reply.startswith("Olá, Fernanda!")
    assert "sáb, 08:00 às 12:00" in reply and "confirma por aqui" not in reply


async def test_yes_to_calling_a_person_hands_the_conversation_over(
    client: Any, clinic: Clinic
) -> None:
    chat = clinic.chat(client)
    honest = await chat.say("quanto custa a limpeza?")
    assert "Essa informação eu não tenho por aqui." in honest
    await chat.say("s")
    [conversation] = await clinic.rows(Conversation)
    assert conversation.status == "handoff"


async def test_a_day_asked_right_after_a_cancellation_is_asked_of_the_calendar(
    client: Any, clinic: Clinic
) -> None:
    """Re-walk 5: after "Se quiser marcar outro, é só me avisar", "e sexta?" got "Essa
    informação eu não tenho" and then a handoff; it is a day asked of the calendar."""
    chat = clinic.chat(client)
    chat.phone = MARIA
    await clinic.book(on_the_hour(), phone=MARIA)
    assert "Confirma o cancelamento?" in await chat.say("quero cancelar")
    done = await chat.say("sim")
    assert "marcar" in done
    times = await chat.say("e sexta de tarde?")
    assert "não tenho por aqui" not in times and re.search(r"\d\dh|\d\d:\d\d", times), times
