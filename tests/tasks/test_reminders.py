"""Reminders 24 h and 1 h before, the no-show check after (G5, G6), with an injected clock:
the dispatcher is given `now`, appointments are placed relative to it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.agenda.change_flow import ChangeFlow
from domain.agenda.models import Appointment, Reminder
from domain.conversations.models import Message
from domain.db import bind_tenant
from domain.operations.models import AuditLog
from domain.settings import Settings
from tests.support import factories, reads
from tests.support.agenda import PHONE, Clinic, on_cal_com
from tests.support.chat import MARIA, Chat
from tests.support.clock import in_two_days, on_the_hour
from tests.support.factories import MakeCompany, change, change_company, configure, whaticket_at
from tests.support.waiting import eventually


@pytest.fixture
async def clinic(make_company: MakeCompany, engine: AsyncEngine, settings: Settings) -> Clinic:
    acme = (await make_company("acme")).company.id
    await configure(engine, acme, agenda={"local": True})
    return Clinic(engine, settings, acme)


async def test_a_booking_plans_24h_and_1h_reminders_and_each_is_sent_once(clinic: Clinic) -> None:
    start = on_the_hour()
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
    # (the first appointment, a day over by then, became a no-show: its offer is the "sent")
    assert done.counts == {"skipped": 2, "sent": 1} and done.no_shows == 1
    assert done.sent_kinds == {}


async def test_exactly_once_with_two_schedulers_running_at_once(clinic: Clinic) -> None:
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


async def test_an_unconfirmed_appointment_that_ended_becomes_a_no_show_with_one_offer(
    clinic: Clinic,
) -> None:
    start = on_the_hour()
    await clinic.book(start)
    await clinic.book(start + timedelta(hours=1), "5511900000003", key="message-2")
    await clinic.book(start + timedelta(hours=2), "5511900000004", key="message-3")
    rows = await clinic.rows(Appointment, order_by=Appointment.start_at)
    # The second confirmed, the third checked in.
    await change(
        clinic.engine,
        Appointment,
        Appointment.id == rows[1].id,
        tenant=clinic.id,
        status="confirmed",
    )
    checked_in = {"status": "completed", "checked_in_at": func.now()}
    await change(
        clinic.engine, Appointment, Appointment.id == rows[2].id, tenant=clinic.id, **checked_in
    )
    done = await clinic.dispatch(start + timedelta(hours=4))
    assert done.no_shows == 1 and done.counts["attended"] == 2
    statuses = await clinic.rows(Appointment, order_by=Appointment.start_at)
    assert [s.status for s in statuses] == ["no_show", "completed", "completed"]
    offers = [m for m in await clinic.sent() if "Sentimos sua falta" in m.body]
    assert len(offers) == 1 and offers[0].phone == PHONE
    assert (await clinic.dispatch(start + timedelta(hours=5))).claimed == 0
    audit = await clinic.rows(AuditLog)
    assert [(a.actor, a.action) for a in audit] == [
        ("sistema", "appointment.no_show"),
        ("sistema", "appointment.completed"),
    ]


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


# --- answers to a reminder, through the real pipeline job ---------------------------------


async def reminded(clinic: Clinic, start: datetime) -> None:
    """Maria (`chat.MARIA`) has an appointment and got its 24h reminder."""
    await clinic.book(start, phone=MARIA)
    # The dispatcher's clock is the real one here: the reminder is "sent" now.
    mine = (Reminder.kind == "24h", Reminder.company_id == clinic.id)
    await change(clinic.engine, Reminder, *mine, due_at=func.now())
    assert (await clinic.dispatch(datetime.now(UTC))).sent_kinds == {"24h": 1}


@pytest.mark.parametrize("answer", ["1", "sim", "Confirmo", "pode confirmar", "Sim, estarei lá"])
async def test_answers_that_confirm(client: Any, clinic: Clinic, answer: str) -> None:
    chat = clinic.chat(client)
    start = on_the_hour()
    await reminded(clinic, start)
    reply = await chat.say(answer)
    assert "está confirmada" in reply
    [row] = await clinic.rows(Appointment)
    assert row.status == "confirmed" and row.confirmed_at is not None
    audit = await clinic.rows(AuditLog)
    assert [(a.actor, a.action) for a in audit] == [("cliente (WhatsApp)", "appointment.confirmed")]
    again = await chat.say("ok")
    assert "já está confirmado" in again
    metrics_text = (await (await client.get("/metrics")).get_data()).decode()
    assert "secretaria_appointment_confirmations_total 1.0" in metrics_text
    assert "secretaria_appointments_confirmed_total 1.0" in metrics_text
    assert 'secretaria_appointment_reminders_sent_total{type="24h"} 1.0' in metrics_text


@pytest.mark.parametrize("answer", ["2", "remarcar", "Não vou poder ir", "preciso reagendar"])
async def test_answers_that_reschedule_offer_fresh_times(
    client: Any, clinic: Clinic, answer: str
) -> None:
    chat = clinic.chat(client)
    start = on_the_hour()
    await reminded(clinic, start)
    offer = await chat.say(answer)
    assert "Seu horário atual é" in offer and "\n1. " in offer
    [row] = await clinic.rows(Appointment)
    assert row.status == "scheduled"


async def test_a_reminder_answer_reschedules_to_a_new_booking(client: Any, clinic: Clinic) -> None:
    chat = clinic.chat(client)
    start = on_the_hour()
    await reminded(clinic, start)
    await chat.say("2")
    ask = await chat.say("1")
    assert ask.startswith("Confirma a troca de")
    assert (await chat.say("sim")).startswith("Remarcado!")
    rows = await clinic.rows(Appointment)
    assert [r.status for r in rows] == ["rescheduled", "scheduled"]
    assert rows[0].rescheduled_to_uid == rows[1].cal_uid != rows[0].cal_uid
    assert rows[1].rescheduled_from_uid == rows[0].cal_uid
    audit = await clinic.rows(AuditLog)
    assert [a.action for a in audit] == ["appointment.rescheduled"]
    pending = [r for r in await clinic.reminders() if r.status == "pending"]
    assert {r.appointment_id for r in pending} == {2}  # only the new appointment's
    metrics_text = (await (await client.get("/metrics")).get_data()).decode()
    assert "secretaria_appointment_reschedules_total 1.0" in metrics_text


async def test_without_a_recent_reminder_a_yes_is_just_a_message(
    client: Any, clinic: Clinic
) -> None:
    chat = clinic.chat(client)
    await clinic.book(on_the_hour(), phone=MARIA)
    reply = await chat.say("sim")
    assert "confirmada" not in reply
    [row] = await clinic.rows(Appointment)
    assert row.status == "scheduled"


async def test_a_yes_to_the_no_show_offer_shows_free_times(client: Any, clinic: Clinic) -> None:
    chat = clinic.chat(client)
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
    # Booked earlier, missed.
    missed = await factories.appointment(
        clinic.engine, clinic.id, start, cal_uid="local-x", phone=MARIA, name="Maria", source="chat"
    )
    await factories.reminder(
        clinic.engine,
        clinic.id,
        missed,
        "no_show",
        starts_at=start,
        due_at=start + timedelta(hours=1),
    )
    assert (await clinic.dispatch(datetime.now(UTC))).no_shows == 1
    offer = await chat.say("sim")
    assert "Tenho estes horários livres" in offer
    metrics_text = (await (await client.get("/metrics")).get_data()).decode()
    assert "secretaria_appointment_no_show_total 1.0" in metrics_text


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


@pytest.mark.parametrize(
    "words",
    [
        "Ok, pode cancelar",
        "Sim, quero cancelar",
        "1 dúvida: posso levar meu filho?",
        "Confirma o endereço pra mim?",
        "certo, mas não vou",
        "2 pessoas vão",
    ],
)
async def test_answers_that_are_not_confirmations(client: Any, clinic: Clinic, words: str) -> None:
    chat = clinic.chat(client)
    await reminded(clinic, on_the_hour())
    await chat.say(words)
    [row] = await clinic.rows(Appointment)
    assert row.status == "scheduled"


async def test_a_check_in_wins_over_the_no_show_check(clinic: Clinic) -> None:
    from domain.agenda import attendance

    start = on_the_hour()
    await clinic.book(start)
    [row] = await clinic.rows(Appointment)
    async with clinic.engine.begin() as conn:
        tenant = await bind_tenant(conn, clinic.id)
        assert await attendance.check_in(tenant, row.id, datetime.now(UTC), "user:1")
        # The dispatcher read the appointment before the check-in committed: its update
        # finds it checked in and changes nothing.
        assert not await attendance.missed(tenant, row.id)
    done = await clinic.dispatch(start + timedelta(hours=2))
    assert done.no_shows == 0 and not [m for m in await clinic.sent()]


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


async def test_the_cron_job_sends_due_reminders_through_whaticket_once(
    make_company: MakeCompany,
    engine: AsyncEngine,
    settings: Settings,
    worker: Any,
    whaticket: Any,
) -> None:
    """The scheduler's job, with a real SAQ worker delivering to the fake Whaticket."""
    from domain import queues
    from tasks.agenda import dispatch_reminders

    acme = (await make_company("acme")).company.id
    await configure(engine, acme, agenda={"local": True}, whaticket=whaticket_at(whaticket))
    clinic = Clinic(engine, settings, acme)
    await clinic.book(on_the_hour())
    await change(engine, Reminder, Reminder.kind == "24h", due_at=func.now())
    ctx = clinic.ctx
    ctx["router"] = queues.QueueRouter(
        ctx["redis"],
        settings.redis_namespace,
        ctx["inbound_queue"],
        None,  # type: ignore[arg-type]
    )
    assert await dispatch_reminders(ctx) == {"sent": 1, "unqueued": 0}
    assert await dispatch_reminders(ctx) == {"unqueued": 0}
    await eventually(lambda: _sent(whaticket))
    [payload] = whaticket.sent
    assert payload["number"] == PHONE and "Lembrete do seu horário" in payload["body"]
    [delivered] = await eventually(lambda: clinic.rows(Message, where=Message.status == "sent"))
    assert delivered.status == "sent"
    await asyncio.sleep(0.5)  # a second send would have arrived by now
    assert len(whaticket.sent) == 1


