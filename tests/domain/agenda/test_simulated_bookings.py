"""A booking made in the panel's Simulador is a rehearsal: it confirms in the thread as usual,
but never reaches Cal.com, takes no real time and gets no reminder."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.agenda.models import Appointment, Reminder
from domain.conversations import simulator
from domain.conversations.models import Message
from domain.db import TenantDatabase
from domain.settings import Settings
from tasks.messages import process_inbound
from tests.support import reads
from tests.support.agenda import on_cal_com
from tests.support.clock import in_two_days
from tests.support.factories import MakeCompany

USER = 7  # the operator rehearsing


async def _say(ctx: dict[str, Any], engine: AsyncEngine, company_id: int, words: str) -> str:
    """The operator writes in the Simulador; the real pipeline's reply."""
    db = TenantDatabase(engine, company_id)
    message_id = await simulator.simulate_inbound(db, USER, words, "sim-test")
    await process_inbound(ctx, company_id=company_id, message_id=message_id)
    answer = Message.reply_to_id == message_id
    return str(await reads.value(engine, Message.body, tenant=company_id, where=answer))


async def test_a_simulator_booking_never_reaches_cal_com_nor_takes_the_slot(
    make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    start = in_two_days()
    async with on_cal_com(make_company, engine, settings, {start}) as (acme, ctx, fake):
        await _say(ctx, engine, acme, "quero agendar")
        answer = await _say(ctx, engine, acme, "1")
        if "Pronto" not in answer:  # the name first
            answer = await _say(ctx, engine, acme, "meu nome é Joao da Silva")
        assert "Pronto" in answer
        [booked] = await reads.rows(engine, Appointment, tenant=acme)
        assert booked.simulated and booked.start_at == start
        assert fake.bookings == {} and not [r for r in fake.requests if r["method"] == "POST"]
        assert await reads.values(engine, Reminder.id, where=Reminder.company_id == acme) == []

        await _say(ctx, engine, acme, "quero cancelar")
        assert "cancelado" in await _say(ctx, engine, acme, "sim")
        [cancelled] = await reads.rows(engine, Appointment, tenant=acme)
        assert cancelled.status == "cancelled"
        assert not [r for r in fake.requests if r["method"] != "GET"]
