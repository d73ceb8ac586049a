"""Usage charts as plain plotly data."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from domain.billing.charts import cost_figure, usage_figure, weekly
from domain.billing.usage import Prices, Totals

MONDAY = date(2026, 11, 16)
DAYS = [(MONDAY + timedelta(days=n), Totals(n, 100 * n, 10 * n, 1000 * n)) for n in range(10)]


def test_weeks_sum_their_days_keyed_by_monday() -> None:
    weeks = weekly(DAYS)
    assert [w for w, _ in weeks] == [MONDAY, MONDAY + timedelta(days=7)]
    assert weeks[0][1].messages == sum(range(7))
    assert weeks[1][1].tokens == sum(110 * n for n in range(7, 10))


def test_usage_figure_has_messages_bars_and_tokens_on_a_second_axis() -> None:
    figure = usage_figure(DAYS, "t")
    bars, line = figure["data"]
    assert bars["type"] == "bar" and bars["y"] == list(range(10))
    assert line["yaxis"] == "y2" and line["y"][3] == 330
    assert bars["x"][0] == "2026-11-16"
    assert figure["layout"]["separators"] == ",."


def test_cost_figure_uses_the_prices_and_leaves_days_without_replies_empty() -> None:
    figure = cost_figure(DAYS, Prices(Decimal("0.05"), Decimal("0.02")), "t")
    costs, response = figure["data"]
    assert costs["y"][2] == 0.10  # 2 x 0.05 + 0.22 x 0.02 = 0.1044, to the cent
    assert response["y"][0] is None and response["y"][4] == 1.0
