"""What an operator does in the Agenda (domain/agenda/front_desk.py): a time is booked once
unless the operator insists (and the database holds it), closed hours are refused, check-in
and no-show wait for their time, and edit, reschedule and cancel keep the reminders in step,
through Cal.com when the company books there."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.agenda import front_desk
from domain.agenda.booking_flow import BookingFlow
from domain.agenda.flow_state import FlowState
from domain.agenda.models import Appointment, Reminder
from domain.agenda.store import SlotTaken, upsert_booking
from domain.db import TenantDatabase
from domain.errors import Conflict
from domain.settings import Settings
from domain.tenancy.directory import CompanyDirectory
from tests.support.agenda import Clinic, on_cal_com
from tests.support.clock import workday_at
from tests.support.factories import MakeCompany

ANA, BIA = "5511900000001", "5511900000002"


async def book(clinic: Clinic, start: datetime, phone: str = ANA, **extra: Any) -> int:
    company = await clinic.directory.profile(clinic.id)
    return await front_desk.book(
        clinic.engine,
        None,  # type: ignore[arg-type]  # the local calendar needs no Cal.com client
        clinic.settings,
        company,
        start,
        phone,
        "Ana" if phone == ANA else "Bia",
        f"panel-{phone}-{start.timestamp()}",
        "user:1",
        **extra,
    )


async def test_a_taken_time_is_refused_then_booked_on_the_operators_word(clinic: Clinic) -> None:
    nine = workday_at(9)
    first = await book(clinic, nine)
    with pytest.raises(front_desk.SlotConflict) as refused:
        await book(clinic, nine + timedelta(minutes=15), BIA)  # overlaps 09:00–09:30
    assert [row.id for row in refused.value.clashes] == [first]
    second = await book(clinic, nine, BIA, override=True)
    rows = await clinic.rows(Appointment, order_by=Appointment.id)
    assert [(r.id, r.status, r.overbooked) for r in rows] == [
        (first, "scheduled", False),
        (second, "scheduled", True),
    ]
    assert await book(clinic, nine + timedelta(minutes=30), BIA)  # the next slot is free


async def test_the_database_refuses_a_double_booking_whoever_writes_it(clinic: Clinic) -> None:
    """Two writers racing past every check: the exclusion constraint keeps one; a Cal.com
    booking (Cal.com arbitrates its own calendar) and an override are exempt."""
    nine = workday_at(9)
    await clinic.book(nine, ANA, key="message-1")
    with pytest.raises(SlotTaken) as taken:
        await clinic.book(nine, BIA, key="message-2")
    assert taken.value.kind == "conflict"  # what every booking flow already answers
    async with clinic.db.transaction() as conn:
        cal = {"start_at": nine, "end_at": nine + timedelta(minutes=30), "source": "calcom"}
        await upsert_booking(conn, {**cal, "cal_uid": "cal-uid-1", "status": "scheduled"})
    assert len(await clinic.rows(Appointment)) == 2


async def test_a_chat_booking_that_loses_the_race_is_offered_other_times(clinic: Clinic) -> None:
    nine = workday_at(9)
    await clinic.book(nine, BIA, key="message-1")  # taken a moment after it was offered
    flow = BookingFlow(FlowState(clinic.ctx["redis"], clinic.settings.redis_namespace), clinic.db)
    state = {"kind": "schedule", "options": [nine.isoformat()]}
    now = datetime.now(UTC)
    turn = await flow.answer(await clinic.agenda(), state, "1", ANA, "Ana", 7, now)
    assert turn is not None and "horários livres" in turn.body
    assert [r.phone for r in await clinic.rows(Appointment)] == [BIA]


async def test_a_closed_day_or_hour_is_refused_with_its_reason_unless_overridden(
    clinic: Clinic,
) -> None:
    monday = workday_at(9)
    sunday = monday + timedelta(days=6 - monday.weekday())
    with pytest.raises(front_desk.ClosedTime) as refused:
        await book(clinic, sunday)
    assert refused.value.reason == "domingo é dia fechado"
    with pytest.raises(front_desk.ClosedTime) as lunch:
        await book(clinic, monday.replace(hour=12))
    assert "fora do horário de atendimento" in lunch.value.reason
    assert await book(clinic, sunday, override=True)
    [row] = await clinic.rows(Appointment)
    assert not row.overbooked  # closed, but over no one


async def test_check_in_opens_shortly_before_and_no_show_after_the_start_plus_grace(
    clinic: Clinic,
) -> None:
    start = workday_at(10)
    appointment_id = await book(clinic, start)
    grace = timedelta(minutes=clinic.settings.no_show_grace_minutes)
    row = (await clinic.rows(Appointment))[0]
    assert not front_desk.may_check_in(row, start - timedelta(minutes=31))
    assert front_desk.may_check_in(row, start - timedelta(minutes=30))
    assert not front_desk.may_mark_no_show(row, start + grace - timedelta(seconds=1), grace)
    assert front_desk.may_mark_no_show(row, start + grace, grace)

    async def attempt(action: Any, now: datetime, *extra: Any) -> Any:
        async with clinic.engine.begin() as conn:
            return await action(conn, clinic.id, appointment_id, now, "user:1", *extra)

    with pytest.raises(Conflict) as early:
        await attempt(front_desk.mark_no_show, start + timedelta(minutes=5), grace)
    assert early.value.code == "no_show_too_early" and early.value.status == 409
    with pytest.raises(Conflict) as too_soon:
        await attempt(front_desk.check_in, start - timedelta(hours=2))
    assert too_soon.value.code == "check_in_too_early"
    assert [r.status for r in await clinic.rows(Appointment)] == ["scheduled"]
    assert not [r for r in await clinic.reminders() if r.kind == "no_show" and r.due_at < start]

    assert await attempt(front_desk.mark_no_show, start + grace, grace)
    assert await attempt(front_desk.check_in, start + grace)  # arrived late after all
    assert [r.status for r in await clinic.rows(Appointment)] == ["completed"]


async def test_edit_reschedule_and_cancel_keep_the_reminders_in_step(clinic: Clinic) -> None:
    company = await clinic.directory.profile(clinic.id)
    start = workday_at(10, after=3)
    first = await book(clinic, start)
    change = front_desk.Change(name="Ana Lima", phone=BIA, notes="alérgica", start=start)

    async def edit(appointment_id: int, change: front_desk.Change, **extra: Any) -> int:
        return await front_desk.edit(
            clinic.engine, None, clinic.settings, company, appointment_id, change, "user:1",
            **extra,
        )  # fmt: skip

    assert await edit(first, change) == first  # same time: edited in place
    [row] = await clinic.rows(Appointment)
    assert (row.name, row.phone, row.notes) == ("Ana Lima", BIA, "alérgica")

    later = workday_at(14, after=4)  # an afternoon a day or more later
    moved = await edit(first, front_desk.Change("Ana Lima", BIA, "alérgica", later))
    old, new = await clinic.rows(Appointment, order_by=Appointment.id)
    assert (old.status, old.rescheduled_to_uid) == ("rescheduled", new.cal_uid)
    assert (new.id, new.start_at, new.name, new.notes, new.status) == (
        moved, later, "Ana Lima", "alérgica", "scheduled"
    )  # fmt: skip
    reminders = await clinic.reminders()
    assert {r.status for r in reminders if r.appointment_id == first} == {"dropped"}
    assert {r.status for r in reminders if r.appointment_id == moved} == {"pending"}
    assert {r.kind for r in reminders if r.appointment_id == moved} >= {"24h", "no_show"}

    # A move within its own slot does not collide with itself.
    nudged = await edit(
        moved, front_desk.Change("Ana Lima", BIA, None, later + timedelta(minutes=15))
    )
    with pytest.raises(Conflict) as gone:
        await edit(moved, change)
    assert gone.value.code == "appointment_not_active"

    await front_desk.cancel(
        clinic.engine, None, clinic.settings, company, nudged, "user:1", "gripe"
    )  # type: ignore[arg-type]
    last = (await clinic.rows(Appointment, where=Appointment.id == nudged))[0]
    assert (last.status, last.cancellation_reason) == ("cancelled", "gripe")
    mine = [r for r in await clinic.reminders() if r.appointment_id == nudged]
    assert mine and {r.status for r in mine} == {"dropped"}
    with pytest.raises(Conflict):
        await front_desk.cancel(clinic.engine, None, clinic.settings, company, nudged, "user:1")  # type: ignore[arg-type]


async def test_on_cal_com_reschedule_and_cancel_go_through_cal_com(
    make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    start = workday_at(10, after=3)
    later = start + timedelta(days=1)
    async with on_cal_com(make_company, engine, settings, {start, later}) as (acme, ctx, fake):
        company = await CompanyDirectory(engine).profile(acme)
        assert company is not None
        calcom = ctx["calcom"]
        booked = await front_desk.book(
            engine, calcom, settings, company, start, ANA, "Ana", "panel-1", "user:1"
        )
        change = front_desk.Change("Ana", ANA, None, later)
        moved = await front_desk.edit(engine, calcom, settings, company, booked, change, "user:1")
        await front_desk.cancel(engine, calcom, settings, company, moved, "user:1", "desistiu")
        db = TenantDatabase(engine, acme)
        async with db.reading() as conn:
            from sqlalchemy import select

            rows = list(await conn.execute(select(Appointment).order_by(Appointment.id)))
        assert [r.status for r in rows] == ["rescheduled", "cancelled"]
        statuses = {b.uid: b.status for b in fake.bookings.values()}
        assert statuses[rows[0].cal_uid] == "cancelled" and statuses[rows[1].cal_uid] == "cancelled"
        new = fake.bookings[rows[1].cal_uid]
        assert new.rescheduling_reason == "Remarcado pela clínica"
        assert new.cancellation_reason == "desistiu"
        assert not await _pending(engine, acme)


async def _pending(engine: AsyncEngine, company_id: int) -> list[Any]:
    from tests.support.reads import rows

    return await rows(
        engine, Reminder, where=(Reminder.company_id == company_id, Reminder.status == "pending")
    )
