"""Which calendar a company books in: its Cal.com (own settings, or the CAL_* environment for
the demo company), else the local calendar when enabled (always for the demo company)."""

from __future__ import annotations

from typing import Any

from domain.agenda.booking_flow import Agenda
from domain.agenda.reminders import policy_for
from domain.integrations.calcom import CalcomConfig
from domain.settings import Settings
from domain.tenancy.company_settings import picker
from domain.tenancy.directory import DEMO_SLUG


def agenda_for(company: Any, settings: Settings) -> Agenda | None:
    """The company's agenda, or None when it has neither Cal.com nor the local calendar."""
    pick = picker(company, "cal")
    event_type = pick("event_type_id", settings.cal_event_type_id)
    cal = CalcomConfig(
        base_url=pick("base_url", settings.cal_api_base_url),
        api_key=pick("api_key", settings.cal_api_key),
        event_type_id=int(event_type) if event_type else None,
        timeout=settings.cal_timeout_seconds,
    )
    own = (company.settings or {}).get("agenda") or {}
    local = bool(own.get("local")) or company.slug == DEMO_SLUG
    if not cal.configured and not local:
        return None
    return Agenda(
        company_id=company.id,
        company_name=company.name,
        timezone=company.timezone,
        settings=company.settings or {},
        cal=cal if cal.configured else None,
        days_ahead=int(own.get("days_ahead") or settings.cal_default_days_ahead),
        reminders=policy_for(company, settings),
    )
