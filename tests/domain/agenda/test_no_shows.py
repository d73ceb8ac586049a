"""The no-show check after an appointment (G6): one that ended unconfirmed becomes a no-show
and gets one offer of new times; a check-in wins over the check. The dispatcher is given `now`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func

from domain.agenda import reminders
from domain.agenda.models import Appointment
from domain.db import bind_tenant
from domain.operations.models import AuditLog
from tests.support.agenda import PHONE, Clinic
from tests.support.clock import on_the_hour


async def test_an_unconfirmed_appointment_that_ended_becomes_a_no_show_with_one_offer(
    clinic: Clinic,
) -> None:
    start = on_the_hour()
    await clinic.book(start)
    await clinic.book(start + timedelta(hours=1), "5511900000003", key="message-2")
    await clinic.book(start + timedelta(hours=2), "5511900000004", key="message-3")
    rows = await clinic.rows(Appointment, order_by=Appointment.start_at)
    # The second confirmed, the third checked in.
    await clinic.change_appointment(rows[1].id, status="confirmed")
    await clinic.change_appointment(rows[2].id, status="completed", checked_in_at=func.now())
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


async def test_no_offer_for_an_appointment_recorded_after_its_start(clinic: Clinic) -> None:
    """Typed in after it began (or learned of late from Cal.com): nobody missed it on our
    word, so no "Sentimos sua falta…", whatever asks for the check."""
    start = (datetime.now(UTC) - timedelta(hours=3)).replace(minute=0, second=0, microsecond=0)
    await clinic.book(start)
    assert [r.kind for r in await clinic.reminders()] == []  # no check planned
    (row,) = await clinic.rows(Appointment)
    async with clinic.engine.begin() as conn:  # as Cal.com's no-show or an old plan would
        await reminders.no_show_now(conn, clinic.id, row.id, start, datetime.now(UTC))
    done = await clinic.dispatch(datetime.now(UTC))
    assert done.no_shows == 0 and await clinic.sent() == []
    assert [(r.status, r.reason) for r in await clinic.reminders()] == [("dropped", "booked_late")]


async def test_a_no_show_check_run_a_day_late_sends_nothing(clinic: Clinic) -> None:
    start = on_the_hour()
    await clinic.book(start)
    done = await clinic.dispatch(start + timedelta(days=1))
    assert done.no_shows == 1 and await clinic.sent() == []
    (row,) = await clinic.rows(Appointment)
    assert row.status == "no_show"
