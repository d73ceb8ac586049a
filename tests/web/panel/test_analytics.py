"""Analytics e Consumo: cards, plan, alerts and charts as a page and as the live fragment."""

from __future__ import annotations

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
