"""The scheduler's follow-up job (tasks/feedback.py), with a real SAQ worker delivering to the
fake Whaticket: the follow-up goes out once; after a complaint, the customer's next words
(the bot is quiet: a person has the conversation) become the comment, and the alert that
carries it reaches the company's alert URL, signed, once."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.agenda.models import Appointment
from domain.conversations.models import Message
from domain.feedback.models import FeedbackEvent, Followup
from domain.settings import Settings
from tasks import worker as worker_settings
from tasks.feedback import dispatch_followups
from tests.fakes.receiver import FakeReceiver
from tests.support.agenda import Clinic
from tests.support.chat import MARIA
from tests.support.clock import workday_at
from tests.support.factories import MakeCompany, change, change_company, configure, whaticket_at
from tests.support.jobs import running_worker, with_router
from tests.support.waiting import eventually


async def test_follow_up_then_complaint_then_comment_then_alert(
    make_company: MakeCompany,
    engine: AsyncEngine,
    settings: Settings,
    whaticket: Any,
    receiver: FakeReceiver,
    client: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    acme = (await make_company("acme")).company.id
    await configure(
        engine,
        acme,
        agenda={"local": True},
        whaticket=whaticket_at(whaticket),
        alert_url=receiver.url,
        followup={"quiet_hours": "00:00-00:00"},  # the real clock may be at night
    )
    await change_company(engine, acme, webhook_secret="secret-acme")
    clinic = Clinic(engine, settings, acme)
    await clinic.book(workday_at(10), phone=MARIA)
    # It happened two hours ago (the clock here is the real one).
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    await change(
        engine,
        Appointment,
        Appointment.id > 0,
        tenant=acme,
        start_at=start,
        end_at=start + timedelta(minutes=30),
        status="completed",
        checked_in_at=start,
    )
    await change(engine, Followup, Followup.company_id == acme, starts_at=start, due_at=start)
    ctx = with_router(clinic.ctx, settings) | {"http": httpx.AsyncClient()}
    caplog.set_level(logging.DEBUG)
    try:
        first = await dispatch_followups(ctx)
        assert first["sent"] == 1 and first["unqueued"] == 0
        assert (await dispatch_followups(ctx)).get("sent", 0) == 0
        # A worker delivers the follow-up; then the customer's messages are answered here,
        # one job at a time (a worker beside would run the same jobs at the same moment,
        # which a real queue never does: one job per message key).
        async with running_worker(worker_settings.settings(settings)):
            await eventually(lambda: _sent(whaticket))
        [payload] = whaticket.sent
        assert payload["number"] == MARIA and "Como foi seu atendimento" in payload["body"]
        chat = clinic.chat(client)
        assert "O que poderíamos melhorar?" in await chat.say("1")
        await chat.say("a recepcionista foi grosseira comigo")  # a person has it: no reply
        done = await dispatch_followups(ctx)
        assert done["comments"] == 1 and done["alert_sent"] == 1
    finally:
        await ctx["http"].aclose()
    [event] = await clinic.rows(FeedbackEvent)
    assert (event.score, event.comment) == (1, "a recepcionista foi grosseira comigo")
    [(_, body)] = receiver.received
    assert orjson.loads(body)["comment"] == "a recepcionista foi grosseira comigo"
    # The follow-up and the reply to the complaint (sent by its reply job), nothing more.
    assert len(whaticket.sent) == 2
    asked = [m for m in await clinic.rows(Message) if m.source == "followup" and not m.reply_to_id]
    assert len(asked) == 1
    ticks = [r for r in caplog.records if "followups_dispatched" in r.getMessage()]
    assert ticks and {r.levelno for r in ticks} == {logging.DEBUG}


async def _sent(fake: Any, n: int = 1) -> bool:
    return len(fake.sent) >= n
