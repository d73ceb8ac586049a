"""Reading what time a customer wants (G3), in their own words: "2", "opção 3", "quinta às
15h", "amanhã de manhã", "dia 10 à tarde", "semana que vem", "o mais cedo possível", "sexta
depois das 14h", "segunda 9h30", "hoje à noite", "depois de amanhã", "03/12 14:30".

A number picks an offered option; words become a `Wish` (a day or a span of days, an exact
time, a period, a "not before"/"not after" hour, or "as soon as possible"). Days, weekdays and
hours are read here, by rule, since clinic talk is short and regular; a written date ("10 de
dezembro") is left to dateparser in Portuguese. `domain/agenda/offers.py` matches the wish
against the calendar's free times.

`now` is the company's local time: "amanhã" is the customer's tomorrow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import dateparser

from domain.agenda.shorthand import expand
from domain.secretary.chat_text import fold

PERIODS = {
    "manha": (time(6), time(12)),
    "tarde": (time(12), time(18)),
    "noite": (time(18), time(23, 59)),
}
PERIOD_NAMES = {"manha": "de manhã", "tarde": "à tarde", "noite": "à noite"}
WEEKDAYS = ("segunda", "terca", "quarta", "quinta", "sexta", "sabado", "domingo")
MONTHS = [
    "janeiro",
    "fevereiro",
    "marco",
    "abril",
    "maio",
    "junho",
    "julho",
    "agosto",
    "setembro",
    "outubro",
    "novembro",
    "dezembro",
]

_NUMBER = re.compile(r"^\s*(?:op[cç][aã]o\s*|n[uú]mero\s*|a\s+)?(\d{1,2})\s*[.)ºo]?\s*$", re.I)
# "15h", "15:30", "9h30", "15 horas", "3 da tarde", "às 10", "meio-dia".
_HOUR = re.compile(
    r"\b(\d{1,2})\s*(?:hs?(?![a-z])|:|horas?\b)\s*(\d{2})?(?:\s*(?:min|m)\b)?(?:\s*da\s*(manha|tarde|noite))?"
    r"|\b(\d{1,2})\s*da\s*(manha|tarde|noite)\b"
    r"|\b(?:as|a partir das|depois das|apos as|antes das|ate as)\s+(\d{1,2})\b(?!\s*/)"
)
_MIDDAY = re.compile(r"\bmeio[ -]?dia\b")
_AFTER = re.compile(r"\b(depois|a partir|apos|mais tarde que)\b")
_BEFORE = re.compile(r"\b(antes|ate as|ate o|no maximo)\b")
# A period is a word of its own ("amanha" contains "manha").
_PERIOD = re.compile(r"\b(manha|tarde|noite)\b")
_ASAP = re.compile(
    r"\b(mais cedo possivel|quanto antes|mais rapido possivel|primeiro horario|"
    r"proximo horario|qualquer horario|o mais breve|mais proximo)\b"
)
_NEXT_WEEK = re.compile(r"\b(semana que vem|proxima semana|semana seguinte)\b")
_THIS_WEEK = re.compile(r"\b(essa semana|esta semana|nesta semana|nessa semana)\b")
_AHEAD = re.compile(
    r"\b(?:daqui|em)\s+(?:a\s+)?(\d{1,2}|uma?|duas|dois|tres|quatro)\s+(dias?|semanas?)\b"
)
_COUNTS = {"um": 1, "uma": 1, "dois": 2, "duas": 2, "tres": 3, "quatro": 4}
_WEEKDAY = re.compile(r"\b(segunda|terca|quarta|quinta|sexta|sabado|domingo)\b")
_DAY_MONTH = re.compile(r"\b(\d{1,2})\s*/\s*(\d{1,2})(?:\s*/\s*(\d{2,4}))?\b")
_DAY_OF = re.compile(r"\bdia\s+(\d{1,2})\b")
_WRITTEN = re.compile(rf"\b(\d{{1,2}})\s+de\s+({'|'.join(MONTHS)})\b")


@dataclass(frozen=True)
class Wish:
    day: date | None = None
    at: time | None = None
    period: str | None = None
    after: time | None = None  # "depois das 14h": not before this time
    before: time | None = None  # "antes das 11h": starting before this time
    span: tuple[date, date] | None = None  # "semana que vem": any day in it
    asap: bool = False  # "o mais cedo possível"

    @property
    def empty(self) -> bool:
        return self == Wish()


def read_choice(text: str, count: int, now: datetime) -> int | Wish | None:
    """The chosen option's index (0-based), a wish to match, or None when nothing is read."""
    number = _NUMBER.match(text)
    if number:
        index = int(number.group(1)) - 1
        return index if 0 <= index < count else None
    wish = read_wish(text, now)
    return None if wish.empty else wish


_GREETING = re.compile(r"\b(bom dia|boa tarde|boa noite)\b")


