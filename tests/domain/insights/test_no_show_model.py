"""The no-show model (issue 18, items 2 and 3): features that read only the past, the
published prior, the honest evaluation on the seeded synthetic history (AUC >= 0.75 on a
time-based split), determinism, and reasons that name what raises a risk."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from bench.no_shows import ZONE, history
from domain.insights import model
from domain.insights.features import Visit, featurize, lead_bucket
from domain.insights.prior import PRIOR

# After the whole synthetic history: every appointment of it is in the past.
AFTER = datetime(2027, 1, 1, tzinfo=UTC)
SP = ZoneInfo("America/Sao_Paulo")


def _visit(n: int, days: int, status: str, lead: int = 7, phone: str = "5511900000001") -> Visit:
    start = datetime(2025, 3, 3, 13, 0, tzinfo=UTC) + timedelta(days=days)
    return Visit(n, phone, start, start - timedelta(days=lead), status)


def test_a_customers_past_is_only_what_happened_before() -> None:
    visits = [
        _visit(3, 20, "no_show"),
        _visit(1, 0, "no_show"),
        _visit(2, 10, "completed"),
        _visit(4, 20, "cancelled", phone="5511900000002"),  # someone else's
        _visit(5, 30, "scheduled"),
    ]
    rows = featurize(visits, SP)
    first, second, third, future = rows[1], rows[2], rows[0], rows[4]
    assert (first["first_visit"], first["past_no_shows"]) == (1.0, 0.0)
    assert (second["first_visit"], second["past_no_shows"]) == (0.0, 1.0)
    assert third["past_no_shows"] == 1.0  # its own outcome is not its past
    assert future["past_no_shows"] == 2.0
    assert rows[3]["first_visit"] == 1.0
    assert first["weekday"] == "0" and first["hour_band"] == "morning"  # Monday 10h in SP


def test_lead_time_buckets_count_whole_days() -> None:
    assert [lead_bucket(d) for d in (0, 0.9, 1, 3.5, 4, 13.9, 14, 28.5, 29, 90)] == [
        "same_day",
        "same_day",
        "1-3d",
        "1-3d",
        "4-13d",
        "4-13d",
        "14-28d",
        "14-28d",
        "29d+",
        "29d+",
    ]


def test_the_prior_follows_the_published_lead_time_pattern() -> None:
    same_day, weeks_ahead = (
        featurize([_visit(1, 0, "scheduled", 0)], SP)[0],
        featurize([_visit(1, 0, "scheduled", 21)], SP)[0],
    )
    returning = [{**same_day, "first_visit": 0.0}, {**weeks_ahead, "first_visit": 0.0}]
    assert np.allclose(PRIOR.risks(returning), [0.05, 0.30], atol=0.005)
    missed_twice = {**weeks_ahead, "first_visit": 0.0, "past_no_shows": 2.0}
    assert PRIOR.risks([missed_twice])[0] > 0.5


def test_a_short_history_trains_no_model_of_its_own() -> None:
    visits = history(customers=30)
    assert model.train(visits, ZONE, AFTER, "t") is None


def test_auc_on_the_synthetic_history_is_at_least_075_and_calibrated() -> None:
    """Issue 18, item 3: the production training on the seeded generator's history, scored
    on its newest fifth (a time-based split). The README's figures come from this run."""
    trained = model.train(history(customers=3000, seed=18), ZONE, AFTER, "t")
    assert trained is not None
    figures = trained.evaluation
    assert figures.auc is not None and figures.auc >= 0.75, figures
    # Calibrated: better than always predicting the base rate, and each well-filled band of
    # predicted risk within 6 points of what happened in it.
    base = figures.no_show_rate
    assert figures.brier < base * (1 - base)
    for band in figures.calibration:
        if band.count >= 150:
            assert abs((band.predicted or 0) - (band.observed or 0)) < 0.06, band
    # Boosting is only kept where it beats the regression on the holdout; here it does not.
    assert trained.model.algorithm == "logistic"
    assert trained.model.version == "lr-t"


def test_training_is_deterministic_and_reasons_name_what_raises_a_risk() -> None:
    visits = history(customers=400, seed=7)
    one = model.train(visits, ZONE, AFTER, "a")
    two = model.train(visits, ZONE, AFTER, "b")
    assert one is not None and two is not None
    probe = featurize([_visit(1, 0, "scheduled", 25), _visit(2, 0, "scheduled", 0)], SP)
    assert np.array_equal(one.model.risks(probe), two.model.risks(probe))
    far, near = model.explain(
        one.model, [_visit(1, 0, "scheduled", 25), _visit(2, 0, "scheduled", 0)], probe, SP
    )
    assert far[0] > near[0]
    assert far[1][0]["factor"] == "lead"
    assert far[1][0]["text"] == "marcado com 25 dias de antecedência"
    assert all(r["factor"] != "lead" for r in near[1])  # booked the same day lowers it
