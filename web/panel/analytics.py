"""Analytics e Consumo (N1, T3): usage, cost, response time and the plan, with charts; live."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from quart import Blueprint, g, render_template, request
from quart_schema import hide

from domain.billing import analytics, charts
from domain.billing.usage import Prices
from web.panel import access
from web.panel.layout import is_htmx, render_panel
from web.panel.sessions import panel_login_required
from web.services import services

bp = Blueprint("analytics", __name__, url_prefix="/painel/analytics")


@bp.get("")
@hide
@panel_login_required
async def index() -> Any:
    if g.principal.company_id is None:
        return await render_panel("panel/pick_company.html", "analytics")
    svc = services()
    company = await access.company()
    today = datetime.now(ZoneInfo(company.timezone)).date()
    price = Prices.from_settings(svc.settings)
    async with svc.engine.connect() as conn:
        summary = await analytics.summary(conn, company.id, today, company.limits, price)
        days = await analytics.last_days(conn, company.id, today, 56)
    figures = {
        "daily-usage": charts.usage_figure(days[-30:], "Mensagens e tokens por dia (30 dias)"),
        "weekly-usage": charts.usage_figure(charts.weekly(days), "Por semana (8 semanas)"),
        "daily-cost": charts.cost_figure(days[-30:], price, "Custo e tempo de resposta por dia"),
    }
    context = {
        "summary": summary,
        "figures": {key: orjson.dumps(figure).decode() for key, figure in figures.items()},
        "periods": (("today", "Hoje"), ("week", "Esta semana"), ("month", "Este mês")),
    }
    if is_htmx() and request.args.get("part") == "content":
        return await render_template("panel/_analytics_content.html", **context)
    return await render_panel("panel/analytics.html", "analytics", **context)
