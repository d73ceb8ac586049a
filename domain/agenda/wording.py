"""How the secretary says a time to a customer: Portuguese weekday, day/month and hour, in the
company's zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

WEEKDAYS = ("segunda", "terça", "quarta", "quinta", "sexta", "sábado", "domingo")


def when_text(start: datetime, zone: ZoneInfo) -> str:
    local = start.astimezone(zone)
    return f"{WEEKDAYS[local.weekday()]}, {local:%d/%m} às {local:%H:%M}"
