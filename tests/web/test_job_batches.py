"""Batched enqueues over real Redis, read back through SAQ's own API: what a pipeline wrote is
what SAQ's enqueue would have written, and a key still queued is never doubled."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest_asyncio
from redis.asyncio import Redis
from redis.exceptions import RedisError
from saq.queue.redis import RedisQueue

from domain import queues
from domain.settings import Settings
from web.job_batches import BatchedQueue


@pytest_asyncio.fixture
async def queue(settings: Settings) -> AsyncIterator[RedisQueue]:
    queue = RedisQueue(
        Redis.from_url(settings.redis_url or ""), name=queues.queue_name(settings.redis_namespace)
    )
    await queue.connect()
    yield queue
    await queue.disconnect()


async def test_jobs_queued_together_are_each_dequeued_by_saq_with_their_arguments(
    queue: RedisQueue,
) -> None:
    batched = BatchedQueue(queue)
    await batched.enqueue("process_inbound", key="first", message_id=0)  # registers the script
    jobs = await asyncio.gather(
        *(
            batched.enqueue("process_inbound", key=f"k{i}", timeout=120, retries=6, message_id=i)
            for i in range(1, 41)
        )
    )
    assert all(job is not None for job in jobs)
    assert await queue.count("queued") == 41
    seen = {}
    for _ in range(41):
        job = await queue.dequeue(timeout=1)
        assert job is not None
        seen[job.key] = job
    assert seen["k7"].kwargs == {"message_id": 7}
    assert (seen["k7"].function, seen["k7"].timeout, seen["k7"].retries) == (
        "process_inbound",
        120,
        6,
    )
    assert sorted(seen) == sorted(["first", *(f"k{i}" for i in range(1, 41))])


async def test_a_key_still_queued_is_not_doubled_within_or_across_batches(
    queue: RedisQueue,
) -> None:
    batched = BatchedQueue(queue)
    assert await batched.enqueue("process_inbound", key="old") is not None
    answers = await asyncio.gather(
        batched.enqueue("process_inbound", key="same"),
        batched.enqueue("process_inbound", key="same"),
        batched.enqueue("process_inbound", key="old"),
        batched.enqueue("process_inbound", key="new"),
    )
    assert [answer is not None for answer in answers] == [True, False, False, True]
    assert await queue.count("queued") == 3


async def test_when_redis_is_unreachable_every_waiting_caller_hears_it() -> None:
    unreachable = RedisQueue(Redis(host="127.0.0.1", port=1, socket_connect_timeout=1), name="x")
    batched = BatchedQueue(unreachable)
    answers = await asyncio.gather(
        *(batched.enqueue("process_inbound", key=f"k{i}") for i in range(5)),
        return_exceptions=True,
    )
    assert all(isinstance(answer, RedisError | OSError) for answer in answers), answers
