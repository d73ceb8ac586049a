"""Charts of usage as plain plotly figure data (N1): built here, embedded by the panel."""

from __future__ import annotations

from collections import OrderedDict
from datetime import date, timedelta
from typing import Any

from domain.billing.usage import Prices, Totals

ACCENT = "#0b6e4f"
SECOND = "#f0b429"


def weekly(days: list[tuple[date, Totals]]) -> list[tuple[date, Totals]]:
    """Daily totals summed per ISO week, keyed by the week's Monday."""
    weeks: OrderedDict[date, Totals] = OrderedDict()
    for day, totals in days:
        monday = day - timedelta(days=day.weekday())
        seen = weeks.get(monday, Totals())
        weeks[monday] = Totals(
            seen.messages + totals.messages,
            seen.tokens_in + totals.tokens_in,
            seen.tokens_out + totals.tokens_out,
            seen.response_ms + totals.response_ms,
        )
    return list(weeks.items())


def usage_figure(series: list[tuple[date, Totals]], title: str) -> dict[str, Any]:
    """Messages (bars) and tokens (line, right axis) per period."""
    x = [day.isoformat() for day, _ in series]
    return {
        "data": [
            {
                "type": "bar",
                "name": "Mensagens",
                "x": x,
                "y": [t.messages for _, t in series],
                "marker": {"color": ACCENT},
            },
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": "Tokens",
                "x": x,
                "y": [t.tokens for _, t in series],
                "yaxis": "y2",
                "line": {"color": SECOND},
            },
        ],
        "layout": _layout(
            title,
            {"title": {"text": "mensagens"}},
            {
                "title": {"text": "tokens"},
                "overlaying": "y",
                "side": "right",
                "rangemode": "tozero",
            },
        ),
    }


def cost_figure(series: list[tuple[date, Totals]], prices: Prices, title: str) -> dict[str, Any]:
    """Estimated cost (bars) and average response time (line, right axis) per period."""
    x = [day.isoformat() for day, _ in series]
    costs = [float(t.as_json(prices)["estimated_cost"]) for _, t in series]
    response = [t.as_json(prices)["avg_response_seconds"] for _, t in series]
    return {
        "data": [
            {
                "type": "bar",
                "name": "Custo estimado (R$)",
                "x": x,
                "y": costs,
                "marker": {"color": ACCENT},
            },
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": "Tempo médio de resposta (s)",
                "x": x,
                "y": response,
                "yaxis": "y2",
                "connectgaps": False,
                "line": {"color": SECOND},
            },
        ],
        "layout": _layout(
            title,
            {"title": {"text": "R$"}},
            {
                "title": {"text": "segundos"},
                "overlaying": "y",
                "side": "right",
                "rangemode": "tozero",
            },
        ),
    }


def _layout(title: str, y: dict[str, Any], y2: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": {"text": title},
        "margin": {"l": 50, "r": 50, "t": 40, "b": 40},
        "legend": {"orientation": "h"},
        "yaxis": {"rangemode": "tozero", **y},
        "yaxis2": y2,
        "separators": ",.",  # Brazilian decimals
        "autosize": True,
    }
