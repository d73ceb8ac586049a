"""Provisioning gives a company that can book from day one and whose first admin can log in."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.agenda.calendars import LocalCalendar
from domain.agenda.config import agenda_for
from domain.auth import invitations
from domain.db import public_session
from domain.settings import Settings
from domain.tenancy import members
from domain.tenancy.directory import CompanyDirectory
from domain.tenancy.provisioning import ProvisionRequest, provision
from tests.support.factories import Cast

SAO_PAULO = ZoneInfo("America/Sao_Paulo")


def wanted(**changes: object) -> ProvisionRequest:
    return ProvisionRequest.model_validate(
        {
            "name": "Clínica Sorriso",
            "slug": "sorriso",
            "domain": "sorriso.example.com",
            "plan": "basico",
            "admin_email": "Dra.Ana@Sorriso.example.com",
            "admin_name": "Dra. Ana",
            **changes,
        }
    )


async def test_a_new_company_has_the_local_calendar_on_weekdays_eight_to_six(
    engine: AsyncEngine, redis: Redis, settings: Settings, cast: Cast
) -> None:
    done = await provision(engine, redis, settings.redis_namespace, wanted())
    profile = await CompanyDirectory(engine).profile(done.company_id)
    assert profile is not None
    agenda = agenda_for(profile, settings, None)
    assert agenda is not None and isinstance(agenda.calendar, LocalCalendar)

    async def nothing_busy() -> list[tuple[datetime, datetime]]:
        return []

    # Monday 7 and Saturday 12 December 2026, asked about the Friday before.
    friday = datetime(2026, 12, 4, 9, tzinfo=SAO_PAULO)
    monday = await agenda.calendar.free_slots(
        date(2026, 12, 7), date(2026, 12, 7), friday, nothing_busy
    )
    assert [f"{s:%H:%M}" for s in (monday[0], monday[1], monday[-1])] == ["08:00", "08:30", "17:30"]
    saturday = await agenda.calendar.free_slots(
        date(2026, 12, 12), date(2026, 12, 12), friday, nothing_busy
    )
    christmas = await agenda.calendar.free_slots(
        date(2026, 12, 25), date(2026, 12, 25), friday, nothing_busy
    )
    assert saturday == [] and christmas == []


async def test_the_first_admin_is_invited_with_a_link_shown_once(
    engine: AsyncEngine, redis: Redis, settings: Settings, cast: Cast
) -> None:
    done = await provision(engine, redis, settings.redis_namespace, wanted())
    assert done.admin_email == "dra.ana@sorriso.example.com" and done.invitation
    async with public_session(engine) as session:
        people = await members.members(session, done.company_id)
    assert [(p.email, p.role, p.status, p.name) for p in people] == [
        ("dra.ana@sorriso.example.com", "company_admin", "invited", "Dra. Ana")
    ]


async def test_an_existing_user_as_first_admin_accepts_with_their_own_password(
    engine: AsyncEngine, redis: Redis, settings: Settings, cast: Cast
) -> None:
    """A link like any other, but it sets no password: the account's owner accepts with the
    one they have, and until then the new company is not theirs (a claimed e-mail opens
    nothing)."""
    done = await provision(engine, redis, settings.redis_namespace, wanted(admin_email=cast.owner))
    assert done.admin_email == cast.owner and done.invitation
    async with public_session(engine) as session:
        shown = await invitations.pending(session, done.invitation)
        people = await members.members(session, done.company_id)
    assert shown.mode == "log_in"
    assert [(p.email, p.status) for p in people] == [(cast.owner, "invited")]
