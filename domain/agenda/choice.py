"""Reading a customer's pick among offered slots (G3): "2", "opção 3", "quinta às 15h",
"amanhã de manhã", "03/12 14:30", "depois de amanhã à tarde".

Numbers pick an option. Words are normalised (hours like "15h", "3 da tarde", periods, "depois
de amanhã") and the date itself is read by dateparser in Portuguese; the wish is then matched to
the offered slots: the exact time when given, else the first slot of that day and period.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import dateparser

from domain.secretary.nlu import fold

PERIODS = {
    "manha": (time(6), time(12)),
    "tarde": (time(12), time(18)),
    "noite": (time(18), time(23)),
}
_NUMBER = re.compile(r"^\s*(?:op[cç][aã]o\s*|n[uú]mero\s*|a\s+)?(\d{1,2})\s*[.)ºo]?\s*$", re.I)
_HOUR = re.compile(
    r"\b(\d{1,2})(?:\s*(?:h|:)\s*(\d{2})?|\s*horas?)(?:\s*da\s*(manha|tarde|noite))?\b"
    r"|\b(\d{1,2})\s*da\s*(manha|tarde|noite)\b"
)
# A period is a word of its own ("amanha" contains "manha").
_PERIOD = re.compile(r"(?:\b(?:de|a|pela|na|no)\s+)?\b(manha|tarde|noite)\b")


@dataclass(frozen=True)
class Wish:
    day: date | None = None
    at: time | None = None
    period: str | None = None


def read_choice(text: str, count: int, now: datetime) -> int | Wish | None:
    """The chosen option's index (0-based), a wish to match, or None when nothing is read."""
    number = _NUMBER.match(text)
    if number:
        index = int(number.group(1)) - 1
        return index if 0 <= index < count else None
    wish = read_wish(text, now)
    return wish if wish != Wish() else None


def read_wish(text: str, now: datetime) -> Wish:
    plain = fold(text)
    at, period = _hour(plain)
    if period is None:
        found = _PERIOD.search(plain)
        period = found.group(1) if found else None
    day = _day(plain, now)
    return Wish(day, at, period)


def _hour(plain: str) -> tuple[time | None, str | None]:
    found = _HOUR.search(plain)
    if not found:
        return None, None
    hour = int(found.group(1) or found.group(4))
    minute = int(found.group(2) or 0)
    period = found.group(3) or found.group(5)
    if period in ("tarde", "noite") and hour < 12:
        hour += 12
    if hour > 23 or minute > 59:
        return None, period
    return time(hour, minute), period


def _day(plain: str, now: datetime) -> date | None:
    if "depois de amanha" in plain:
        return (now + timedelta(days=2)).date()
    cleaned = _HOUR.sub(" ", plain)
    cleaned = _PERIOD.sub(" ", cleaned)
    cleaned = re.sub(
        r"\b(as|às|dia|pode ser|quero|prefiro|na|no|em|o|a|para|pra|de)\b", " ", cleaned
    )
    cleaned = re.sub(r"\s+", " ", cleaned).strip(" ,.!?")
    if not cleaned:
        return None
    if cleaned.isdigit():  # "dia 3": this month, or the next month that has that day
        return _day_of_month(int(cleaned), now.date()) if len(cleaned) <= 2 else None
    parsed = dateparser.parse(
        cleaned,
        languages=["pt"],
        settings={"PREFER_DATES_FROM": "future", "RELATIVE_BASE": now.replace(tzinfo=None)},
    )
    return parsed.date() if parsed else None


def best_match(wish: Wish, options: list[datetime]) -> int | None:
    """The index of the offered slot that fits the wish best, or None."""
    fitting = [
        i
        for i, start in enumerate(options)
        if (wish.day is None or start.date() == wish.day)
        and (
            wish.period is None or PERIODS[wish.period][0] <= start.time() < PERIODS[wish.period][1]
        )
    ]
    if wish.at is not None:
        exact = [i for i in fitting if options[i].time() == wish.at]
        if exact:
            return exact[0]
        return None
    return fitting[0] if fitting else None


def _day_of_month(day_number: int, today: date) -> date | None:
    """The next date (from today) falling on day `day_number`: "dia 30" said on January 31
    is March 30, since February has none."""
    month = today.replace(day=1)
    for _ in range(3):
        try:
            candidate = month.replace(day=day_number)
        except ValueError:  # day 0, 32, or 31 in a 30-day month
            candidate = None
        if candidate is not None and candidate >= today:
            return candidate
        month = (month + timedelta(days=32)).replace(day=1)
    return None
