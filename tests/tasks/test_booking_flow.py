"""Scheduling by chat (G3): numbered free slots from the calendar, the pick, the booking and its
confirmation; with the local calendar and with (a fake) Cal.com."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.integrations.calcom import CalcomClient
from domain.settings import Settings
from tasks.messages import process_inbound
from tests.conftest import MakeCompany, job_context, post_webhook, text_body
from tests.fakes.calcom import FakeCalcom
from tests.fakes.server import LocalServer

PHONE = "5511988887777"


async def configure(engine: AsyncEngine, company_id: int, settings: dict[str, Any]) -> None:
    async with engine.begin() as conn:
        await conn.execute(
            text("UPDATE companies SET settings = CAST(:s AS jsonb) WHERE id = :id"),
            {"s": json.dumps(settings), "id": company_id},
        )


async def say(
    client: Any, engine: AsyncEngine, ctx: dict[str, Any], company_id: int, n: int, words: str
) -> str:
    """The customer writes; the job runs; the secretary's reply."""
    await post_webhook(client, text_body(f"f{n}", words, number=PHONE, pushName="Maria Souza"))
    async with engine.connect() as conn:
        message_id = await conn.scalar(
            text(f"SELECT id FROM tenant_{company_id}.messages WHERE external_id = :e"),
            {"e": f"f{n}"},
        )
    await process_inbound(ctx, company_id=company_id, message_id=message_id)
    async with engine.connect() as conn:
        return str(
            await conn.scalar(
                text(f"SELECT body FROM tenant_{company_id}.messages WHERE reply_to_id = :m"),
                {"m": message_id},
            )
        )


def in_two_days() -> datetime:
    return (datetime.now(UTC) + timedelta(days=2)).replace(
        hour=13, minute=0, second=0, microsecond=0
    )


@contextlib.asynccontextmanager
async def on_cal_com(
    make_company: MakeCompany, engine: AsyncEngine, settings: Settings, free: set[datetime]
) -> AsyncIterator[tuple[int, dict[str, Any], FakeCalcom]]:
    """Company acme booking in a fake Cal.com (API v2) with these free times."""
    fake = FakeCalcom(free=free)
    async with LocalServer(fake.app()) as url, httpx.AsyncClient() as http:
        acme = (await make_company("acme")).company.id
        cal = {"base_url": f"{url}/v2", "api_key": fake.api_key, "event_type_id": 1234}
        await configure(engine, acme, {"cal": cal})
        yield acme, job_context(engine, settings, calcom=CalcomClient(http)), fake


async def appointments(engine: AsyncEngine, company_id: int) -> list[Any]:
    async with engine.connect() as conn:
        return list(
            await conn.execute(
                text(
                    f"SELECT cal_uid, status, source, phone, name, start_at FROM tenant_{company_id}.appointments"
                )
            )
        )


