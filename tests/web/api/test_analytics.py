"""Usage metering and the analytics API (T3, N2): real-time aggregates and plan alerts."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.billing.models import UsageAlert
from domain.webhooks.signatures import verify_signature
from tests.fakes.gemini import FakeGemini
from tests.fakes.receiver import FakeReceiver
from tests.fakes.server import LocalServer
from tests.support import reads
from tests.support.api import bearer
from tests.support.factories import Cast, change_plan, configure, gemini_at
from tests.support.waiting import eventually
from tests.support.webhooks import post_webhook, text_body


@pytest.fixture
async def receiver() -> AsyncIterator[FakeReceiver]:
    fake = FakeReceiver()
    async with LocalServer(fake.app()) as url:
        fake.url = f"{url}/hooks"  # type: ignore[attr-defined]
        yield fake


async def customers_write(
    client: Any, engine: AsyncEngine, company_id: int, n: int, start: int = 0
) -> None:
    """`n` customers (distinct numbers, so anti-flood stays out of it) write once each."""
    for i in range(start, start + n):
        body = text_body(f"c{i}", "quero marcar uma consulta", number=f"55119{i:08d}")
        assert (await post_webhook(client, body)).status_code == 202

    async def answered() -> bool:
        return len(await reads.outbound(engine, company_id)) == start + n

    await eventually(answered)


async def test_summary_counts_messages_tokens_time_and_cost(
    client: Any, cast: Cast, engine: AsyncEngine, worker: Any, gemini: FakeGemini
) -> None:
    a = cast.a.company.id
    await configure(engine, a, gemini=gemini_at(gemini.url))
    await customers_write(client, engine, a, 3)
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


async def test_plan_alerts_at_80_and_100_percent_are_sent_once_and_signed(
    client: Any, cast: Cast, engine: AsyncEngine, worker: Any, receiver: FakeReceiver
) -> None:
    a = cast.a.company.id
    await change_plan(engine, a, monthly_messages=5, overage="allow")
    await configure(engine, a, alert_url=receiver.url)
    receiver.script = [503]  # the first delivery fails and is retried
    await customers_write(client, engine, a, 7)
    await eventually(lambda: _delivered(engine, a, 2), timeout=30)
    thresholds = []
    for headers, body in receiver.received:
        verify_signature(
            ["secret-acme"], headers["X-Timestamp"], headers["X-Signature"], body, now=time.time()
        )
        event = orjson.loads(body)
        assert (event["event"], event["metric"], event["quota"]) == (
            "usage.threshold",
            "messages",
            5,
        )
        # Jobs run concurrently: "used" is the count when the threshold was seen crossed.
        assert event["used"] * 100 >= event["quota"] * event["threshold"]
        thresholds.append(event["threshold"])
    assert sorted(set(thresholds)) == [80, 100]
    assert len(receiver.received) == 3  # one retry after the 503, nothing for messages 6 and 7
    member = await bearer(client, cast.member, cast.password)
    plan = (await (await client.get("/api/analytics/summary", headers=member)).get_json())["plan"]
    assert plan["messages_used_pct"] == 140.0
    assert [(x["threshold"], x["delivered"]) for x in plan["alerts"]] == [(80, True), (100, True)]


async def _delivered(engine: AsyncEngine, company_id: int, n: int) -> bool:
    delivered = (UsageAlert.company_id == company_id, UsageAlert.delivered_at.is_not(None))
    return await reads.count(engine, UsageAlert, where=delivered) == n
