"""The appointments of a date range as API users see them (G4): by start, in the company's
time zone, optionally of one status (or "unconfirmed": not yet confirmed by the customer) or
one client, with the attendance of the same range."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncConnection

from domain.agenda import attendance, store
from domain.db import bind_tenant
from domain.errors import InvalidField
from domain.insights import store as insights_store
from domain.tenancy.directory import CompanyProfile

# STATUSES of models.py, and the quick filter of the Agenda tab (a test keeps them in step).
StatusFilter = Literal[
    "pending",
    "scheduled",
    "confirmed",
    "rescheduled",
    "cancelled",
    "completed",
    "no_show",
    "unconfirmed",
]
UNCONFIRMED = ("pending", "scheduled")
DEFAULT_DAYS = 7  # after `first` when no last day is given


@dataclass(frozen=True)
class Listing:
    zone: ZoneInfo
    appointments: list[Any]
    attendance: attendance.Attendance
    risks: dict[int, Any] = field(default_factory=dict)  # insights: by appointment id

    def as_json(self) -> dict[str, Any]:
        """The API's body: times in the company's zone, ISO 8601 with their offset."""
        presence = self.attendance
        return {
            "attendance": {
                "attended": presence.attended,
                "missed": presence.missed,
                "rate": presence.rate,
            },
            "appointments": [self._appointment(row) for row in self.appointments],
        }

    def _appointment(self, row: Any) -> dict[str, Any]:
        def local(moment: datetime | None) -> str | None:
            return moment.astimezone(self.zone).isoformat() if moment else None

        scored = self.risks.get(row.id)
        return {
            "id": row.id,
            "cal_uid": row.cal_uid,
            "name": row.name,
            "phone": row.phone,
            "start": local(row.start_at),
            "end": local(row.end_at),
            "status": row.status,
            "source": row.source,
            "title": row.title,
            "meeting_url": row.meeting_url,
            "confirmed_at": local(row.confirmed_at),
            "checked_in_at": local(row.checked_in_at),
            "reminded_at": local(row.reminded_at),
            # Issue 18: the latest no-show risk (0-1) and why; None until first scored.
            "risk": scored.risk if scored else None,
            "risk_reasons": scored.reasons if scored else [],
        }


async def list_appointments(
    conn: AsyncConnection,
    company: CompanyProfile,
    now: datetime,
    *,
    first: date | None = None,
    last: date | None = None,
    status: StatusFilter | None = None,
    client: str | None = None,
) -> Listing:
    """Appointments of `company` (a CompanyProfile) starting from `first` (default: today
    where the company is) through `last` (default: a week later), both inclusive."""
    zone = ZoneInfo(company.timezone)
    first = first or now.astimezone(zone).date()
    last = last or first + timedelta(days=DEFAULT_DAYS)
    if last < first:
        raise InvalidField("to must not be before from", field="to")
    since = datetime.combine(first, clock(), zone)
    until = datetime.combine(last + timedelta(days=1), clock(), zone)
    tenant = await bind_tenant(conn, company.id)
    wanted = UNCONFIRMED if status == "unconfirmed" else status
    rows = await store.between(tenant, since, until, wanted, client)
    risks = await insights_store.risks_of(tenant, [row.id for row in rows])
    return Listing(zone, rows, await attendance.attendance(tenant, since, until), risks)