def read_wish(text: str, now: datetime) -> Wish:
    """What the customer asked for; `Wish()` when the text names no day, hour or period."""
    plain = " ".join(re.sub(r"[^\w/:\-]", " ", expand(fold(text))).split())
    plain = _GREETING.sub(" ", plain)  # "boa tarde! queria segunda de manhã": no afternoon
    at, after, before, period = _hours(plain)
    if period is None:
        early = _ASAP.sub(" ", plain).replace("amanha", "").replace("cedo", " manha ")
        found = _PERIOD.search(early)
        period = found.group(1) if found else None
    span = None
    today = now.date()
    if _NEXT_WEEK.search(plain):
        monday = today + timedelta(days=7 - today.weekday())
        span = (monday, monday + timedelta(days=6))
    elif _THIS_WEEK.search(plain):
        span = (today, today + timedelta(days=6 - today.weekday()))
    day = _day(plain, today)
    ahead = _AHEAD.search(plain)
    if ahead and day is None and span is None:  # "daqui 2 semanas", "daqui a 3 dias"
        count = _COUNTS.get(ahead.group(1)) or int(ahead.group(1))
        if ahead.group(2).startswith("semana"):
            monday = today + timedelta(days=7 * count - today.weekday())
            span = (monday, monday + timedelta(days=6))
        else:
            day = today + timedelta(days=count)
    return Wish(day, at, period, after, before, span, bool(_ASAP.search(plain)))


def _hours(plain: str) -> tuple[time | None, time | None, time | None, str | None]:
    """(exact time, not before, not after, period said with the hour)."""
    found = _HOUR.search(plain)
    if found:
        hour = int(found.group(1) or found.group(4) or found.group(6))
        minute = int(found.group(2) or 0)
        period = found.group(3) or found.group(5)
        if period in ("tarde", "noite") and hour < 12:
            hour += 12
        elif period is None and 1 <= hour <= 6:
            hour += 12  # "às 3" at a clinic is three in the afternoon
        if hour > 23 or minute > 59:
            return None, None, None, period
        said, start, said_words = time(hour, minute), found.start(), found.group(0)
    else:
        midday = _MIDDAY.search(plain)
        if not midday:
            return None, None, None, None
        said, period, start, said_words = time(12), None, midday.start(), ""
    # "depois das 14h" / "antes das 11h": the words just before the hour say which.
    lead = (plain[max(0, start - 16) : start] + " " + said_words).replace("depois de amanha", "")
    if _AFTER.search(lead):
        return None, said, None, period
    if _BEFORE.search(lead):
        return None, None, said, period
    return said, None, None, period


def _day(plain: str, today: date) -> date | None:
    if "depois de amanha" in plain:
        return today + timedelta(days=2)
    if re.search(r"\bamanha\b", plain):
        return today + timedelta(days=1)
    if re.search(r"\b(hoje|hj)\b", plain):
        return today
    written = _DAY_MONTH.search(plain)
    if written and not re.match(r"\d{1,2}\s*/\s*\d{1,2}\s*h", plain[written.start() :]):
        return _dated(written, today)
    named = _WRITTEN.search(plain)
    if named:
        parsed = dateparser.parse(
            named.group(0),
            languages=["pt"],
            settings={
                "PREFER_DATES_FROM": "future",
                "RELATIVE_BASE": datetime.combine(today, time(12)),
            },
        )
        return parsed.date() if parsed else None
    day_of = _DAY_OF.search(plain)
    if day_of:  # "dia 3": this month, or the next month that has that day
        return _day_of_month(int(day_of.group(1)), today)
    # A weekday only when no date is written: "terça dia 15/12" is the 15th.
    weekday = _WEEKDAY.search(plain)
    if weekday:
        ahead = (WEEKDAYS.index(weekday.group(1)) - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead)
    return None


def weekday_named(text: str) -> str | None:
    """The weekday the text names ("terca"), if any."""
    found = _WEEKDAY.search(fold(text))
    return found.group(1) if found else None


def _dated(found: re.Match[str], today: date) -> date | None:
    """ "03/12" (day/month, Brazilian order), this year or, when past, the next."""
    day, month = int(found.group(1)), int(found.group(2))
    year = found.group(3)
    try:
        if year:
            return date(int(year) + (2000 if len(year) == 2 else 0), month, day)
        candidate = date(today.year, month, day)
    except ValueError:
        return None
    return candidate if candidate >= today else candidate.replace(year=today.year + 1)


def best_match(wish: Wish, options: list[datetime]) -> int | None:
    """The index of the offered slot that fits the wish best, or None."""
    from domain.agenda.offers import fits  # offers reads Wish: imported here, not at the top

    fitting = [i for i, start in enumerate(options) if fits(wish, start, ignore_at=True)]
    if wish.at is not None:
        exact = [i for i in fitting if options[i].time() == wish.at]
        return exact[0] if exact else None
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
