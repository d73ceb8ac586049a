"""Pós-Atendimento in tests: an appointment that happened and whose follow-up went out, and
running the follow-up dispatcher with an injected clock."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func

from domain.agenda.models import Appointment
from domain.feedback.followups import FollowupDispatcher
from domain.feedback.models import Followup
from domain.tenancy.directory import CompanyDirectory
from tests.support.agenda import Clinic
from tests.support.chat import MARIA
from tests.support.clock import workday_at
from tests.support.factories import change


async def dispatch_followups(clinic: Clinic, now: datetime, limit: int = 200) -> Any:
    """One scheduler batch, committed, as tasks/feedback.py runs it (a fresh directory: a
    setting the test just changed counts at once)."""
    directory = CompanyDirectory(clinic.engine)
    async with clinic.engine.begin() as conn:
        done = await FollowupDispatcher(directory, clinic.settings).run(conn, now, limit)
    done.count()
    return done


async def attended(
    clinic: Clinic, start: datetime, phone: str = MARIA, key: str = "m1", **columns: Any
) -> int:
    """An appointment booked and checked in: its id."""
    uid = await clinic.book(start, phone=phone, key=key)
    [row] = await clinic.rows(Appointment, where=Appointment.cal_uid == uid)
    await clinic.change_appointment(row.id, status="completed", checked_in_at=start, **columns)
    return int(row.id)


async def followed_up(
    clinic: Clinic, kind: str = "csat", phone: str = MARIA, n: int = 0, **columns: Any
) -> int:
    """Maria (or `phone`) came to an appointment and its follow-up (`kind`) went out just
    now: the follow-up's id."""
    start = workday_at(10) + timedelta(hours=n)
    appointment = await attended(clinic, start, phone, f"m{n}", **columns)
    done = await dispatch_followups(clinic, start + timedelta(hours=3))
    assert done.counts == {"sent": 1}
    mine = (Followup.company_id == clinic.id, Followup.appointment_id == appointment)
    await change(clinic.engine, Followup, *mine, kind=kind, sent_at=func.now())
    [row] = await clinic.rows(Followup, where=mine)
    return int(row.id)


OTHER = "5511955554444"  # a second customer, who does not answer


async def some_answers(client: Any, clinic: Clinic) -> None:
    """Maria answered her follow-up with words (a comment), a second customer got hers and
    has not answered: what the tab and the API show."""
    await followed_up(clinic, payload={"organizer": {"name": "Dra. Ana Lima"}})
    await clinic.chat(client).say("Foi tudo ótimo, a doutora é um amor")
    await followed_up(clinic, phone=OTHER, n=1)