async def _sent(fake: Any) -> bool:
    return bool(fake.sent)


async def test_a_reminder_answer_reschedules_in_cal_com_with_fresh_availability(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    start = in_two_days()
    later = start + timedelta(hours=3)
    async with on_cal_com(make_company, engine, settings, {start}) as (acme, ctx, fake):
        chat = Chat(client, engine, ctx, acme)
        await chat.say("quero agendar")
        assert "Pronto!" in await chat.say("1")
        clinic = Clinic(engine, settings, acme)
        await change(engine, Reminder, Reminder.kind == "24h", due_at=func.now())
        assert (await clinic.dispatch(datetime.now(UTC))).sent_kinds == {"24h": 1}
        fake.free.add(later)  # a time freed since the booking: availability is asked again
        offer = await chat.say("não vou poder")
        assert "Seu horário atual é" in offer and "1. " in offer
        assert (await chat.say("1")).startswith("Confirma a troca")
        assert (await chat.say("sim")).startswith("Remarcado!")
        rows = await clinic.rows(Appointment)
        assert [r.status for r in rows] == ["rescheduled", "scheduled"]
        assert rows[1].start_at == later and rows[1].cal_uid in {
            b.uid for b in fake.bookings.values()
        }
        assert rows[1].cal_uid != rows[0].cal_uid
        assert len([r for r in fake.requests if "reschedule" in r["path"]]) == 1


async def test_a_simulator_customer_gets_its_reminder_in_the_panel_never_sent(
    make_company: MakeCompany, engine: AsyncEngine, settings: Settings, whaticket: Any
) -> None:
    """Someone who booked from the panel's simulator has a "sim…" phone: even with Whaticket
    configured, the reminder is written as simulated and never queued for delivery."""
    acme = (await make_company("acme")).company.id
    await configure(engine, acme, agenda={"local": True}, whaticket=whaticket_at(whaticket))
    clinic = Clinic(engine, settings, acme)
    start = on_the_hour()
    await clinic.book(start, phone="sim7")
    await clinic.book(start, phone=PHONE, key="message-2")
    done = await clinic.dispatch(start - timedelta(hours=24))
    assert done.sent_kinds == {"24h": 2} and len(done.messages) == 1
    sent = {m.phone: m.status for m in await clinic.sent()}
    assert sent == {"sim7": "simulated", PHONE: "pending"}
