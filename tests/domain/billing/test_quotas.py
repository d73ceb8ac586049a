"""Plan quotas counted atomically and once per message in (real) Redis."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from redis.asyncio import Redis

from domain.billing.quotas import Limits, Quotas, Usage
from domain.settings import Settings

NOV = datetime(2026, 11, 30, 23, 59, tzinfo=UTC)
DEC = datetime(2026, 12, 1, 0, 1, tzinfo=UTC)


async def test_each_message_counts_once_however_often_its_job_runs(
    redis: Redis, settings: Settings
) -> None:
    quotas = Quotas(redis, settings.redis_namespace)
    assert (await quotas.count_message(1, 10, NOV)).messages == 1
    assert (await quotas.count_message(1, 10, NOV)).messages == 1
    assert (await quotas.count_message(1, 11, NOV)).messages == 2


async def test_concurrent_jobs_never_lose_or_double_a_count(
    redis: Redis, settings: Settings
) -> None:
    quotas = Quotas(redis, settings.redis_namespace)
    # Within the test client's connection pool: 60 distinct messages and 30 repeats, at once.
    await asyncio.gather(
        *(quotas.count_message(1, i, NOV) for i in range(60)),
        *(quotas.count_message(1, 7, NOV) for _ in range(30)),
    )
    assert (await quotas.usage(1, NOV)).messages == 60


async def test_tokens_add_once_per_message_and_months_and_companies_are_apart(
    redis: Redis, settings: Settings
) -> None:
    quotas = Quotas(redis, settings.redis_namespace)
    assert await quotas.add_tokens(1, 10, 150, NOV) == 150
    assert await quotas.add_tokens(1, 10, 150, NOV) == 150
    assert await quotas.add_tokens(1, 11, 50, NOV) == 200
    await quotas.count_message(1, 12, NOV)
    assert await quotas.usage(1, NOV) == Usage(messages=1, tokens=200)
    assert await quotas.usage(1, DEC) == Usage(0, 0)
    assert await quotas.usage(2, NOV) == Usage(0, 0)
    ttl = await redis.ttl(f"{settings.redis_namespace}:usage:1:2026-11:messages")
    assert 30 * 24 * 3600 < ttl <= 40 * 24 * 3600


def test_limits_are_messages_past_the_allowance_or_tokens_reaching_it() -> None:
    plan = Limits(messages=100, tokens=10_000, overage="block")
    assert not Usage(100, 9_999).exceeds(plan)
    assert Usage(101, 0).exceeds(plan)
    assert Usage(1, 10_000).exceeds(plan)
    assert not Usage(10**9, 10**12).exceeds(Limits())  # unlimited
