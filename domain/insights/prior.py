"""The risk before a company has a model of its own (issue 18, item 2): a fixed logistic
formula from published patterns, the same for every company.

It is a prior from the literature, not a model pooled over other companies' customers: each
company's data stays in its own schema, and no company's history scores another's
appointments. Its figures (issue 18's anchors): ~20 % of appointments are missed overall,
~5 % of those booked the same day against ~30 % of those booked 2-4 weeks ahead (Vitória-ES
data, 110 k appointments); a customer who missed before is the likeliest to miss again
(Nelson et al. 2019: prior no-shows are the strongest single predictor); a confirmation
answered is a strong sign of coming.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from domain.insights.features import Features

VERSION = "prior-published-1"
# No-show rate by lead time, for a returning customer with no misses.
BY_LEAD = {"same_day": 0.05, "1-3d": 0.12, "4-13d": 0.2, "14-28d": 0.3, "29d+": 0.33}
# Changes of the log-odds (assumed effect sizes, stated in the README).
PER_PAST_NO_SHOW = 0.5  # each earlier miss (up to features.HISTORY_CAP)
FIRST_VISIT = 0.25
PER_PAST_CANCELLATION = 0.1
CONFIRMED = -1.5
REMINDER_UNANSWERED = 0.4


# A returning customer booking a week ahead, who never missed nor confirmed.
TYPICAL: Features = {
    "lead_days": math.log1p(7),
    "lead": "4-13d",
    "past_no_shows": 0.0,
    "past_no_show_rate": 0.2,
    "first_visit": 0.0,
    "past_visits": math.log1p(3),
    "past_cancellations": 0.0,
    "past_reschedules": 0.0,
    "moved": 0.0,
    "confirmed": 0.0,
    "reminder_unanswered": 0.0,
    "weekday": "2",
    "hour_band": "morning",
    "hour": 10.0,
    "service": "?",
    "professional": "?",
}


class PublishedPrior:
    """Scores any company's appointments from the published patterns above."""

    version = VERSION
    algorithm = "prior"

    def __init__(self) -> None:
        self.typical: Features = dict(TYPICAL)  # what each reason is measured from

    def risks(self, rows: Sequence[Features]) -> np.ndarray:
        return np.asarray([_risk(row) for row in rows], dtype=float)


def _risk(row: Features) -> float:
    base = BY_LEAD[str(row["lead"])]
    odds = math.log(base / (1 - base))
    odds += PER_PAST_NO_SHOW * float(row["past_no_shows"])
    odds += FIRST_VISIT * float(row["first_visit"])
    odds += PER_PAST_CANCELLATION * float(row["past_cancellations"])
    odds += CONFIRMED * float(row["confirmed"]) + REMINDER_UNANSWERED * float(
        row["reminder_unanswered"]
    )
    return 1 / (1 + math.exp(-odds))


PRIOR = PublishedPrior()
