"""The scheduler's cron job (tasks/agenda.py): due reminders go out through Whaticket, once."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.agenda.models import Reminder
from domain.conversations.models import Message
from domain.settings import Settings
from tests.support.agenda import PHONE, Clinic
from tests.support.clock import on_the_hour
from tests.support.factories import MakeCompany, change, configure, whaticket_at
from tests.support.jobs import with_router
from tests.support.waiting import eventually


async def test_the_cron_job_sends_due_reminders_through_whaticket_once(
    make_company: MakeCompany,
    engine: AsyncEngine,
    settings: Settings,
    worker: Any,
    whaticket: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The scheduler's job, with a real SAQ worker delivering to the fake Whaticket."""
    from tasks.agenda import dispatch_reminders

    acme = (await make_company("acme")).company.id
    await configure(engine, acme, agenda={"local": True}, whaticket=whaticket_at(whaticket))
    clinic = Clinic(engine, settings, acme)
    await clinic.book(on_the_hour())
    await change(engine, Reminder, Reminder.kind == "24h", due_at=func.now())
    ctx = with_router(clinic.ctx, settings)
    caplog.set_level(logging.DEBUG)
    assert await dispatch_reminders(ctx) == {"sent": 1, "unqueued": 0}
    assert await dispatch_reminders(ctx) == {"unqueued": 0}
    # The tick runs every 5 s: its totals are for DEBUG, never on make run's console at INFO.
    ticks = [r for r in caplog.records if "reminders_dispatched" in r.getMessage()]
    assert [r.levelno for r in ticks] == [logging.DEBUG]
    await eventually(lambda: _sent(whaticket))
    [payload] = whaticket.sent
    assert payload["number"] == PHONE and "Lembrete do seu horário" in payload["body"]
    [delivered] = await eventually(lambda: clinic.rows(Message, where=Message.status == "sent"))
    assert delivered.status == "sent"
    await asyncio.sleep(0.5)  # a second send would have arrived by now
    assert len(whaticket.sent) == 1


async def _sent(fake: Any) -> bool:
    return bool(fake.sent)
