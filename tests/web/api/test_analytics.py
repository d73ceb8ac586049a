"""The analytics API (T3, N2): the summary and the history of usage, counted as replies are
written, and only for the caller's company."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.fakes.gemini import FakeGemini
from tests.support.api import bearer
from tests.support.chat import customers_write_once
from tests.support.factories import Cast, configure, gemini_at


async def test_summary_counts_messages_tokens_time_and_cost(
    client: Any, cast: Cast, engine: AsyncEngine, worker: Any, gemini: FakeGemini
) -> None:
    a = cast.a.company.id
    await configure(engine, a, gemini=gemini_at(gemini.url))
    await customers_write_once(client, engine, a, 3)
    member = await bearer(client, cast.member, cast.password)
    summary = await (await client.get("/api/analytics/summary", headers=member)).get_json()
    today = summary["today"]
    assert today["messages"] == 3
    assert today["tokens"] == 3 * 150  # the fake Gemini's usage per call
    assert today["estimated_cost"] == "0.16"  # 3 x 0.05 + 0.45 x 0.02
    assert 0 < today["avg_response_seconds"] < 15
    assert summary["week"]["messages"] == summary["month"]["messages"] == 3
    assert summary["plan"]["messages_used_pct"] is None  # unlimited plan

    history = await (
        await client.get("/api/analytics/history?period=week", headers=member)
    ).get_json()
    assert len(history["days"]) == 7
    assert history["days"][-1]["date"] == summary["date"]
    assert [d["messages"] for d in history["days"]] == [0] * 6 + [3]
    month = await (
        await client.get("/api/analytics/history?period=month", headers=member)
    ).get_json()
    assert len(month["days"]) == 30


async def test_history_refuses_an_unknown_period_and_other_companies(
    client: Any, cast: Cast
) -> None:
    member = await bearer(client, cast.member, cast.password)
    bad = await client.get("/api/analytics/history?period=year", headers=member)
    assert (bad.status_code, (await bad.get_json())["field"]) == (422, "period")
    outsider = await bearer(client, cast.outsider, cast.password)
    for path in ("summary", "history?period=week"):
        joiner = "&" if "?" in path else "?"
        url = f"/api/analytics/{path}{joiner}company_id={cast.a.company.id}"
        assert (await client.get(url, headers=outsider)).status_code == 403
    assert (await client.get("/api/analytics/summary")).status_code == 401
