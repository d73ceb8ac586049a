"""Charts of satisfaction as plain plotly figure data (G7, N6): built here, embedded by the
Pós-Atendimento tab. Same locale, config and look as the usage charts."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.billing.charts import ACCENT, CONFIG, DAY, SECOND, steps
from domain.feedback.stats import Nps

MONTH = "%b %Y"
# On the axis, short and spaced by plotly: twelve "jan 2026" labels do not fit a phone.
MONTH_TICK = "%b %y"


def satisfaction_figure(days: list[tuple[date, float | None, int]]) -> dict[str, Any]:
    """Mean CSAT per day (line, 1-5) over the answers per day (bars, right axis)."""
    x = [day.isoformat() for day, _, _ in days]
    return {
        "config": CONFIG,
        "data": [
            {
                "type": "bar",
                "name": "Respostas",
                "x": x,
                "y": [n for _, _, n in days],
                "yaxis": "y2",
                "marker": {"color": SECOND, "opacity": 0.4},
                "hovertemplate": "%{x|%-d %b}: %{y:,d} respostas<extra></extra>",
            },
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": "Satisfação média (1 a 5)",
                "x": x,
                "y": [avg for _, avg, _ in days],
                "connectgaps": False,
                "line": {"color": ACCENT},
                "hovertemplate": "%{x|%-d %b}: %{y:,.2f}<extra></extra>",
            },
        ],
        "layout": _layout(
            "Satisfação por dia (30 dias)",
            {"type": "date", "tickformat": DAY, "hoverformat": DAY},
            {"title": {"text": "média"}, "range": [0.8, 5.2], "tick0": 1, "dtick": 1},
        )
        | {
            "yaxis2": {
                "title": {"text": "respostas"},
                "overlaying": "y",
                "side": "right",
                "rangemode": "tozero",
                "tickformat": ",d",
                "showgrid": False,
            }
            # Whole answers: a few answers tick 0 1 2…, never "3 5 8" rounded from halves.
            | steps([n for _, _, n in days], 1)
        },
    }


def nps_figure(months: list[tuple[date, Nps]]) -> dict[str, Any]:
    """NPS per month (line, -100 to 100), with its 95 % interval where the month has enough
    answers (error bars) and the sample size in the hover."""
    x = [first.isoformat() for first, _ in months]
    plus = [
        (n.high - n.score) if n.high is not None and n.score is not None else None
        for _, n in months
    ]
    minus = [
        (n.score - n.low) if n.low is not None and n.score is not None else None for _, n in months
    ]
    return {
        "config": CONFIG,
        "data": [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": "NPS",
                "x": x,
                "y": [n.score for _, n in months],
                "customdata": [n.n for _, n in months],
                "connectgaps": False,
                "line": {"color": ACCENT},
                "error_y": {
                    "type": "data",
                    "symmetric": False,
                    "array": plus,
                    "arrayminus": minus,
                    "color": SECOND,
                },
                "hovertemplate": "%{x|%b %Y}: NPS %{y:,.0f} (%{customdata} respostas)"
                "<extra></extra>",
            }
        ],
        "layout": _layout(
            "NPS por mês (12 meses)",
            {"type": "date", "tickformat": MONTH_TICK, "hoverformat": MONTH, "automargin": True},
            {"title": {"text": "NPS"}, "range": [-105, 105], "tick0": -100, "dtick": 25},
        ),
    }


def _layout(title: str, x: dict[str, Any], y: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": {"text": title},
        "margin": {"l": 50, "r": 50, "t": 40, "b": 40},
        "legend": {"orientation": "h"},
        "xaxis": x,
        "yaxis": y,
        "separators": ",.",  # Brazilian decimals
        "autosize": True,
    }
