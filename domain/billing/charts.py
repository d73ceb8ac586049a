"""Charts of usage as plain plotly figure data (N1): built here, embedded by the panel."""

from __future__ import annotations

from collections import OrderedDict
from datetime import date, timedelta
from typing import Any

from domain.billing.usage import Prices, Totals

ACCENT = "#0b6e4f"
SECOND = "#f0b429"
# plotly.js draws dates and numbers in the locale named here: web/static/plotly-pt-br.js
# registers it ("1 nov", "1.234", "0,5"). The axes' formats below are written for it.
LOCALE = "pt-BR"
# No "Share chart" (it uploads the clinic's data to Plotly's cloud), no logo, and only the
# buttons a clinic uses; the rest of the modebar is translated by plotly-pt-br.js.
CONFIG = {
    "locale": LOCALE,
    "responsive": True,
    "displaylogo": False,
    "showSendToCloud": False,
    "modeBarButtonsToRemove": ["sendChartToCloud", "lasso2d", "select2d"],
}
# Ticks finer than what their format shows read "0 0 0 1 1 1": each axis steps by at least
# its format's smallest visible difference.
MAX_TICKS = 8
DAY = "%-d %b"


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
        "config": CONFIG,
        "data": [
            {
                "type": "bar",
                "name": "Mensagens",
                "x": x,
                "y": [t.messages for _, t in series],
                "marker": {"color": ACCENT},
                "hovertemplate": "%{x|%-d %b}: %{y:,d} mensagens<extra></extra>",
            },
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": "Tokens",
                "x": x,
                "y": [t.tokens for _, t in series],
                "yaxis": "y2",
                "hovertemplate": "%{x|%-d %b}: %{y:,d} tokens<extra></extra>",
                "line": {"color": SECOND},
            },
        ],
        "layout": _layout(
            title,
            {"title": {"text": "mensagens"}, "tickformat": ",d"}
            | steps([t.messages for _, t in series], 1),
            {
                "title": {"text": "tokens"},
                "tickformat": ",d",
                "overlaying": "y",
                "side": "right",
                "rangemode": "tozero",
            }
            | steps([t.tokens for _, t in series], 1),
        ),
    }


def cost_figure(series: list[tuple[date, Totals]], prices: Prices, title: str) -> dict[str, Any]:
    """Estimated cost (bars) and average response time (line, right axis) per period."""
    x = [day.isoformat() for day, _ in series]
    costs = [float(t.as_json(prices)["estimated_cost"]) for _, t in series]
    response = [t.as_json(prices)["avg_response_seconds"] for _, t in series]
    return {
        "config": CONFIG,
        "data": [
            {
                "type": "bar",
                "name": "Custo estimado (R$)",
                "x": x,
                "y": costs,
                "marker": {"color": ACCENT},
                "hovertemplate": "%{x|%-d %b}: R$ %{y:,.2f}<extra></extra>",
            },
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": "Tempo médio de resposta (s)",
                "x": x,
                "y": response,
                "yaxis": "y2",
                "connectgaps": False,
                "hovertemplate": "%{x|%-d %b}: %{y:,.1f} s<extra></extra>",
                "line": {"color": SECOND},
            },
        ],
        "layout": _layout(
            title,
            {"title": {"text": "R$"}, "tickformat": ",.2f", "tickprefix": "R$ "}
            | steps(costs, 0.01),
            {
                "title": {"text": "segundos"},
                "tickformat": ",.1f",
                "overlaying": "y",
                "side": "right",
                "rangemode": "tozero",
            }
            | steps([r for r in response if r is not None], 0.1),
        ),
    }


def steps(values: list[Any], step: float) -> dict[str, Any]:
    """Tick settings so that no two ticks print alike: when the data spans fewer than
    MAX_TICKS of `step` (the format's smallest visible difference), tick every `step`, over at
    least one step (all zeros still show "0" and "1")."""
    top = max((float(v) for v in values), default=0.0)
    if top >= step * MAX_TICKS:
        return {}  # plotly's own steps are then coarser than the format
    return {"tick0": 0, "dtick": step, "range": [0, max(top, step) * 1.1]}


def _layout(title: str, y: dict[str, Any], y2: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": {"text": title},
        "margin": {"l": 50, "r": 50, "t": 40, "b": 40},
        "legend": {"orientation": "h"},
        "xaxis": {"type": "date", "tickformat": DAY, "hoverformat": DAY},
        "yaxis": {"rangemode": "tozero", **y},
        "yaxis2": y2,
        "separators": ",.",  # Brazilian decimals
        "autosize": True,
    }
