"""Cal.com's bookings get the follow-up too (G7): MEETING_ENDED for a confirmed booking makes
it one that happened, and the follow-up names the professional (Cal.com's organizer); a
booking cancelled in Cal.com never gets one."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.agenda.models import Appointment
from domain.conversations.models import Message
from domain.settings import Settings
from tests.support.agenda import Clinic
from tests.support.calcom import CAL, signed, with_webhook_secret
from tests.support.clock import workday_at
from tests.support.factories import Cast
from tests.support.feedback import dispatch_followups


async def deliver(client: Any, trigger: str, start: datetime, created: str) -> Any:
    """The fixture's booking (Lucía, organizer Dra. Marta Ruiz) at `start`, as `trigger`."""
    payload = json.loads((CAL / "webhook_booking_created.json").read_text())["payload"]
    payload |= {
        "startTime": start.isoformat(),
        "endTime": (start + timedelta(minutes=30)).isoformat(),
    }
    body = json.dumps(
        {"triggerEvent": trigger, "createdAt": created, "payload": payload},
        separators=(",", ":"),
    ).encode()
    response = await client.post("/api/agenda/webhook/cal", data=body, headers=signed(body))
    assert response.status_code == 200, await response.get_data(as_text=True)
    return await response.get_json()


@pytest.fixture
async def booked(
    client: Any, engine: AsyncEngine, settings: Settings, cast: Cast
) -> tuple[Clinic, datetime]:
    """Company A got the fixture's booking from Cal.com, on a coming workday at 10:00."""
    a = cast.a.company.id
    await with_webhook_secret(engine, a)
    start = workday_at(10)
    await deliver(client, "BOOKING_CREATED", start, "2026-03-01T10:00:00Z")
    return Clinic(engine, settings, a), start


async def test_meeting_ended_for_a_confirmed_booking_gets_the_follow_up(
    client: Any, booked: tuple[Clinic, datetime]
) -> None:
    clinic, start = booked
    [row] = await clinic.rows(Appointment)
    await clinic.change_appointment(row.id, status="confirmed", confirmed_at=start)
    ended = await deliver(client, "MEETING_ENDED", start, "2026-03-10T12:00:00Z")
    assert ended["outcome"] == "completed"
    done = await dispatch_followups(clinic, start + timedelta(minutes=95))
    assert done.counts == {"sent": 1}
    [message] = [m for m in await clinic.rows(Message) if m.source == "followup"]
    assert message.phone == "34612345678"
    assert "Como foi seu atendimento com Dra. Marta Ruiz na Acme?" in message.body


async def test_a_booking_cancelled_in_cal_com_gets_none(
    client: Any, booked: tuple[Clinic, datetime]
) -> None:
    clinic, start = booked
    await deliver(client, "BOOKING_CANCELLED", start, "2026-03-02T10:00:00Z")
    done = await dispatch_followups(clinic, start + timedelta(hours=2))
    assert done.counts == {"dropped": 1}
    assert [m for m in await clinic.rows(Message) if m.source == "followup"] == []


async def test_meeting_ended_brings_back_a_follow_up_dropped_before_anyone_said_it_happened(
    client: Any, booked: tuple[Clinic, datetime]
) -> None:
    clinic, start = booked
    # Past the end and the no-show grace, nobody had confirmed it: the follow-up is dropped.
    assert (await dispatch_followups(clinic, start + timedelta(hours=2))).counts == {"dropped": 1}
    [row] = await clinic.rows(Appointment)
    await clinic.change_appointment(row.id, status="confirmed", confirmed_at=start)
    ended = await deliver(client, "MEETING_ENDED", start, "2026-03-10T12:00:00Z")
    assert ended["outcome"] == "completed"
    assert (await dispatch_followups(clinic, start + timedelta(hours=2))).counts == {"sent": 1}
    assert (await dispatch_followups(clinic, start + timedelta(hours=3))).claimed == 0
    assert len([m for m in await clinic.rows(Message) if m.source == "followup"]) == 1
