"""The week grid: Monday to Sunday, hours from the opening hours (widened for what is booked),
each appointment in its local day and hour."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from domain.agenda.opening_hours import OpeningHours
from domain.agenda.week_grid import monday_of, week_grid

SP = ZoneInfo("America/Sao_Paulo")
MONDAY = date(2026, 11, 30)


def row(start: datetime, status: str = "scheduled") -> SimpleNamespace:
    return SimpleNamespace(start_at=start, status=status)


def test_appointments_land_in_their_local_day_and_hour() -> None:
    hours = OpeningHours.from_settings({}, SP.key)
    late = row(datetime(2026, 12, 3, 1, 30, tzinfo=UTC))  # 22:30 on Wednesday in São Paulo
    morning = row(datetime(2026, 12, 1, 9, 30, tzinfo=SP))
    gone = row(datetime(2026, 12, 1, 10, 0, tzinfo=SP), "cancelled")
    week = week_grid(MONDAY, [late, morning, gone], SP, hours)
    assert week.days[0] == MONDAY and week.days[-1] == date(2026, 12, 6)
    assert week.hours == list(range(8, 23))  # 08–17 opening hours, widened to 22:30
    assert week.cells[(date(2026, 12, 2), 22)] == [late]
    assert week.cells[(date(2026, 12, 1), 9)] == [morning]
    assert (date(2026, 12, 1), 10) not in week.cells  # cancelled: only in the list
    assert week.closed == {date(2026, 12, 6)}  # Sunday
    assert (week.previous, week.next) == (date(2026, 11, 23), date(2026, 12, 7))


def test_without_opening_hours_the_day_runs_from_eight_to_six() -> None:
    assert week_grid(MONDAY, [], SP).hours == list(range(8, 19))
    assert monday_of(date(2026, 12, 6)) == MONDAY
