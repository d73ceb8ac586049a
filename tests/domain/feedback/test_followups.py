"""The follow-up after an appointment (G7): planned with the booking, sent once an hour after
an appointment that happened, never for a no-show or a cancellation, never in the quiet hours,
once even with several schedulers. The clock is injected: the dispatcher is given `now`."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from domain.agenda import front_desk
from domain.agenda.models import Appointment
from domain.conversations.models import Message
from domain.feedback.models import Followup
from tests.support import reads
from tests.support.agenda import PHONE, Clinic
from tests.support.clock import workday_at
from tests.support.factories import configure
from tests.support.feedback import attended, dispatch_followups

SP = ZoneInfo("America/Sao_Paulo")


async def followups(clinic: Clinic) -> list[Any]:
    mine = Followup.company_id == clinic.id
    return await clinic.rows(Followup, where=mine, order_by=Followup.id)


async def sent(clinic: Clinic) -> list[Any]:
    return await clinic.rows(Message, where=Message.source == "followup", order_by=Message.id)


async def test_the_follow_up_goes_out_an_hour_after_the_end_once(clinic: Clinic) -> None:
    start = workday_at(10)  # 30-minute slot: ends 10:30, follow-up at 11:30
    await attended(clinic, start, PHONE)
    [planned] = await followups(clinic)
    assert planned.status == "pending" and planned.due_at == start + timedelta(minutes=30)
    # At the end: it waits for the company's delay.
    early = await dispatch_followups(clinic, start + timedelta(minutes=30))
    assert early.counts == {"waiting": 1} and await sent(clinic) == []
    assert (await dispatch_followups(clinic, start + timedelta(minutes=89))).claimed == 0
    done = await dispatch_followups(clinic, start + timedelta(minutes=90))
    assert done.counts == {"sent": 1} and done.kinds == {"csat": 1}
    [message] = await sent(clinic)
    assert message.phone == PHONE and message.status == "outbox"
    assert message.body.startswith("Olá, Maria! Como foi seu atendimento na ")
    assert "1 😞" in message.body and "5 😍" in message.body
    # Again, and later: nothing new.
    assert (await dispatch_followups(clinic, start + timedelta(minutes=90))).claimed == 0
    assert (await dispatch_followups(clinic, start + timedelta(days=2))).claimed == 0
    [row] = await followups(clinic)
    assert (row.status, row.kind, row.stage, row.message_id) == (
        "sent",
        "csat",
        "score",
        message.id,
    )


async def test_a_confirmed_appointment_that_ended_gets_one_too(clinic: Clinic) -> None:
    start = workday_at(10)
    uid = await clinic.book(start)
    [row] = await clinic.rows(Appointment, where=Appointment.cal_uid == uid)
    await clinic.change_appointment(row.id, status="confirmed", confirmed_at=start)
    assert (await dispatch_followups(clinic, start + timedelta(minutes=95))).counts == {"sent": 1}


async def test_no_follow_up_for_a_no_show_or_a_cancellation(clinic: Clinic) -> None:
    start = workday_at(10)
    missed = await clinic.book(start, phone="5511900000001", key="m1")
    cancelled = await clinic.book(start + timedelta(hours=1), phone="5511900000002", key="m2")
    unknown = await clinic.book(start + timedelta(hours=2), phone="5511900000003", key="m3")
    for uid, status in ((missed, "no_show"), (cancelled, "cancelled")):
        [row] = await clinic.rows(Appointment, where=Appointment.cal_uid == uid)
        await clinic.change_appointment(row.id, status=status)
    del unknown  # neither confirmed nor checked in: nobody says it happened
    done = await dispatch_followups(clinic, start + timedelta(hours=5))
    assert done.counts == {"dropped": 3} and await sent(clinic) == []
    assert sorted(r.reason for r in await followups(clinic)) == ["cancelled", "no_show", "unknown"]


async def test_quiet_hours_hold_it_until_morning(clinic: Clinic) -> None:
    await configure(
        clinic.engine, clinic.id, agenda={"local": True}, followup={"quiet_hours": "20:00-08:30"}
    )
    start = workday_at(19)  # ends 19:30, due 20:30: inside the quiet hours
    await attended(clinic, start, PHONE)
    night = start + timedelta(minutes=90)
    assert (await dispatch_followups(clinic, night)).counts == {"waiting": 1}
    [row] = await followups(clinic)
    morning = (start + timedelta(days=1)).replace(hour=8, minute=30)
    assert row.due_at.astimezone(SP) == morning
    assert (await dispatch_followups(clinic, morning - timedelta(minutes=1))).claimed == 0
    assert (await dispatch_followups(clinic, morning)).counts == {"sent": 1}
    assert len(await sent(clinic)) == 1


async def test_switched_off_it_sends_nothing_and_a_custom_text_names_the_professional(
    clinic: Clinic,
) -> None:
    await configure(clinic.engine, clinic.id, agenda={"local": True}, followup={"enabled": False})
    start = workday_at(10)
    await attended(clinic, start, PHONE)
    assert (await dispatch_followups(clinic, start + timedelta(hours=2))).counts == {"dropped": 1}
    text = "Oi {cliente}, obrigado pela visita com {profissional}! Como foi?"
    await configure(clinic.engine, clinic.id, agenda={"local": True}, followup={"text": text})
    later = start + timedelta(hours=1)
    appointment = await attended(clinic, later, phone="5511900000009", key="m2")
    payload = {"organizer": {"name": "Dra. Ana Lima"}}
    await clinic.change_appointment(appointment, payload=payload)
    assert (await dispatch_followups(clinic, later + timedelta(hours=2))).counts == {"sent": 1}
    [message] = await sent(clinic)
    assert message.body.startswith("Oi Maria, obrigado pela visita com Dra. Ana Lima! Como foi?")


async def test_every_nth_follow_up_asks_nps(clinic: Clinic) -> None:
    await configure(clinic.engine, clinic.id, agenda={"local": True}, followup={"nps_every": 3})
    start = workday_at(9)
    for n in range(6):
        await attended(clinic, start + timedelta(minutes=30 * n), f"55119000000{n:02d}", f"m{n}")
    done = await dispatch_followups(clinic, start + timedelta(hours=6))
    assert done.kinds == {"csat": 4, "nps": 2}
    nps = [m.body for m in await sent(clinic) if "De 0 a 10" in m.body]
    assert len(nps) == 2 and "recomendaria" in nps[0]


async def test_exactly_once_with_two_schedulers_running_at_once(clinic: Clinic) -> None:
    await configure(clinic.engine, clinic.id, agenda={"local": True, "slot_minutes": 1})
    start = workday_at(9)
    for n in range(80):
        await attended(clinic, start + timedelta(minutes=n), f"55119{n:08d}", f"m{n}")
    now = start + timedelta(hours=4)

    async def pending() -> int:
        due = (Followup.status == "pending", Followup.due_at <= now)
        return await reads.count(clinic.engine, Followup, where=due)

    async def scheduler() -> int:
        claimed = 0
        while await pending():
            claimed += (await dispatch_followups(clinic, now, limit=10)).claimed
            await asyncio.sleep(0)
        return claimed

    claims = await asyncio.gather(scheduler(), scheduler())
    assert sum(claims) == 80 and all(claims)
    messages = await sent(clinic)
    assert len(messages) == 80 and len({m.phone for m in messages}) == 80
    # A restart (a third scheduler later) finds nothing left.
    assert (await dispatch_followups(clinic, now + timedelta(minutes=5))).claimed == 0


async def checked_in(clinic: Clinic, appointment_id: int, now: Any) -> bool:
    """The operator clicks "Chegou" at `now`."""
    async with clinic.engine.begin() as conn:
        return await front_desk.check_in(conn, clinic.id, appointment_id, now, "user:1")


async def test_a_late_check_in_within_the_grace_still_gets_its_follow_up_once(
    clinic: Clinic,
) -> None:
    start = workday_at(10)  # ends 10:30; the no-show check at 10:30 + the grace
    grace = timedelta(minutes=clinic.settings.no_show_grace_minutes)
    uid = await clinic.book(start)
    [row] = await clinic.rows(Appointment, where=Appointment.cal_uid == uid)
    # Due at the end, nobody has said the customer came yet: it waits, it is not dropped.
    end = start + timedelta(minutes=30)
    assert (await dispatch_followups(clinic, end)).counts == {"waiting": 1}
    [waiting] = await followups(clinic)
    assert waiting.status == "pending" and waiting.due_at == end + grace
    arrived = end + grace - timedelta(minutes=1)
    assert await checked_in(clinic, row.id, arrived)
    # It happened: no more waiting for the grace (second QA pass), only for the delay.
    [due] = await followups(clinic)
    assert due.due_at == arrived
    assert (await dispatch_followups(clinic, arrived)).counts == {"waiting": 1}  # the delay
    assert (await dispatch_followups(clinic, end + timedelta(hours=1))).counts == {"sent": 1}
    assert (await dispatch_followups(clinic, end + timedelta(hours=3))).claimed == 0
    assert len(await sent(clinic)) == 1


async def test_a_no_show_corrected_to_arrived_brings_the_follow_up_back_once(
    clinic: Clinic,
) -> None:
    start = workday_at(10)
    uid = await clinic.book(start)
    [row] = await clinic.rows(Appointment, where=Appointment.cal_uid == uid)
    await clinic.change_appointment(row.id, status="no_show")
    done = await dispatch_followups(clinic, start + timedelta(hours=2))
    assert done.counts == {"dropped": 1} and await sent(clinic) == []
    # The operator corrects it: "Chegou". The follow-up is due again, now.
    correction = start + timedelta(hours=3)
    assert await checked_in(clinic, row.id, correction)
    [back] = await followups(clinic)
    assert (back.status, back.reason, back.due_at) == ("pending", None, correction)
    assert (await dispatch_followups(clinic, correction)).counts == {"sent": 1}
    # Checked in again, or dispatched again: still one message.
    assert not await checked_in(clinic, row.id, correction + timedelta(minutes=5))
    assert (await dispatch_followups(clinic, correction + timedelta(hours=1))).claimed == 0
    assert len(await sent(clinic)) == 1


async def test_a_no_show_stays_without_a_follow_up(clinic: Clinic) -> None:
    start = workday_at(10)
    await clinic.book(start)
    # Nobody checks in: the follow-up waits until the grace has passed, then it is dropped.
    late = start + timedelta(minutes=30) + timedelta(minutes=clinic.settings.no_show_grace_minutes)
    assert (await dispatch_followups(clinic, late - timedelta(minutes=1))).counts == {"waiting": 1}
    assert (await dispatch_followups(clinic, late)).counts == {"dropped": 1}
    assert (await dispatch_followups(clinic, late + timedelta(days=1))).claimed == 0
    assert await sent(clinic) == []
