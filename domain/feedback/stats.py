"""The clinic's satisfaction in numbers (G7, N6): pure functions over the answers.

NPS is the share of promoters (9-10) minus the share of detractors (0-6), in points from
-100 to 100. Its 95 % interval uses the variance of a difference of two proportions of one
multinomial sample, Var = (p + d - (p - d)^2) / n, under the normal approximation; below
MIN_SAMPLE answers that approximation is poor, so no interval is given.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

MIN_SAMPLE = 30
Z95 = 1.959964


@dataclass(frozen=True)
class Nps:
    score: float | None  # -100..100; None without answers
    n: int
    promoters: int
    passives: int
    detractors: int
    low: float | None = None  # the 95 % interval, from MIN_SAMPLE answers on
    high: float | None = None


def nps(scores: Iterable[int]) -> Nps:
    """NPS of 0-10 scores, with its 95 % interval when the sample allows one."""
    values = list(scores)
    n = len(values)
    promoters = sum(1 for s in values if s >= 9)
    detractors = sum(1 for s in values if s <= 6)
    passives = n - promoters - detractors
    if n == 0:
        return Nps(None, 0, 0, 0, 0)
    p, d = promoters / n, detractors / n
    score = 100 * (p - d)
    if n < MIN_SAMPLE:
        return Nps(round(score, 1), n, promoters, passives, detractors)
    margin = 100 * Z95 * math.sqrt(max(p + d - (p - d) ** 2, 0.0) / n)
    return Nps(
        round(score, 1),
        n,
        promoters,
        passives,
        detractors,
        round(max(score - margin, -100.0), 1),
        round(min(score + margin, 100.0), 1),
    )


def csat_average(scores: Iterable[int]) -> float | None:
    """The mean 1-5 score, two decimals; None without answers."""
    values = list(scores)
    return round(statistics.fmean(values), 2) if values else None


def response_rate(answered: int, sent: int) -> float | None:
    """Answered over sent, 0-1; None when nothing was sent."""
    return min(answered / sent, 1.0) if sent else None


def median_wait(pairs: Iterable[tuple[datetime, datetime]]) -> timedelta | None:
    """The median time from the question (sent) to the answer."""
    waits = [(answered - sent).total_seconds() for sent, answered in pairs if answered >= sent]
    return timedelta(seconds=statistics.median(waits)) if waits else None


def daily_csat(
    answers: Iterable[tuple[date, int]], last: date, days: int = 30
) -> list[tuple[date, float | None, int]]:
    """(day, mean CSAT, answers) for each of the `days` days up to `last`, gaps as None."""
    by_day: dict[date, list[int]] = defaultdict(list)
    for day, score in answers:
        by_day[day].append(score)
    span = [last - timedelta(days=n) for n in range(days - 1, -1, -1)]
    return [(day, csat_average(by_day[day]), len(by_day[day])) for day in span]


def months_back(last: date, months: int) -> list[date]:
    """The first day of each of the `months` months up to `last`'s, oldest first."""
    firsts = []
    year, month = last.year, last.month
    for _ in range(months):
        firsts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return firsts[::-1]


def monthly_nps(
    answers: Iterable[tuple[date, int]], last: date, months: int = 12
) -> list[tuple[date, Nps]]:
    """(first day of the month, its NPS) for each of the `months` months up to `last`'s."""
    by_month: dict[date, list[int]] = defaultdict(list)
    for day, score in answers:
        by_month[day.replace(day=1)].append(score)
    return [(first, nps(by_month[first])) for first in months_back(last, months)]
