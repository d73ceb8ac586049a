"""The Agenda's week as a calendar grid: days as columns, hours as rows, each appointment in
the cell of its day and starting hour, all in the company's time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from domain.agenda.opening_hours import DAYS, OpeningHours

# Shown in the grid: what holds (or held) a time. Cancelled and moved ones are in the list.
SHOWN = ("pending", "scheduled", "confirmed", "completed", "no_show")
# The hours shown when the company has no opening hours of its own (Cal.com).
DEFAULT_FIRST_HOUR, DEFAULT_LAST_HOUR = 8, 18


@dataclass(frozen=True)
class Week:
    first: date  # its Monday
    days: list[date]
    hours: list[int]
    cells: dict[tuple[date, int], list[Any]]  # (day, hour) -> appointments, by start
    closed: frozenset[date]  # days the company does not open

    @property
    def previous(self) -> date:
        return self.first - timedelta(days=7)

    @property
    def next(self) -> date:
        return self.first + timedelta(days=7)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_grid(
    first: date, rows: list[Any], zone: ZoneInfo, hours: OpeningHours | None = None
) -> Week:
    """The week from Monday `first`; rows are its appointments. The hours run from the
    earliest opening to the latest closing (8–18 without opening hours), widened to show
    every appointment."""
    days = [first + timedelta(days=n) for n in range(7)]
    low, high = DEFAULT_FIRST_HOUR, DEFAULT_LAST_HOUR
    closed: set[date] = set()
    if hours is not None:
        spans = [span for day in DAYS for span in hours.hours[day]]
        if spans:
            low = min(opens.hour for opens, _ in spans)
            high = max(closes.hour - (1 if closes.minute == 0 else 0) for _, closes in spans)
        closed = {
            day for day in days if hours.is_closed(day) or not hours.hours[DAYS[day.weekday()]]
        }
    cells: dict[tuple[date, int], list[Any]] = {}
    for row in rows:
        if row.status not in SHOWN:
            continue
        local: datetime = row.start_at.astimezone(zone)
        low, high = min(low, local.hour), max(high, local.hour)
        cells.setdefault((local.date(), local.hour), []).append(row)
    return Week(first, days, list(range(low, high + 1)), cells, frozenset(closed))
