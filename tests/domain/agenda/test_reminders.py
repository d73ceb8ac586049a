"""Reminders 24 h and 1 h before an appointment (G5): planned when it is booked, moved or
dropped with it, sent by the dispatcher exactly once. The clock is injected: the dispatcher
is given `now`, appointments are placed relative to it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.agenda.change_flow import ChangeFlow
from domain.agenda.models import Appointment, Reminder
from domain.agenda.reminders import plan
from domain.operations.models import AuditLog
from domain.settings import Settings
from tests.support import reads
from tests.support.agenda import PHONE, Clinic
from tests.support.clock import on_the_hour, workday_at
from tests.support.factories import MakeCompany, change_company, configure, whaticket_at

DAY = timedelta(days=1)


async def test_a_booking_plans_24h_and_1h_reminders_and_each_is_sent_once(clinic: Clinic) -> None:
    # 10:00 in São Paulo: an hour before is the same day ("hoje"), whatever the clock says now
    # (on the hour three days ahead, a start at 00:00 local made the 1 h reminder "amanhã").
    start = workday_at(10, after=3)
    await clinic.book(start)
    planned = await clinic.reminders()
    assert [(r.kind, r.due_at) for r in planned] == [
        ("24h", start - timedelta(hours=24)),
        ("1h", start - timedelta(hours=1)),
        ("no_show", start + timedelta(minutes=30 + 30)),  # end (30-min slot) + 30 min grace
    ]
    # Not yet due: nothing.
    assert (await clinic.dispatch(start - timedelta(hours=25))).claimed == 0
    first = await clinic.dispatch(start - timedelta(hours=24))
    assert first.counts == {"sent": 1} and first.sent_kinds == {"24h": 1}
    [message] = await clinic.sent()
    assert message.phone == PHONE and message.status == "outbox"  # no Whaticket configured
    assert "Olá, Maria! Lembrete do seu horário na" in message.body
    assert "amanhã" in message.body and "1. Confirmar presença\n2. Remarcar" in message.body
    # Again at the same time, and a minute later: already sent, nothing new.
    assert (await clinic.dispatch(start - timedelta(hours=24))).claimed == 0
    assert (await clinic.dispatch(start - timedelta(hours=23, minutes=59))).claimed == 0
    second = await clinic.dispatch(start - timedelta(minutes=59))
    assert second.sent_kinds == {"1h": 1}
    bodies = [m.body for m in await clinic.sent()]
    assert len(bodies) == 2 and "hoje" in bodies[1]
    assert [r.status for r in await clinic.reminders()] == ["sent", "sent", "pending"]


async def test_a_late_booking_gets_only_what_still_makes_sense(clinic: Clinic) -> None:
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=5)
    await clinic.book(start)
    assert [r.kind for r in await clinic.reminders()] == ["1h", "no_show"]
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=40)
    await clinic.book(soon, phone="5511900000001", key="message-2")
    kinds = [r.kind for r in await clinic.reminders() if r.due_at < start]
    assert kinds == ["no_show", "1h"]  # 40 min ahead: no reminder left, only the no-show check


async def test_a_late_scheduler_sends_only_the_latest_reminder(clinic: Clinic) -> None:
    start = on_the_hour()
    await clinic.book(start)
    # The scheduler was down for a day: both reminders are due; one message is enough, even
    # when the two are claimed in different batches (or by different schedulers).
    first = await clinic.dispatch(start - timedelta(minutes=30), limit=1)
    assert first.counts == {"skipped": 1}
    done = await clinic.dispatch(start - timedelta(minutes=30))
    assert done.counts == {"sent": 1} and done.sent_kinds == {"1h": 1}
    assert [(r.kind, r.status, r.reason) for r in await clinic.reminders()][:2] == [
        ("24h", "skipped", "superseded"),
        ("1h", "sent", None),
    ]
    # Too close to the start (or after it): nothing, the customer is on the way.
    late = on_the_hour(days=4)
    await clinic.book(late, phone="5511900000002", key="message-2")
    done = await clinic.dispatch(late - timedelta(minutes=2))
    # (the first appointment, days over by then, became a no-show, but an offer that late
    # would be wrong: its check is skipped as stale, no message)
    assert done.counts == {"skipped": 3} and done.no_shows == 1
    assert done.sent_kinds == {}


async def test_exactly_once_with_two_schedulers_running_at_once(clinic: Clinic) -> None:
    # One-minute slots: 120 appointments a minute apart, none overlapping another.
    await configure(clinic.engine, clinic.id, agenda={"local": True, "slot_minutes": 1})
    start = on_the_hour()
    for n in range(120):
        await clinic.book(start + timedelta(minutes=n), f"55119{n:08d}", key=f"message-{n}")
    now = start - timedelta(hours=21)  # every 24h reminder due, no 1h one yet

    async def pending() -> int:
        due = (Reminder.status == "pending", Reminder.due_at <= now)
        return await reads.count(clinic.engine, Reminder, where=due)

    async def scheduler() -> int:
        """Runs batches until nothing is due (a batch may find every due row locked by the
        others: SKIP LOCKED then claims nothing, and it tries again)."""
        claimed = 0
        while await pending():
            claimed += (await clinic.dispatch(now, limit=25)).claimed
            await asyncio.sleep(0)
        return claimed

    claims = await asyncio.gather(scheduler(), scheduler(), scheduler())
    assert sum(claims) == 120 and all(claims)  # all three did part of the work
    sent = await clinic.sent()
    assert len(sent) == 120 and len({m.phone for m in sent}) == 120


async def test_a_rescheduled_appointment_drops_old_reminders_and_gets_new_ones(
    clinic: Clinic,
) -> None:
    start = on_the_hour()
    uid = await clinic.book(start)
    change = ChangeFlow(clinic.flow, clinic.db)
    await change.reschedule(await clinic.agenda(), uid, start + timedelta(days=1))
    rows = await clinic.reminders()
    old = [r for r in rows if r.due_at < start - timedelta(hours=2)]
    assert [(r.kind, r.status, r.reason) for r in rows if r.status == "dropped"] == [
        ("24h", "dropped", "moved"),
        ("1h", "dropped", "moved"),
        ("no_show", "dropped", "moved"),
    ]
    assert len(old) == 1  # the old 24h one; the new 24h one is due at the old start
    # At the old reminder times nothing goes out; at the new ones, the new reminders do.
    assert (await clinic.dispatch(start - timedelta(hours=1))).counts == {}
    done = await clinic.dispatch(start)  # the new start - 24 h
    assert done.sent_kinds == {"24h": 1}
    audit = await clinic.rows(AuditLog)
    assert [a.action for a in audit] == ["appointment.rescheduled"]


async def test_a_cancelled_appointment_gets_no_reminder(clinic: Clinic) -> None:
    start = on_the_hour()
    uid = await clinic.book(start)
    change = ChangeFlow(clinic.flow, clinic.db)
    await change.cancel(await clinic.agenda(), uid)
    assert {r.status for r in await clinic.reminders()} == {"dropped"}
    for at in (start - timedelta(hours=24), start - timedelta(hours=1), start + timedelta(hours=2)):
        assert (await clinic.dispatch(at)).counts == {}
    assert await clinic.sent() == []


async def test_reschedule_and_cancel_racing_the_dispatcher_never_deadlock_or_double_send(
    clinic: Clinic,
) -> None:
    # One-minute slots: 30 appointments a minute apart, none overlapping another.
    await configure(clinic.engine, clinic.id, agenda={"local": True, "slot_minutes": 1})
    start = on_the_hour()
    uids = [
        await clinic.book(start + timedelta(minutes=n), f"55118{n:08d}", key=f"message-{n}")
        for n in range(30)
    ]
    agenda = await clinic.agenda()
    change = ChangeFlow(clinic.flow, clinic.db)
    now = start - timedelta(hours=23)
    moves = [
        change.reschedule(agenda, uid, start + timedelta(days=2, minutes=n))
        if n % 2
        else change.cancel(agenda, uid)
        for n, uid in enumerate(uids)
    ]
    await asyncio.gather(clinic.dispatch(now, limit=10), *moves, clinic.dispatch(now, limit=10))
    await clinic.dispatch(now)
    rows = await clinic.reminders()
    # Each old appointment's 24h reminder was either sent before the change won or dropped;
    # never both, never twice. The moved ones have fresh pending reminders.
    old_24h = [r for r in rows if r.kind == "24h" and r.due_at < start]
    assert len(old_24h) == 30 and {r.status for r in old_24h} <= {"sent", "dropped"}
    assert len(await clinic.sent()) == sum(1 for r in old_24h if r.status == "sent")
    fresh = [r for r in rows if r.status == "pending" and r.kind == "24h"]
    assert len(fresh) == 15


async def test_the_due_query_uses_the_partial_index(clinic: Clinic) -> None:
    from sqlalchemy.dialects import postgresql

    from domain.agenda.dispatcher import due_query

    # The dispatcher's own query, as PostgreSQL receives it.
    claim = due_query(datetime.now(UTC), 500).compile(
        dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}
    )
    async with clinic.engine.begin() as conn:
        # SQL on purpose: the planner's own switch and EXPLAIN have no model. A tiny table
        # would be scanned whatever the indexes: forbid that to see the plan.
        await conn.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(row[0] for row in await conn.execute(text(f"EXPLAIN {claim}")))
    assert "ix_reminders_due" in plan, plan


async def test_planning_again_from_a_utc_start_adds_nothing(clinic: Clinic) -> None:
    """Our booking plans with the start in the company's zone; Cal.com's BOOKING_CREATED for
    the same booking (or a read from the database) gives it in UTC: still one set."""
    from domain.agenda.reminders import plan

    start = on_the_hour().astimezone(ZoneInfo("America/Sao_Paulo"))
    await clinic.book(start)
    agenda = await clinic.agenda()
    [appointment] = await clinic.rows(Appointment)
    async with clinic.engine.begin() as conn:
        await plan(
            conn,
            agenda.reminders,
            appointment.id,
            start.astimezone(UTC),
            appointment.end_at,
            datetime.now(UTC),
        )
    assert len(await clinic.reminders()) == 3
    assert (await clinic.dispatch(start - timedelta(minutes=59))).counts == {
        "sent": 1,
        "skipped": 1,
    }


async def test_one_company_with_bad_data_does_not_hold_back_the_others(
    clinic: Clinic, make_company: MakeCompany
) -> None:
    start = on_the_hour()
    await clinic.book(start)
    other = (await make_company("beta")).company.id
    await configure(clinic.engine, other, agenda={"local": True})
    beta = Clinic(clinic.engine, clinic.settings, other)
    await beta.book(start, phone="5511900000009")
    await change_company(clinic.engine, clinic.id, timezone="Mars/Olympus")  # no longer exists
    clinic.directory.forget()  # the dispatcher reads the company as it is now
    done = await clinic.dispatch(start - timedelta(hours=24), 500)
    assert done.counts == {"error": 1, "sent": 1}
    assert len(await beta.sent()) == 1 and await clinic.sent() == []
    assert next((r.status, r.reason) for r in await clinic.reminders()) == ("skipped", "error")


async def test_two_clicks_on_send_now_send_one_reminder(clinic: Clinic) -> None:
    from domain.agenda import reminders
    from domain.errors import Conflict

    await clinic.book(on_the_hour())
    [appointment] = await clinic.rows(Appointment)
    now = datetime.now(UTC)

    async def click() -> int | None:
        async with clinic.engine.begin() as conn:
            try:
                return await reminders.manual(conn, clinic.id, appointment, now)
            except Conflict:
                return None

    made = await asyncio.gather(click(), click())
    assert sorted(m is None for m in made) == [False, True]


async def test_a_simulator_booking_gets_no_reminder_and_takes_no_real_slot(
    make_company: MakeCompany, engine: AsyncEngine, settings: Settings, whaticket: Any
) -> None:
    """Someone who booked from the panel's Simulador has a "sim…" phone: the appointment is
    flagged simulated, gets no reminder nor no-show check (also for rows planned before), and
    a real customer can still book the same time."""
    acme = (await make_company("acme")).company.id
    await configure(engine, acme, agenda={"local": True}, whaticket=whaticket_at(whaticket))
    clinic = Clinic(engine, settings, acme)
    agenda = await clinic.agenda()
    now = datetime.now(UTC)
    start = next(s for s in await clinic.flow.free_slots(agenda, now) if s > now + 2 * DAY)
    await clinic.book(start, phone="sim7")
    assert await clinic.reminders() == []
    assert start in await clinic.flow.free_slots(agenda, now)
    await clinic.book(start, phone=PHONE, key="message-2")  # the same time: not taken
    booked = {a.phone: a.simulated for a in await clinic.rows(Appointment)}
    assert booked == {"sim7": True, PHONE: False}
    simulated = next(a for a in await clinic.rows(Appointment) if a.simulated)
    async with engine.begin() as conn:  # a row planned before the flag existed
        await plan(conn, agenda.reminders, simulated.id, start, simulated.end_at, start - DAY)
    done = await clinic.dispatch(start - timedelta(hours=24))
    assert done.sent_kinds == {"24h": 1} and len(done.messages) == 1
    assert [m.phone for m in await clinic.sent()] == [PHONE]
    after = await clinic.dispatch(start + timedelta(hours=2))
    assert after.no_shows == 1  # the real one only
    assert [m.phone for m in await clinic.sent()] == [PHONE, PHONE]
