"""A company on the local calendar, and what the agenda tests do with it: book through the
booking flow, run the reminder dispatcher with an injected clock, read what it did."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.agenda.booking_flow import BookingFlow
from domain.agenda.config import agenda_for
from domain.agenda.dispatcher import Dispatcher
from domain.agenda.flow_state import FlowState
from domain.agenda.models import Appointment, Reminder
from domain.conversations.models import Message
from domain.db import TenantDatabase
from domain.integrations.calcom import CalcomClient
from domain.settings import Settings
from domain.tenancy.directory import CompanyDirectory
from tests.fakes.calcom import FakeCalcom
from tests.fakes.server import LocalServer
from tests.support.chat import Chat
from tests.support.factories import MakeCompany, change, configure
from tests.support.jobs import job_context
from tests.support.reads import Where, rows

PHONE = "5511977776666"  # the customer `book` books for, unless told otherwise


class Clinic:
    """A company on the local calendar, and what the tests do with it."""

    def __init__(self, engine: AsyncEngine, settings: Settings, company_id: int) -> None:
        self.engine, self.settings, self.id = engine, settings, company_id
        self.ctx = job_context(engine, settings)
        self.db = TenantDatabase(engine, company_id)
        self.flow = BookingFlow(FlowState(self.ctx["redis"], settings.redis_namespace), self.db)
        self.directory = CompanyDirectory(engine)

    async def agenda(self) -> Any:
        company = await self.directory.profile(self.id)
        return agenda_for(company, self.settings, None)

    async def book(self, start: datetime, phone: str = PHONE, key: str = "message-1") -> str:
        booked = await self.flow.book(await self.agenda(), start, phone, "Maria Souza", key=key)
        return str(booked["cal_uid"])

    async def dispatch(self, now: datetime, limit: int = 500) -> Any:
        """One scheduler batch, committed, as tasks/agenda.py runs it."""
        async with self.engine.begin() as conn:
            done = await Dispatcher(self.directory, self.settings).run(conn, now, limit)
        done.count()
        return done

    async def change_appointment(self, appointment_id: int, **columns: Any) -> None:
        """Set columns of one of the clinic's appointments (as the panel or Cal.com would)."""
        this = Appointment.id == appointment_id
        await change(self.engine, Appointment, this, tenant=self.id, **columns)

    def chat(self, client: Any) -> Chat:
        """Maria (`chat.MARIA`) writing to the clinic, each message's job run at once."""
        return Chat(client, self.engine, self.ctx, self.id)

    async def rows(self, *what: Any, where: Where = (), order_by: Any = None) -> list[Any]:
        """`reads.rows` of the clinic's schema (a public table's rows are the clinic's only
        when `where` says so)."""
        return await rows(self.engine, *what, tenant=self.id, where=where, order_by=order_by)

    async def reminders(self) -> list[Any]:
        """The clinic's reminders, by due time."""
        mine = Reminder.company_id == self.id
        return await self.rows(Reminder, where=mine, order_by=[Reminder.due_at, Reminder.id])

    async def sent(self) -> list[Any]:
        """The reminder messages written (sent, queued or waiting in the outbox)."""
        return await self.rows(Message, where=Message.source == "reminder")


@contextlib.asynccontextmanager
async def on_cal_com(
    make_company: MakeCompany, engine: AsyncEngine, settings: Settings, free: set[datetime]
) -> AsyncIterator[tuple[int, dict[str, Any], FakeCalcom]]:
    """Company acme booking in a fake Cal.com (API v2) with these free times: its id, the
    job context that books there, and the fake."""
    fake = FakeCalcom(free=free)
    async with LocalServer(fake.app()) as url, httpx.AsyncClient() as http:
        acme = (await make_company("acme")).company.id
        cal = {"base_url": f"{url}/v2", "api_key": fake.api_key, "event_type_id": 1234}
        await configure(engine, acme, cal=cal)
        yield acme, job_context(engine, settings, calcom=CalcomClient(http)), fake
