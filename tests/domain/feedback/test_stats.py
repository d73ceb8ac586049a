"""The satisfaction numbers and charts of Pós-Atendimento, as plain data."""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime, timedelta

import pytest

from domain.feedback import stats
from domain.feedback.charts import nps_figure, satisfaction_figure


def test_nps_is_promoters_minus_detractors_with_no_interval_below_30_answers() -> None:
    result = stats.nps([10, 9, 8, 7, 6, 0])  # 2 promoters, 2 passives, 2 detractors
    assert (result.score, result.n) == (0.0, 6)
    assert (result.promoters, result.passives, result.detractors) == (2, 2, 2)
    assert result.low is None and result.high is None
    assert stats.nps([]).score is None and stats.nps([]).n == 0
    assert stats.nps([10] * 5).score == 100.0 and stats.nps([3] * 5).score == -100.0


def test_nps_interval_from_30_answers() -> None:
    scores = [10] * 20 + [8] * 10 + [5] * 10  # p = 0.5, d = 0.25, n = 40
    result = stats.nps(scores)
    assert result.score == 25.0
    margin = 100 * 1.959964 * math.sqrt((0.5 + 0.25 - 0.25**2) / 40)
    assert result.low == pytest.approx(25 - margin, abs=0.05)
    assert result.high == pytest.approx(25 + margin, abs=0.05)
    # Never past the scale: all promoters give a zero-width interval at 100.
    everyone = stats.nps([10] * 30)
    assert (everyone.low, everyone.high) == (100.0, 100.0)


def test_csat_rate_and_median_wait() -> None:
    assert stats.csat_average([5, 4, 4, 2]) == 3.75
    assert stats.csat_average([]) is None
    assert stats.response_rate(3, 10) == 0.3
    assert stats.response_rate(0, 0) is None
    sent = datetime(2026, 12, 1, 12, tzinfo=UTC)
    waits = [(sent, sent + timedelta(minutes=m)) for m in (5, 10, 120)]
    assert stats.median_wait(waits) == timedelta(minutes=10)
    assert stats.median_wait([]) is None


def test_daily_csat_covers_every_day_with_gaps_as_none() -> None:
    last = date(2026, 12, 1)
    days = stats.daily_csat([(last, 5), (last, 3), (last - timedelta(days=2), 1)], last)
    assert len(days) == 30 and days[-1] == (last, 4.0, 2)
    assert days[-2] == (last - timedelta(days=1), None, 0)
    assert days[-3][1] == 1.0


def test_monthly_nps_spans_twelve_months_across_the_year() -> None:
    last = date(2026, 2, 10)
    months = stats.monthly_nps([(date(2026, 2, 3), 10), (date(2025, 12, 24), 0)], last)
    assert [m for m, _ in months][:2] == [date(2025, 3, 1), date(2025, 4, 1)]
    assert months[-1][0] == date(2026, 2, 1) and months[-1][1].score == 100.0
    assert months[-3][1].score == -100.0 and months[-2][1].n == 0


def test_the_charts_are_plain_plotly_data() -> None:
    last = date(2026, 12, 1)
    figure = satisfaction_figure(stats.daily_csat([(last, 5)], last))
    bars, line = figure["data"]
    assert line["y"][-1] == 5.0 and line["y"][0] is None and bars["y"][-1] == 1
    assert bars["yaxis"] == "y2" and figure["layout"]["yaxis"]["range"] == [0.8, 5.2]
    assert figure["config"]["locale"] == "pt-BR"
    many = [(last, 10)] * 20 + [(last, 0)] * 10
    trend = nps_figure(stats.monthly_nps(many, last))
    [series] = trend["data"]
    assert series["y"][-1] == pytest.approx(100 * (20 - 10) / 30, abs=0.1)
    assert series["customdata"][-1] == 30 and series["error_y"]["array"][-1] is not None
    assert series["error_y"]["array"][0] is None  # an empty month has no interval
    json.dumps(figure), json.dumps(trend)  # what the template embeds


def test_few_answers_tick_by_whole_answers_and_the_months_fit_a_phone() -> None:
    last = date(2026, 12, 1)
    ten = [(last, 4)] * 7 + [(last - timedelta(days=3), 5)] * 3
    axis = satisfaction_figure(stats.daily_csat(ten, last))["layout"]["yaxis2"]
    assert (axis["tick0"], axis["dtick"]) == (0, 1)  # 0 1 2 … 7, never "3 5 8"
    months = nps_figure(stats.monthly_nps([(last, 9)], last))["layout"]["xaxis"]
    assert "dtick" not in months and months["tickformat"] == "%b %y"  # plotly spaces them
