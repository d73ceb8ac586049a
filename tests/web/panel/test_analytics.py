"""Analytics e Consumo: cards, plan, alerts and charts as a page and as the live fragment."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.settings import Settings
from tests.support.chat import a_conversation
from tests.support.factories import Cast, change_plan
from tests.support.panel import log_in


async def test_page_and_fragment_show_usage_plan_and_charts(
    client: Any, engine: AsyncEngine, settings: Settings, cast: Cast
) -> None:
    await change_plan(engine, cast.a.company.id, monthly_messages=1)
    await a_conversation(client, engine, settings, cast.a.company.id)  # one reply: 100 % of it
    await log_in(client, cast.member, cast.password)
    page = await (await client.get("/painel/analytics")).get_data(as_text=True)
    assert "plotly.min.js" in page and "Analytics e Consumo" in page
    assert "R$ 0,05" in page  # 1 message x 0.05
    assert "100,0 % de 1 neste mês" in page
    assert page.count('class="chart"') == 3 and "data-figure=" in page
    fragment = await client.get("/painel/analytics?part=content", headers={"HX-Request": "true"})
    body = await fragment.get_data(as_text=True)
    assert "<html" not in body and 'id="analytics-content"' in body


async def test_charts_draw_in_brazilian_portuguese(client: Any, cast: Cast) -> None:
    """The figures name the pt-BR locale (registered by a script the page loads before the
    charts), dates as "1 nov" and numbers with Brazilian separators ("1.234", "0,5")."""
    await log_in(client, cast.member, cast.password)
    page = await (await client.get("/painel/analytics")).get_data(as_text=True)
    scripts = re.findall(r'src="/static/([a-z.-]+)\?v=', page)
    assert scripts.index("plotly.min.js") < scripts.index("plotly-pt-br.js")
    assert scripts.index("plotly-pt-br.js") < scripts.index("charts.js")
    locale = await (await client.get("/static/plotly-pt-br.js")).get_data(as_text=True)
    assert 'name: "pt-BR"' in locale and '"nov"' in locale and 'decimal: ","' in locale
    figures = [json.loads(html.unescape(raw)) for raw in re.findall(r"data-figure='([^']*)'", page)]
    assert len(figures) == 3
    for figure in figures:
        layout = figure["layout"]
        assert figure["config"]["locale"] == "pt-BR" and layout["separators"] == ",."
        assert layout["xaxis"]["tickformat"] == "%-d %b"
        assert all("%{x|%-d %b}" in trace["hovertemplate"] for trace in figure["data"])
    usage = figures[0]
    assert usage["layout"]["yaxis2"]["tickformat"] == ",d"  # whole tokens: never "0,173"
    assert usage["data"][1]["hovertemplate"].endswith("%{y:,d} tokens<extra></extra>")


async def test_charts_share_nothing_and_never_repeat_a_tick(client: Any, cast: Cast) -> None:
    """No button uploads the clinic's data to Plotly's cloud, the modebar's English has
    Portuguese, and small counts or amounts step by what their format can show ("0 1 2",
    never "0 0 0 1 1 1" or "0,0 0,0")."""
    await log_in(client, cast.member, cast.password)
    page = await (await client.get("/painel/analytics")).get_data(as_text=True)
    figures = [json.loads(html.unescape(raw)) for raw in re.findall(r"data-figure='([^']*)'", page)]
    for figure in figures:
        config = figure["config"]
        assert config["displaylogo"] is False and config["showSendToCloud"] is False
        assert "sendChartToCloud" in config["modeBarButtonsToRemove"]
        layout = figure["layout"]  # a company without usage yet: every value is zero
        for axis, step in ((layout["yaxis"], 1), (layout["yaxis2"], 1)):
            if axis["tickformat"] == ",d":
                assert axis["dtick"] == step and axis["range"][0] == 0
        if layout["yaxis"]["tickformat"] == ",.2f":
            assert layout["yaxis"]["dtick"] == 0.01 and layout["yaxis2"]["dtick"] == 0.1
    script = await (await client.get("/static/charts.js")).get_data(as_text=True)
    assert "showSendToCloud: false" in script
    locale = await (await client.get("/static/plotly-pt-br.js")).get_data(as_text=True)
    for english in ("Download plot as a PNG", "Toggle show closest data on hover", "Zoom in"):
        assert f'"{english}":' in locale