async def test_books_a_local_calendar_slot_by_number(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    acme = (await make_company("acme")).company.id
    await configure(engine, acme, {"agenda": {"local": True}})
    ctx = job_context(engine, settings)
    offer = await say(client, engine, ctx, acme, 1, "Oi, gostaria de agendar uma consulta")
    assert "Tenho estes horários livres" in offer
    options = re.findall(r"^(\d)\. (\w+-?\w*), (\d\d/\d\d) às (\d\d:\d\d)", offer, re.M)
    assert len(options) == 6
    confirmation = await say(client, engine, ctx, acme, 2, "2")
    _, weekday, day, hour = options[1]
    assert f"{weekday}, {day} às {hour}" in confirmation and "Pronto!" in confirmation
    [booked] = await appointments(engine, acme)
    assert (booked.status, booked.source, booked.phone, booked.name) == (
        "scheduled",
        "chat",
        PHONE,
        "Maria Souza",
    )
    # The flow is over: the next message is answered normally, and nothing is booked twice.
    await say(client, engine, ctx, acme, 3, "obrigada!")
    assert len(await appointments(engine, acme)) == 1


async def test_an_unknown_pick_gets_the_options_again_and_giving_up_ends_the_flow(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    acme = (await make_company("acme")).company.id
    await configure(engine, acme, {"agenda": {"local": True}})
    ctx = job_context(engine, settings)
    await say(client, engine, ctx, acme, 1, "quero marcar um horário")
    again = await say(client, engine, ctx, acme, 2, "9")
    assert "Não encontrei esse horário" in again and "1. " in again
    after = await say(client, engine, ctx, acme, 3, "deixa pra lá")
    assert "horários livres" not in after
    assert await appointments(engine, acme) == []


async def test_without_an_agenda_the_secretary_answers_as_before(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    acme = (await make_company("acme")).company.id
    reply = await say(
        client, engine, job_context(engine, settings), acme, 1, "quero marcar uma consulta"
    )
    assert "Tenho estes horários" not in reply and "agendamento" in reply


async def test_books_in_cal_com_when_the_company_has_it(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    start = in_two_days()
    async with on_cal_com(
        make_company, engine, settings, {start, start + timedelta(minutes=30)}
    ) as (acme, ctx, fake):
        offer = await say(client, engine, ctx, acme, 1, "quero agendar")
        assert offer.count("\n1. ") + offer.count("\n2. ") == 2
        confirmation = await say(client, engine, ctx, acme, 2, "1")
        assert "Pronto!" in confirmation
        [booked] = await appointments(engine, acme)
        assert booked.cal_uid in {b.uid for b in fake.bookings.values()}
        assert booked.start_at == start


async def test_reschedules_and_cancels_by_chat_with_a_confirmation_step(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    acme = (await make_company("acme")).company.id
    await configure(engine, acme, {"agenda": {"local": True}})
    # Ten messages in a minute from one customer: above the default anti-flood limit.
    ctx = job_context(engine, settings.model_copy(update={"flood_max_per_minute": 50}))
    await say(client, engine, ctx, acme, 1, "quero agendar uma consulta")
    await say(client, engine, ctx, acme, 2, "1")
    offer = await say(client, engine, ctx, acme, 3, "preciso remarcar meu horário")
    assert "Seu horário atual é" in offer and "\n1. " in offer
    ask = await say(client, engine, ctx, acme, 4, "2")
    assert ask.startswith("Confirma a troca de")
    done = await say(client, engine, ctx, acme, 5, "sim")
    assert done.startswith("Remarcado!")
    rows = {r.status: r for r in await appointments(engine, acme)}
    assert set(rows) == {"rescheduled", "scheduled"}
    assert rows["scheduled"].start_at > rows["rescheduled"].start_at

    ask = await say(client, engine, ctx, acme, 6, "quero cancelar a consulta")
    assert "Confirma o cancelamento?" in ask
    kept = await say(client, engine, ctx, acme, 7, "não")
    assert "mantive" in kept
    await say(client, engine, ctx, acme, 8, "quero cancelar a consulta")
    cancelled = await say(client, engine, ctx, acme, 9, "sim, pode cancelar")
    assert "cancelado" in cancelled
    assert {r.status for r in await appointments(engine, acme)} == {"rescheduled", "cancelled"}
    nothing = await say(client, engine, ctx, acme, 10, "quero cancelar")
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
        await say(client, engine, ctx, acme, 1, "quero agendar")
        await say(client, engine, ctx, acme, 2, "1")
        await say(client, engine, ctx, acme, 3, "preciso remarcar")
        await say(client, engine, ctx, acme, 4, "1")
        assert (await say(client, engine, ctx, acme, 5, "sim")).startswith("Remarcado!")
        rows = {r.status: r for r in await appointments(engine, acme)}
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
        await say(client, engine, ctx, acme, 1, "quero agendar")
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    f"INSERT INTO tenant_{acme}.appointments (cal_uid, phone, start_at, end_at, "
                    "status, source) VALUES ('cal-lost', :p, :s, :e, 'scheduled', 'calcom')"
                ),
                {"p": PHONE, "s": start, "e": start + timedelta(minutes=30)},
            )
        confirmation = await say(client, engine, ctx, acme, 2, "1")
        assert "Pronto!" in confirmation
        assert [r for r in fake.requests if r["method"] == "POST"] == []
        assert [r.cal_uid for r in await appointments(engine, acme)] == ["cal-lost"]
