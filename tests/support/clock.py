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
