"""Booking by what people write (issue 14): days and periods in the customer's words, the
honest nearest times, a confirmation for a time not on the list, "ver mais", and the name
asked when unknown; through the webhook and the real inbound job, on a local calendar open
every day from 07:00 to 21:00 (so every wish has free times whatever day the test runs)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.agenda.models import Appointment
from domain.conversations.models import Contact, Message
from domain.conversations.simulator import simulate_inbound
from domain.db import TenantDatabase
from domain.settings import Settings
from tasks.messages import process_inbound
from tests.support import factories, reads
from tests.support.agenda import on_cal_com
from tests.support.chat import MARIA, Chat
from tests.support.clock import in_two_days
from tests.support.factories import MakeCompany, configure
from tests.support.jobs import job_context
from tests.support.offers import offered

SP = ZoneInfo("America/Sao_Paulo")
EVERY_DAY = {
    "local": True,
    "country": "",
    "hours": {key: ["07:00-21:00"] for key in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
}
ASKED = re.compile(r"Posso marcar \w+, (\d\d/\d\d) às (\d\d:\d\d)\? \(sim/não\)")


async def open_every_day(
    make_company: MakeCompany,
    engine: AsyncEngine,
    settings: Settings,
    client: Any,
    name: str | None = "Maria Souza",
) -> tuple[int, Chat]:
    acme = (await make_company("acme")).company.id
    await configure(engine, acme, agenda=EVERY_DAY)
    ctx = job_context(engine, settings.model_copy(update={"flood_max_per_minute": 100}))
    return acme, Chat(client, engine, ctx, acme, name=name)


def times(reply: str, today: date) -> list[datetime]:
    """The times a reply asks to confirm or offers, as local datetimes."""
    found = [(day, hour) for day, hour in ASKED.findall(reply)]
    found += [(day, hour) for _, _, day, hour in offered(reply)]
    out = []
    for day, hour in found:
        d, m = (int(x) for x in day.split("/"))
        year = today.year + (1 if m < today.month else 0)
        out.append(datetime.combine(date(year, m, d), time.fromisoformat(hour), SP))
    return out


def next_weekday(today: date, weekday: int) -> date:
    return today + timedelta(days=(weekday - today.weekday()) % 7 or 7)


Check = Callable[[datetime, date], bool]
WISHES: list[tuple[str, Check]] = [
    ("amanhã de manhã", lambda s, t: s.date() == t + timedelta(1) and s.hour < 12),
    ("amanhã às 10h", lambda s, t: s.date() == t + timedelta(1) and s.time() == time(10)),
    ("quinta às 15h", lambda s, t: s.date() == next_weekday(t, 3) and s.time() == time(15)),
    ("dia 10 à tarde", lambda s, t: s.day == 10 and 12 <= s.hour < 18),
    (
        "semana que vem",
        lambda s, t: next_weekday(t, 0) <= s.date() <= next_weekday(t, 0) + timedelta(6),
    ),
    ("o mais cedo possível", lambda s, t: s.date() <= t + timedelta(1)),
    ("sexta depois das 14h", lambda s, t: s.date() == next_weekday(t, 4) and s.hour >= 14),
    ("segunda 9h30", lambda s, t: s.date() == next_weekday(t, 0) and s.time() == time(9, 30)),
    ("hoje à noite", lambda s, t: s.date() == t and s.hour >= 18),
    ("depois de amanhã", lambda s, t: s.date() == t + timedelta(2)),
]


@pytest.mark.parametrize(("words", "check"), WISHES, ids=[w for w, _ in WISHES])
async def test_a_wish_in_words_gets_the_matching_free_times(
    client: Any,
    make_company: MakeCompany,
    engine: AsyncEngine,
    settings: Settings,
    words: str,
    check: Check,
) -> None:
    _, chat = await open_every_day(make_company, engine, settings, client)
    await chat.say("quero agendar")
    reply = await chat.say(words)
    today = datetime.now(SP).date()
    assert "Não encontrei" not in reply and "Não entendi" not in reply, reply
    shown = times(reply, today)
    assert shown, reply
    if "Não tenho" in reply:  # "hoje à noite" late in the evening, "dia 10" on the 10th
        assert words in ("hoje à noite", "dia 10 à tarde"), reply
    else:
        assert all(check(s, today) for s in shown), reply


async def test_a_time_not_on_the_list_is_booked_after_a_confirmation(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    acme, chat = await open_every_day(make_company, engine, settings, client)
    await chat.say("quero agendar")
    asked = await chat.say("segunda 9h30")
    [when] = times(asked, datetime.now(SP).date())
    assert asked.startswith("Posso marcar segunda,")
    assert await reads.rows(engine, Appointment, tenant=acme) == []
    done = await chat.say("sim")
    assert "Pronto, Maria!" in done and f"{when:%d/%m} às 09:30" in done
    [booked] = await reads.rows(engine, Appointment, tenant=acme)
    assert booked.start_at == when and booked.name == "Maria Souza"


async def test_a_taken_time_gets_an_honest_answer_with_the_nearest(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    acme, chat = await open_every_day(make_company, engine, settings, client)
    thursday = next_weekday(datetime.now(SP).date(), 3)
    taken = datetime.combine(thursday, time(15), SP)
    await factories.appointment(engine, acme, taken, cal_uid="local-x", phone="5511911112222")
    reply = await chat.say("quero agendar quinta às 15h")
    # On a Wednesday the Thursday is tomorrow, and the secretary says so.
    tomorrow = thursday == datetime.now(SP).date() + timedelta(days=1)
    day = "amanhã" if tomorrow else f"quinta, {thursday:%d/%m}"
    assert f"Não tenho {day} às 15h; tenho 14h30 ou 15h30." in reply
    assert (await chat.say("2")).startswith("Pronto, Maria!")
    booked = [r for r in await reads.rows(engine, Appointment, tenant=acme) if r.phone == MARIA]
    assert [b.start_at for b in booked] == [taken + timedelta(minutes=30)]


async def test_see_more_shows_later_days(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    _, chat = await open_every_day(make_company, engine, settings, client)
    today = datetime.now(SP).date()
    first = times(await chat.say("quero agendar"), today)
    more = await chat.say("ver mais")
    later = times(more, today)
    assert more.startswith("Mais horários livres:") and len(later) == 9
    assert min(s.date() for s in later) > max(s.date() for s in first)
    assert (await chat.say("1")).startswith("Pronto, Maria!")


async def test_the_name_is_asked_when_unknown_and_used_after(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    acme, chat = await open_every_day(make_company, engine, settings, client, name="💙 Loja")
    assert (await chat.say("oi")).startswith("Olá! ")  # the pushName is not a name
    await chat.say("quero agendar")
    assert await chat.say("1") == "Para marcar, qual o seu nome completo?"
    again = await chat.say("123")
    assert "Não entendi o seu nome" in again
    done = await chat.say("meu nome é Ana Lima")
    assert done.startswith("Pronto, Ana!")
    [booked] = await reads.rows(engine, Appointment, tenant=acme)
    assert booked.name == "Ana Lima"
    [contact] = await reads.rows(engine, Contact, tenant=acme)
    assert contact.profile["name"] == "Ana Lima"
    assert (await chat.say("bom dia")).startswith("Olá, Ana!")


async def test_the_simulators_customer_is_never_called_simulador(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    acme, chat = await open_every_day(make_company, engine, settings, client)

    async def say(words: str) -> str:
        message_id = await simulate_inbound(TenantDatabase(engine, acme), 1, words, "corr")
        await process_inbound(chat.ctx, company_id=acme, message_id=message_id)
        answer = Message.reply_to_id == message_id
        return str(await reads.value(engine, Message.body, tenant=acme, where=answer))

    greeting = await say("oi")
    assert "Simulador" not in greeting and greeting.startswith("Olá! ")
    await say("quero agendar amanhã de manhã")
    assert await say("1") == "Para marcar, qual o seu nome completo?"
    assert (await say("Carla Dias")).startswith("Pronto, Carla!")


async def test_a_wish_is_matched_against_cal_coms_free_times(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    start = in_two_days()  # 10:00 in São Paulo
    local = start.astimezone(SP)
    free = {start, start + timedelta(hours=4)}
    async with on_cal_com(make_company, engine, settings, free) as (acme, ctx, fake):
        chat = Chat(client, engine, ctx, acme)
        await chat.say("quero agendar")
        taken = await chat.say(f"dia {local.day} às 11h")
        assert f"Não tenho {local:%d/%m}" not in taken  # said with the weekday
        assert "às 11h; tenho 10h ou 14h." in taken
        assert (await chat.say("2")).startswith("Pronto, Maria!")
        [booked] = await reads.rows(engine, Appointment, tenant=acme)
        assert booked.start_at == start + timedelta(hours=4)
        assert booked.cal_uid in {b.uid for b in fake.bookings.values()}


async def test_a_yes_with_a_but_is_not_a_yes(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    acme, chat = await open_every_day(make_company, engine, settings, client)
    await chat.say("quero agendar")
    assert (await chat.say("segunda 9h30")).startswith("Posso marcar")
    other = await chat.say("quero outro, segunda às 11h")
    assert other.startswith("Posso marcar segunda,") and "às 11:00" in other
    assert await reads.rows(engine, Appointment, tenant=acme) == []


@pytest.mark.parametrize("words", ["tanto faz", "qualquer um", "o primeiro pfv"])
async def test_any_time_will_do_proposes_the_earliest_offered(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings, words: str
) -> None:
    """Re-walk N1: "tanto faz" at the list got "Não encontrei esse horário"."""
    _, chat = await open_every_day(make_company, engine, settings, client)
    offered = await chat.say("quero agendar")
    asked = await chat.say(words)
    [first] = times(offered, datetime.now(SP).date())[:1]
    assert asked.startswith("Posso marcar") and f"{first:%d/%m} às {first:%H:%M}" in asked, asked


async def test_the_how_to_is_said_once_per_flow(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    """Walk 16: every list repeated the same two lines of instructions."""
    _, chat = await open_every_day(make_company, engine, settings, client)
    first = await chat.say("quero agendar")
    assert "por exemplo" in first
    later = await chat.say("ver mais")
    assert "por exemplo" not in later and '"ver mais"' in later and "número" in later
