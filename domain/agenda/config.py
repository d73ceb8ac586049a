"""Which calendar a company books in, chosen once: its Cal.com (own settings, or the CAL_*
environment for the demo company), else the local calendar when enabled (a company
provisioned now starts with it on, see domain/tenancy/agenda_settings.py; the demo company
has it unless turned off), else none."""

from __future__ import annotations

from dataclasses import dataclass

from domain.agenda.calendars import CalcomCalendar, Calendar, LocalCalendar
from domain.agenda.opening_hours import OpeningHours
from domain.agenda.reminders import ReminderPolicy, policy_for
from domain.integrations.calcom import CalcomClient, CalcomConfig
from domain.settings import Settings
from domain.tenancy.company_settings import picker
from domain.tenancy.directory import DEMO_SLUG, CompanyProfile


@dataclass(frozen=True)
class Agenda:
    """What the booking, change and reminder flows need of one company."""

    company_id: int
    company_name: str
    timezone: str
    days_ahead: int
    reminders: ReminderPolicy
    calendar: Calendar


def calcom_config(company: CompanyProfile, settings: Settings) -> CalcomConfig:
    """The company's Cal.com settings over the CAL_* defaults (demo company only)."""
    pick = picker(company, "cal")
    event_type = pick("event_type_id", settings.cal_event_type_id)
    return CalcomConfig(
        base_url=pick("base_url", settings.cal_api_base_url),
        api_key=pick("api_key", settings.cal_api_key),
        event_type_id=int(event_type) if event_type else None,
        timeout=settings.cal_timeout_seconds,
    )


def agenda_for(
    company: CompanyProfile, settings: Settings, calcom: CalcomClient | None
) -> Agenda | None:
    """The company's agenda, or None when it has neither Cal.com nor the local calendar."""
    own = (company.settings or {}).get("agenda") or {}
    cal = calcom_config(company, settings)
    calendar: Calendar
    if cal.configured and calcom is not None:
        calendar = CalcomCalendar(calcom, cal, company.timezone)
    elif cal.configured or own.get("local", company.slug == DEMO_SLUG):
        hours = OpeningHours.from_settings(company.settings or {}, company.timezone)
        calendar = LocalCalendar(company.id, hours)
    else:
        return None
    return Agenda(
        company_id=company.id,
        company_name=company.name,
        timezone=company.timezone,
        days_ahead=int(own.get("days_ahead") or settings.cal_default_days_ahead),
        reminders=policy_for(company, settings),
        calendar=calendar,
    )
