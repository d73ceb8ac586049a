"""Plan alerts (tasks/billing.py): crossing 80 % and 100 % of the plan is told once each to the
company's alert URL, signed with its webhook secret, retried when the URL fails."""

from __future__ import annotations

import time
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.billing.models import UsageAlert
from domain.settings import Settings
from domain.webhooks.signatures import verify_signature
from tasks import worker as worker_settings
from tests.fakes.receiver import FakeReceiver
from tests.support import reads
from tests.support.api import bearer
from tests.support.chat import customers_write_once
from tests.support.factories import Cast, change_plan, configure
from tests.support.jobs import running_worker
from tests.support.waiting import eventually


async def test_plan_alerts_at_80_and_100_percent_are_sent_once_and_signed(
    client: Any, cast: Cast, engine: AsyncEngine, worker: Any, receiver: FakeReceiver
) -> None:
    a = cast.a.company.id
    await change_plan(engine, a, monthly_messages=5, overage="allow")
    await configure(engine, a, alert_url=receiver.url)
    receiver.script = [503]  # the first delivery fails and is retried
    await customers_write_once(client, engine, a, 7)
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


async def test_an_alert_url_leading_inside_our_network_is_never_called(
    client: Any,
    cast: Cast,
    engine: AsyncEngine,
    receiver: FakeReceiver,
    settings: Settings,
    no_waiting: None,
) -> None:
    # The receiver listens on 127.0.0.1 (as Redis would); stored as if saved while the name
    # resolved elsewhere. A production worker refuses to connect there, on every retry.
    a = cast.a.company.id
    await change_plan(engine, a, monthly_messages=1, overage="allow")
    await configure(engine, a, alert_url=receiver.url)
    production = settings.model_copy(update={"allow_private_targets": False})
    async with running_worker(worker_settings.settings(production)):
        await customers_write_once(client, engine, a, 1)

        async def refused() -> list[Any]:
            errors = await reads.values(engine, UsageAlert.last_error)
            return [e for e in errors if e and "127.0.0.1 is not a public" in e]

        await eventually(refused, timeout=30)
    assert receiver.received == []
    assert await reads.count(engine, UsageAlert, where=UsageAlert.delivered_at.is_not(None)) == 0
