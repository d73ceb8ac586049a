"""Scheduling by chat (G3): numbered free slots from the calendar, the pick, the booking and its
confirmation; with the local calendar and with (a fake) Cal.com."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.agenda.models import Appointment
from domain.settings import Settings
from tests.support import factories, reads
from tests.support.agenda import on_cal_com
from tests.support.chat import MARIA, Chat
from tests.support.clock import in_two_days
from tests.support.factories import MakeCompany, configure
from tests.support.jobs import job_context
from tests.support.offers import offered


async def test_books_a_local_calendar_slot_by_number(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    acme = (await make_company("acme")).company.id
    await configure(engine, acme, agenda={"local": True})
    chat = Chat(client, engine, job_context(engine, settings), acme)
    offer = await chat.say("Oi, gostaria de agendar uma consulta")
    assert "Tenho estes horários livres" in offer
    options = offered(offer)
    # A few times on each of the next days with free times, numbered through.
    assert len(options) == 9 and len({day for _, _, day, _ in options}) == 3
    assert [number for number, *_ in options] == list(range(1, 10))
    confirmation = await chat.say("2")
    _, weekday, day, hour = options[1]
    assert f"{weekday}, {day} às {hour}" in confirmation and "Pronto, Maria!" in confirmation
    [booked] = await reads.rows(engine, Appointment, tenant=acme)
    assert (booked.status, booked.source, booked.phone, booked.name) == (
        "scheduled",
        "chat",
        MARIA,
        "Maria Souza",
    )
    # The flow is over: the next message is answered normally, and nothing is booked twice.
    await chat.say("obrigada!")
    assert len(await reads.rows(engine, Appointment, tenant=acme)) == 1


async def test_an_unknown_pick_gets_the_options_again_and_giving_up_ends_the_flow(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    acme = (await make_company("acme")).company.id
    await configure(engine, acme, agenda={"local": True})
    chat = Chat(client, engine, job_context(engine, settings), acme)
    await chat.say("quero marcar um horário")
    again = await chat.say("42")
    assert "Não encontrei esse horário" in again and "1. " in again
    after = await chat.say("deixa pra lá")
    assert "nenhum horário foi marcado" in after
    assert await reads.rows(engine, Appointment, tenant=acme) == []


async def test_without_an_agenda_the_secretary_answers_as_before(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    acme = (await make_company("acme")).company.id
    chat = Chat(client, engine, job_context(engine, settings), acme)
    reply = await chat.say("quero marcar uma consulta")
    assert "Tenho estes horários" not in reply and "agendamento" in reply


async def test_books_in_cal_com_when_the_company_has_it(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    start = in_two_days()
    async with on_cal_com(
        make_company, engine, settings, {start, start + timedelta(minutes=30)}
    ) as (acme, ctx, fake):
        chat = Chat(client, engine, ctx, acme)
        offer = await chat.say("quero agendar")
        assert [number for number, *_ in offered(offer)] == [1, 2]
        confirmation = await chat.say("1")
        assert "Pronto, Maria!" in confirmation
        [booked] = await reads.rows(engine, Appointment, tenant=acme)
        assert booked.cal_uid in {b.uid for b in fake.bookings.values()}
        assert booked.start_at == start


async def test_reschedules_and_cancels_by_chat_with_a_confirmation_step(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    acme = (await make_company("acme")).company.id
    await configure(engine, acme, agenda={"local": True})
    # Ten messages in a minute from one customer: above the default anti-flood limit.
    ctx = job_context(engine, settings.model_copy(update={"flood_max_per_minute": 50}))
    chat = Chat(client, engine, ctx, acme)
    await chat.say("quero agendar uma consulta")
    await chat.say("1")
    offer = await chat.say("preciso remarcar meu horário")
    assert "Seu horário atual é" in offer and "\n1. " in offer
    ask = await chat.say("2")
    assert ask.startswith("Confirma a troca de")
    done = await chat.say("sim")
    assert done.startswith("Remarcado!")
    rows = {r.status: r for r in await reads.rows(engine, Appointment, tenant=acme)}
    assert set(rows) == {"rescheduled", "scheduled"}
    assert rows["scheduled"].start_at > rows["rescheduled"].start_at

    ask = await chat.say("quero cancelar a consulta")
    assert "Confirma o cancelamento?" in ask
    kept = await chat.say("não")
    assert "mantive" in kept
    await chat.say("quero cancelar a consulta")
    cancelled = await chat.say("sim, pode cancelar")
    assert "cancelado" in cancelled
    assert {r.status for r in await reads.rows(engine, Appointment, tenant=acme)} == {
        "rescheduled",
        "cancelled",
    }
    nothing = await chat.say("quero cancelar")
    assert "Não encontrei nenhum horário marcado" in nothing


async def test_a_cal_com_booking_is_rescheduled_there_with_a_new_uid(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    start = in_two_days()
    async with on_cal_com(make_company, engine, settings, {start, start + timedelta(hours=1)}) as (
        acme,
        ctx,
        fake,
    ):
        chat = Chat(client, engine, ctx, acme)
        await chat.say("quero agendar")
        await chat.say("1")
        await chat.say("preciso remarcar")
        await chat.say("1")
        assert (await chat.say("sim")).startswith("Remarcado!")
        rows = {r.status: r for r in await reads.rows(engine, Appointment, tenant=acme)}
        assert rows["scheduled"].start_at == start + timedelta(hours=1)
        assert rows["scheduled"].cal_uid != rows["rescheduled"].cal_uid
        assert rows["scheduled"].cal_uid in {b.uid for b in fake.bookings.values()}


async def test_a_retry_after_a_lost_booking_answer_does_not_book_twice(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    """The first attempt booked in Cal.com and the worker died before our insert; Cal.com's
    BOOKING_CREATED webhook brought the booking in meanwhile. The retried pick confirms it
    instead of booking again (Cal.com would refuse the taken time, or double-book)."""
    start = in_two_days()
    async with on_cal_com(make_company, engine, settings, {start, start + timedelta(hours=1)}) as (
        acme,
        ctx,
        fake,
    ):
        chat = Chat(client, engine, ctx, acme)
        await chat.say("quero agendar")
        await factories.appointment(
            engine, acme, start, cal_uid="cal-lost", phone=MARIA, name=None, source="calcom"
        )
        confirmation = await chat.say("1")
        assert "Pronto, Maria!" in confirmation
        assert [r for r in fake.requests if r["method"] == "POST"] == []
        assert [r.cal_uid for r in await reads.rows(engine, Appointment, tenant=acme)] == [
            "cal-lost"
        ]
