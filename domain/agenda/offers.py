"""Which free times to show a customer (G3): a few per day over the next days, the ones that
fit what they asked for, or, when none fits, the nearest ones with an honest word about it.

Pure functions over the calendar's free starts (aware datetimes); every day and hour is read
in the company's zone. The calendar alone says what is free: nothing here invents a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from domain.agenda.choice import PERIOD_NAMES, PERIODS, Wish
from domain.agenda.wording import day_text, hour_text

DAYS_SHOWN = 3
PER_DAY = 3


def fits(wish: Wish, start: datetime, *, ignore_at: bool = False) -> bool:
    """Whether `start` (in the company's zone) is a time the wish allows."""
    day, at = start.date(), start.time()
    if wish.day is not None and day != wish.day:
        return False
    if wish.span is not None and not wish.span[0] <= day <= wish.span[1]:
        return False
    if wish.period is not None and not PERIODS[wish.period][0] <= at < PERIODS[wish.period][1]:
        return False
    if wish.after is not None and at < wish.after:
        return False
    if wish.before is not None and at >= wish.before:
        return False
    return ignore_at or wish.at is None or at == wish.at


def by_day(slots: Sequence[datetime], days: int = DAYS_SHOWN, per_day: int = PER_DAY) -> list:
    """Up to `per_day` times on each of the first `days` days, spread over the day (a
    morning, a midday and an afternoon time rather than 08:00, 08:30, 09:00)."""
    grouped: dict[date, list[datetime]] = {}
    for start in sorted(slots):
        if start.date() not in grouped and len(grouped) == days:
            break
        grouped.setdefault(start.date(), []).append(start)
    picked: list[datetime] = []
    for times in grouped.values():
        if len(times) <= per_day:
            picked += times
        else:
            step = (len(times) - 1) / (per_day - 1)
            picked += [times[round(i * step)] for i in range(per_day)]
    return picked


@dataclass(frozen=True)
class Offer:
    """What to answer a wish: the time itself when it is free (`exact`), else `options` to
    choose from, introduced by `note`."""

    note: str
    options: list[datetime]
    exact: datetime | None = None


def for_wish(wish: Wish, free: Sequence[datetime], zone: ZoneInfo, today: date) -> Offer:
    """The answer to `wish` among `free` (any zone)."""
    local = sorted(s.astimezone(zone) for s in free)
    fitting = [s for s in local if fits(wish, s, ignore_at=True)]
    said = describe(wish, today)
    if wish.at is not None:
        exact = [s for s in fitting if s.time() == wish.at]
        if exact:
            return Offer("", [], exact[0])
        return _near(wish, fitting, local, today)
    if wish.asap and fitting and wish.day is None and wish.span is None:
        # "semana que vem, qualquer horário": that week's list, not its first time alone.
        return Offer("", [], fitting[0])
    if fitting:
        return Offer(f"Tenho estes horários livres {said}:".replace("  ", " "), by_day(fitting))
    return _nearest(wish, local, f"Não tenho horários livres {said}.")


def _near(wish: Wish, fitting: list[datetime], local: list[datetime], today: date) -> Offer:
    """The asked hour is taken: the closest times before and after it that day."""
    assert wish.at is not None
    asked = describe(wish, today)
    if not fitting:
        return _nearest(wish, local, f"Não tenho horário livre {asked}.")
    day = fitting[0].date() if wish.day is None else wish.day
    same_day = [s for s in fitting if s.date() == day]
    earlier = [s for s in same_day if s.time() < wish.at][-1:]
    later = [s for s in same_day if s.time() > wish.at][:1]
    near = earlier + later or same_day[:2]
    hours = " ou ".join(hour_text(s.time()) for s in near)
    return Offer(f"Não tenho {asked}; tenho {hours}.", near)


def _nearest(wish: Wish, local: list[datetime], note: str) -> Offer:
    """Nothing fits: the same day at other times, else the open days nearest to the day
    asked (the Saturday before a closed Sunday, the days after a closed 24/12)."""
    first = wish.day or (wish.span[0] if wish.span else None)
    near = local
    if first is not None:
        same = [s for s in local if s.date() == first]
        near = same or _days_near(first, local)
    if not near:
        return Offer(note, [])
    return Offer(f"{note} Os mais próximos são:", by_day(near))


def _days_near(first: date, local: list[datetime]) -> list[datetime]:
    """The free times on the DAYS_SHOWN days nearest to `first`; on a tie, the later day."""
    days = sorted({s.date() for s in local}, key=lambda d: (abs((d - first).days), d < first))
    kept = set(days[:DAYS_SHOWN])
    return [s for s in local if s.date() in kept]


def describe(wish: Wish, today: date) -> str:
    """The wish in words: "amanhã de manhã", "quinta, 03/12 às 15h", "na semana que vem"."""
    parts = []
    if wish.day is not None:
        parts.append({0: "hoje", 1: "amanhã"}.get((wish.day - today).days, day_text(wish.day)))
    elif wish.span is not None:
        parts.append(f"de {wish.span[0]:%d/%m} a {wish.span[1]:%d/%m}")
    if wish.at is not None:
        parts.append(f"às {hour_text(wish.at)}")
    elif wish.period is not None:
        parts.append(PERIOD_NAMES[wish.period])
    if wish.after is not None:
        parts.append(f"a partir das {hour_text(wish.after)}")
    if wish.before is not None:
        parts.append(f"antes das {hour_text(wish.before)}")
    return " ".join(parts)
