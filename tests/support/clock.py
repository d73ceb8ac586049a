"""Moments relative to now. Always called inside a test: a value computed at collection time
would be minutes old by the time a slow suite reaches the test."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo


def on_the_hour(days: int = 3) -> datetime:
    """A round time `days` ahead (the dispatcher's clock is set relative to it)."""
    return (datetime.now(UTC) + timedelta(days=days)).replace(minute=0, second=0, microsecond=0)


def in_two_days() -> datetime:
    """13:00 UTC the day after tomorrow (10:00 in São Paulo)."""
    return (datetime.now(UTC) + timedelta(days=2)).replace(
        hour=13, minute=0, second=0, microsecond=0
    )


def tomorrow_at_ten() -> str:
    """Tomorrow 10:00 in São Paulo, as the agenda form's "Data e hora" field takes it."""
    moment = datetime.now(ZoneInfo("America/Sao_Paulo")) + timedelta(days=1)
    return moment.replace(hour=10, minute=0).strftime("%Y-%m-%dT%H:%M")


def workday_at(hour: int = 10, minute: int = 0, after: int = 1) -> datetime:
    """The first Monday-to-Friday at least `after` days ahead that is no Brazilian national
    holiday, at `hour`:`minute` in São Paulo: a time the default opening hours always book
    (tomorrow may be a Sunday or Christmas)."""
    import holidays

    zone = ZoneInfo("America/Sao_Paulo")
    day = datetime.now(zone).date() + timedelta(days=after)
    while day.weekday() >= 5 or day in holidays.country_holidays("BR", years=day.year):
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


def workday_at_ten() -> str:
    """`workday_at(10)` as the agenda form's "Data e hora" field takes it."""
    return workday_at(10).strftime("%Y-%m-%dT%H:%M")
