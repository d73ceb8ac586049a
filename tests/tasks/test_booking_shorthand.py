"""Booking words the walk found unread (defects 4, 5, 6): WhatsApp shorthand ("semana q vem",
"amnh dps das 14hrs"), "ver mais" always moving on, the nearest open days around a closed
one, a bare hour keeping the day just shown, "8 e meia", "depois do almoço", "daqui 2
semanas", and a booking "pro meu filho" under the child's name. A local calendar open every
day 07:00-21:00 except Sundays and one holiday."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.agenda.models import Appointment
from domain.conversations.models import Contact
from domain.settings import Settings
from tests.support import reads
from tests.support.chat import Chat
from tests.support.factories import MakeCompany, configure
from tests.support.jobs import job_context
from tests.tasks.test_booking_words import SP, next_weekday, times

WEEK = ("mon", "tue", "wed", "thu", "fri", "sat")


def holiday(today: date) -> date:
    """A Wednesday two to three weeks ahead, closed."""
    return next_weekday(today + timedelta(days=14), 2)


async def clinic(
    make_company: MakeCompany,
    engine: AsyncEngine,
    settings: Settings,
    client: Any,
    name: str | None = "Maria Souza",
) -> tuple[int, Chat, date]:
    today = datetime.now(SP).date()
    acme = (await make_company("acme")).company.id
    hours = {key: ["07:00-21:00"] for key in WEEK} | {"sun": []}
    agenda = {"local": True, "country": "", "hours": hours, "holidays": [str(holiday(today))]}
    await configure(engine, acme, agenda=agenda)
    ctx = job_context(engine, settings.model_copy(update={"flood_max_per_minute": 100}))
    return acme, Chat(client, engine, ctx, acme, name=name), today


async def test_shorthand_next_week_and_see_more_moves_on(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    _, chat, today = await clinic(make_company, engine, settings, client)
    monday = next_weekday(today, 0)
    reply = await chat.say("bom dia, vcs tem horario semana q vem? qualquer horario")
    shown = times(reply, today)
    assert shown and all(monday <= s.date() <= monday + timedelta(6) for s in shown), reply
    more = times(await chat.say("ver mais"), today)
    assert more and min(s.date() for s in more) > max(s.date() for s in shown)


async def test_abbreviated_day_and_hour_are_read(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    _, chat, today = await clinic(make_company, engine, settings, client)
    await chat.say("quero agendar")
    day = next_weekday(today, 1)  # a Tuesday: open
    shown = times(await chat.say(f"dia {day:%d/%m} dps das 14hrs"), today)
    assert shown and all(s.date() == day and s.hour >= 14 for s in shown)


async def test_a_closed_day_gets_the_nearest_open_days(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    _, chat, today = await clinic(make_company, engine, settings, client)
    closed = holiday(today)
    reply = await chat.say(f"quero agendar, e dia {closed:%d/%m}?")
    days = {s.date() for s in times(reply, today)}
    assert days == {closed - timedelta(1), closed + timedelta(1), closed + timedelta(2)}, reply
    sunday = next_weekday(today + timedelta(days=7), 6)
    await chat.say("sair")
    reply = await chat.say(f"quero agendar domingo dia {sunday:%d/%m}, pode?")
    days = {s.date() for s in times(reply, today)}
    assert sunday - timedelta(1) in days and sunday + timedelta(1) in days, reply


async def test_a_bare_hour_keeps_the_day_just_shown(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    _, chat, today = await clinic(make_company, engine, settings, client)
    saturday = next_weekday(today + timedelta(days=3), 5)
    await chat.say("quero agendar")
    listed = await chat.say(f"sábado {saturday:%d/%m}")
    assert {s.date() for s in times(listed, today)} == {saturday}, listed
    late = await chat.say("as 22h")
    assert f"sábado, {saturday:%d/%m}" in late and "22h" in late, late
    asked = await chat.say("às 9h30")  # asked to confirm, or booked when on the list
    assert f"sábado, {saturday:%d/%m} às 09:30" in asked, asked


async def test_spoken_hours_lunch_and_weeks_ahead(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    _, chat, today = await clinic(make_company, engine, settings, client)
    thursday = next_weekday(today, 3)
    await chat.say("quero agendar")
    asked = await chat.say("quinta feira 8 e meia")
    assert asked.startswith(f"Posso marcar quinta, {thursday:%d/%m} às 08:30"), asked
    await chat.say("não")
    shown = times(await chat.say("depois do almoço na quarta"), today)
    assert shown and all(s.date() == next_weekday(today, 2) and s.hour >= 13 for s in shown)
    far = await chat.say("daqui 2 semanas")
    monday = next_weekday(today, 0) + timedelta(days=7)
    shown = times(far, today)
    assert shown and all(monday <= s.date() <= monday + timedelta(6) for s in shown), far


async def test_a_booking_for_a_child_is_made_under_the_childs_name(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    acme, chat, _ = await clinic(make_company, engine, settings, client)
    await chat.say("quero marcar uma consulta pro meu filho")
    asked = await chat.say("1")
    assert asked == "Para marcar, qual o nome completo de quem vai ser atendido?", asked
    done = await chat.say("Pedro Souza")
    assert done.startswith("Pronto! O horário de Pedro"), done
    [booked] = await reads.rows(engine, Appointment, tenant=acme)
    assert booked.name == "Pedro Souza"
    [contact] = await reads.rows(engine, Contact, tenant=acme)
    assert contact.profile.get("name") != "Pedro Souza"


async def test_a_name_with_an_emoji_is_accepted(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    acme, chat, _ = await clinic(make_company, engine, settings, client, name=None)
    await chat.say("quero agendar")
    assert await chat.say("1") == "Para marcar, qual o seu nome completo?"
    assert (await chat.say("meu nome é joana pereira 😊")).startswith("Pronto, Joana!")
    [booked] = await reads.rows(engine, Appointment, tenant=acme)
    assert booked.name == "Joana Pereira"
