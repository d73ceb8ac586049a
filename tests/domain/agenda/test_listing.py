"""The appointments listing (domain/agenda/listing.py) over real PostgreSQL: whole days where
the company is, both ends inclusive, and the filter of statuses the API documents."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import get_args
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.agenda.listing import StatusFilter, list_appointments
from domain.agenda.models import STATUSES
from domain.errors import InvalidField
from domain.tenancy.directory import CompanyDirectory
from tests.support import factories
from tests.support.factories import MakeCompany

SAO_PAULO = ZoneInfo("America/Sao_Paulo")


async def booked(engine: AsyncEngine, company_id: int, *starts: tuple[str, datetime, str]) -> None:
    """Ana's appointments: (cal_uid, start, status) each."""
    for uid, start, status in starts:
        await factories.appointment(engine, company_id, start, cal_uid=uid, status=status)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=SAO_PAULO)


def test_the_status_filter_is_every_appointment_status_and_unconfirmed() -> None:
    assert get_args(StatusFilter) == (*STATUSES, "unconfirmed")


async def test_a_range_is_whole_days_where_the_company_is(
    engine: AsyncEngine, make_company: MakeCompany
) -> None:
    company_id = (await make_company()).company.id
    await booked(
        engine,
        company_id,
        ("day-before", at(9, 23, 59), "scheduled"),
        ("first-minute", at(10, 0), "scheduled"),
        ("last-slot", at(10, 23, 30), "confirmed"),
        ("next-day", at(11, 0), "scheduled"),
    )
    company = await CompanyDirectory(engine).profile(company_id)
    now = datetime.now(UTC)
    async with engine.connect() as conn:
        day = await list_appointments(
            conn, company, now, first=date(2026, 3, 10), last=date(2026, 3, 10)
        )
        unconfirmed = await list_appointments(
            conn,
            company,
            now,
            first=date(2026, 3, 10),
            last=date(2026, 3, 11),
            status="unconfirmed",
        )
    assert [row.cal_uid for row in day.appointments] == ["first-minute", "last-slot"]
    assert day.as_json()["appointments"][1]["start"] == "2026-03-10T23:30:00-03:00"
    assert [row.cal_uid for row in unconfirmed.appointments] == ["first-minute", "next-day"]


async def test_without_dates_it_is_the_company_s_today_and_the_week_after(
    engine: AsyncEngine, make_company: MakeCompany
) -> None:
    company_id = (await make_company()).company.id
    # 02:00 UTC on the 10th is still the 9th in São Paulo.
    now = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
    await booked(
        engine,
        company_id,
        ("earlier-today", at(9, 9), "completed"),
        ("seventh-day", at(16, 23), "scheduled"),
        ("eighth-day", at(17, 0, 30), "scheduled"),
    )
    company = await CompanyDirectory(engine).profile(company_id)
    async with engine.connect() as conn:
        week = await list_appointments(conn, company, now)
        with pytest.raises(InvalidField) as refused:
            await list_appointments(conn, company, now, last=date(2026, 3, 8))
    assert [row.cal_uid for row in week.appointments] == ["earlier-today", "seventh-day"]
    assert week.as_json()["attendance"] == {"attended": 1, "missed": 0, "rate": 1.0}
    assert refused.value.field == "to"
