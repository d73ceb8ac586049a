"""Opening hours of the local calendar (G, without Cal.com): free slots from the company's
business hours, slot length and holidays, minus the appointments already booked, so the demo
books end to end (`domain/agenda/calendars.py` puts it behind the calendar interface).

Configuration (`companies.settings["agenda"]`, all optional):
`{"hours": {"mon": ["08:00-12:00", "13:00-18:00"], ..., "sun": []}, "slot_minutes": 30,
"holidays": ["2026-12-24"], "country": "BR", "lead_minutes": 60}`. National holidays of
`country` (the `holidays` package) are closed too.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import holidays as national_holidays

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# The day as the panel says "a empresa não abre domingo".
WEEKDAYS = ("segunda", "terça", "quarta", "quinta", "sexta", "sábado", "domingo")
DEFAULT_HOURS: dict[str, list[str]] = {
    **{day: ["08:00-12:00", "13:00-18:00"] for day in DAYS[:5]},
    "sat": ["08:00-12:00"],
    "sun": [],
}


@dataclass(frozen=True)
class OpeningHours:
    zone: ZoneInfo
    hours: dict[str, list[tuple[time, time]]]
    slot: timedelta
    closed: frozenset[date]
    country: str | None
    lead: timedelta

    @classmethod
    def from_settings(cls, settings: dict[str, Any], timezone: str) -> OpeningHours:
        own = settings.get("agenda") or {}
        hours = {
            day: [_span(span) for span in (own.get("hours") or DEFAULT_HOURS).get(day, [])]
            for day in DAYS
        }
        return cls(
            zone=ZoneInfo(timezone),
            hours=hours,
            slot=timedelta(minutes=int(own.get("slot_minutes") or 30)),
            closed=frozenset(date.fromisoformat(d) for d in own.get("holidays") or []),
            country=own.get("country", "BR") or None,
            lead=timedelta(minutes=int(own.get("lead_minutes") or 60)),
        )

    def is_closed(self, day: date) -> bool:
        if day in self.closed:
            return True
        if self.country:
            return day in national_holidays.country_holidays(self.country, years=day.year)
        return False

    def why_closed(self, start: datetime, end: datetime) -> str | None:
        """Why [start, end) is not a time the company books (in Portuguese, as the panel shows
        it), or None when it lies within one of the day's opening spans."""
        local_start, local_end = start.astimezone(self.zone), end.astimezone(self.zone)
        day = local_start.date()
        weekday = WEEKDAYS[day.weekday()]
        if day in self.closed:
            return f"{day.strftime('%d/%m/%Y')} está marcado como dia fechado"
        if self.country:
            holiday: str | None = None
            with contextlib.suppress(NotImplementedError):  # a country the package lacks
                holiday = national_holidays.country_holidays(
                    self.country, years=day.year, language="pt_BR"
                ).get(day)
            if holiday:
                return f"{day.strftime('%d/%m/%Y')} é feriado ({holiday})"
        spans = self.hours[DAYS[day.weekday()]]
        if not spans:
            return f"{weekday} é dia fechado"
        for opens, closes in spans:
            if (
                local_end.date() == day
                and opens <= local_start.time()
                and local_end.time() <= closes
                and local_start < local_end
            ):
                return None
        hours = ", ".join(f"{o.strftime('%H:%M')}–{c.strftime('%H:%M')}" for o, c in spans)
        return f"fora do horário de atendimento de {weekday} ({hours})"

    def slots(
        self, first: date, last: date, busy: Iterable[tuple[datetime, datetime]], now: datetime
    ) -> list[datetime]:
        """Free slot starts (aware, in the company's zone) from `first` to `last` inclusive."""
        taken = list(busy)
        earliest = now + self.lead
        free: list[datetime] = []
        day = first
        while day <= last:
            if not self.is_closed(day):
                for opens, closes in self.hours[DAYS[day.weekday()]]:
                    start = datetime.combine(day, opens, self.zone)
                    end_of_span = datetime.combine(day, closes, self.zone)
                    while start + self.slot <= end_of_span:
                        end = start + self.slot
                        clash = any(s < end and start < e for s, e in taken)
                        if start >= earliest and not clash:
                            free.append(start)
                        start = end
            day += timedelta(days=1)
        return free


def _span(text: str) -> tuple[time, time]:
    opens, _, closes = text.partition("-")
    return time.fromisoformat(opens.strip()), time.fromisoformat(closes.strip())
