"""Leases (tasks/leases.py): a job stranded on a dead worker, or by a Redis outage, runs again
within seconds, and never on two workers at once.

The rules run on queue objects of our own, each standing for one worker; the outage runs a
real worker process against an embedded Redis of this test's that it stops for 20 s."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis
from saq.job import Job, Status
from saq.queue.redis import RedisQueue
from sqlalchemy.ext.asyncio import AsyncEngine

from domain import queues
from domain.settings import Settings
from scripts.embedded import EmbeddedRedis
from tasks.leases import LOST, Lease, LeasedQueue
from tests.fakes.gemini import FakeGemini
from tests.support import bursts
from tests.support.paths import ROOT
from tests.support.processes import script_env
from tests.support.waiting import eventually
from web.app import create_app


@contextlib.asynccontextmanager
async def worker(
    settings: Settings, worker_id: str, lease_seconds: float = 30
) -> AsyncIterator[tuple[LeasedQueue, Lease]]:
    """The queue object and the lease of one worker (renewed only when the test says)."""
    name = queues.queue_name(settings.redis_namespace)
    queue = LeasedQueue(Redis.from_url(settings.redis_url or ""), name, lease_seconds=lease_seconds)
    queue.worker_id = worker_id
    await queue.connect()
    lease = Lease(queue, settings.redis_url or "", running={})
    try:
        yield queue, lease
    finally:
        await lease.release()
        await queue.disconnect()


async def listed(queue: LeasedQueue, kind: str) -> list[str]:
    """The job ids in one of SAQ's lists of the queue ("queued" or "active")."""
    return [i.decode() for i in await queue.redis.lrange(queue.namespace(kind), 0, -1)]


async def owner(queue: LeasedQueue, job: Job) -> str | None:
    found = await queue.redis.get(queue.owner_key(job.id))
    return found.decode() if found else None


@contextlib.asynccontextmanager
async def dead_and_live(settings: Settings) -> AsyncIterator[tuple[LeasedQueue, Job, Job]]:
    """Two workers each take a job; then the "dead" one's lease lapses (its only renewal was
    for 2 s). The live worker's queue, the dead one's job, the live one's job."""
    async with (
        worker(settings, "dead", 2) as (dead, dead_lease),
        worker(settings, "live") as (live, live_lease),
    ):
        await dead_lease.renew()
        await live_lease.renew()
        await dead.enqueue("answer", key="first")
        await dead.enqueue("answer", key="second")
        held, kept = await dead.dequeue(1), await live.dequeue(1)
        assert held is not None and kept is not None
        await eventually(lambda: _gone(dead, dead_lease.key), timeout=30)
        yield live, held, kept


async def _gone(queue: LeasedQueue, key: str) -> bool:
    return not await queue.redis.exists(key)


async def test_a_dead_workers_job_goes_back_to_the_head_of_the_queue_and_a_live_ones_stays(
    settings: Settings,
) -> None:
    async with dead_and_live(settings) as (live, held, kept):
        await live.enqueue("answer", key="third")

        assert await live.sweep() == [held.id]
        # First in line again, marked as lost; the live worker's job is left alone.
        assert await listed(live, "queued") == [held.id, live.job_id("third")]
        assert await listed(live, "active") == [kept.id]
        back = await live.job("first")
        assert back is not None and back.status == Status.QUEUED and back.error == LOST
        assert await owner(live, kept) == "live"


async def test_a_late_finish_from_the_dead_worker_changes_nothing(settings: Settings) -> None:
    async with dead_and_live(settings) as (live, held, _):
        await live.sweep()
        again = await live.dequeue(1)
        assert again == held and await owner(live, held) == "live"

        # The "dead" worker was only slow: its finish arrives after the takeover.
        await held.finish(Status.COMPLETE, result="late")
        await held.retry("late")

        assert held.id in await listed(live, "active")
        assert held.id not in await listed(live, "queued")
        assert await owner(live, held) == "live"
        stored = await live.job("first")
        assert stored is not None and stored.status != Status.COMPLETE


async def test_a_job_moved_off_the_queue_but_never_claimed_is_put_back_after_a_moment(
    settings: Settings,
) -> None:
    async with worker(settings, "live", 5) as (live, lease):
        await lease.renew()
        await live.enqueue("answer", key="orphan")
        # A worker moved it (SAQ's BLMOVE) and died before claiming it.
        await live.redis.lmove(live.namespace("queued"), live.namespace("active"))

        # Not at once: between a move and its claim there is a moment.
        assert await live.sweep() == []
        rescued = await eventually(live.sweep, timeout=30)
        assert rescued == [live.job_id("orphan")]
        assert await listed(live, "queued") == [live.job_id("orphan")]
        assert await listed(live, "active") == []


async def test_a_worker_whose_lease_runs_short_puts_the_job_back_instead_of_starting_it(
    settings: Settings,
) -> None:
    async with worker(settings, "fading", 5) as (queue, lease):
        await lease.renew()  # and never again
        await queue.enqueue("answer", key="next")
        # Less lease left than the fence needs to stop a job in time.
        await eventually(lambda: _short(queue, lease.key), timeout=30)

        assert await queue.dequeue(1) is None
        assert await listed(queue, "queued") == [queue.job_id("next")]
        assert await listed(queue, "active") == []


async def _short(queue: LeasedQueue, key: str) -> bool:
    return int(await queue.redis.pttl(key)) < queue.timing.claim_needs * 1000


async def test_a_worker_cut_off_from_redis_cancels_its_jobs_before_its_lease_lapses(
    settings: Settings, tmp_path: Path
) -> None:
    server = EmbeddedRedis(tmp_path / "redis", persist=False).start()
    config = settings.model_copy(update={"redis_url": server.url})
    running = asyncio.create_task(asyncio.sleep(3600))  # a job's task, as SAQ holds it
    jobs: dict[Any, Any] = {"job": {"task": running}}
    try:
        async with worker(config, "cut-off", 10) as (queue, _):
            lease = Lease(queue, server.url, running=jobs)
            sent = time.monotonic()
            assert await lease.renew()
            lease.start()
            assert server.process is not None
            server.process.send_signal(signal.SIGSTOP)  # Redis stalls: nothing answers
            try:
                await eventually(lambda: _done(running), timeout=60)
                cancelled = time.monotonic()
            finally:
                server.process.send_signal(signal.SIGCONT)
            # Not for a short stall, and before anyone else could take the job (Redis counts
            # the lease from later than `sent`).
            assert 5 <= cancelled - sent < queue.timing.ttl
            assert running.cancelled() and queue.fenced
            # Redis answers again: the lease is renewed and the worker takes jobs again.
            await eventually(lambda: _not_fenced(queue), timeout=30)
            await lease.release()
    finally:
        server.stop()


async def _done(task: asyncio.Task[Any]) -> bool:
    return task.done()


async def _not_fenced(queue: LeasedQueue) -> bool:
    return not queue.fenced


@pytest.fixture
async def outage_redis(tmp_path: Path) -> AsyncIterator[EmbeddedRedis]:
    """A Redis of this test's own, persistent (jobs outlive a restart, as in production)."""
    server = EmbeddedRedis(tmp_path / "redis", persist=True).start()
    yield server
    server.stop()


async def test_a_20_second_redis_outage_leaves_nothing_active_and_every_message_answered(
    settings: Settings,
    engine: AsyncEngine,
    outage_redis: EmbeddedRedis,
    acme_on_gemini: Any,
    gemini: FakeGemini,
) -> None:
    gemini.delay = 0.5  # replies wait on the model: many jobs are under way when Redis goes
    config = settings.model_copy(update={"redis_url": outage_redis.url})
    acme = acme_on_gemini.company.id
    async with create_app(config).test_app() as app:
        posted = await bursts.post_in_process(
            app.test_client(), range(500), secret="secret-acme", domain="acme.example.com"
        )
    assert posted == {202: 500}
    process = subprocess.Popen(
        [sys.executable, "-m", "tasks", "tasks.worker.settings"],
        cwd=ROOT,
        env=script_env(config, WORKER_CONCURRENCY="50", LOG_LEVEL="WARNING"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        await eventually(lambda: bursts.answered(engine, acme, 50), timeout=120)
        outage_redis.stop()
        await asyncio.sleep(20)
        outage_redis.start()
        back = time.monotonic()
        await eventually(lambda: bursts.all_answered(engine, acme, 500), timeout=120)
        answered = time.monotonic()
        queue = RedisQueue(
            Redis.from_url(outage_redis.url), name=queues.queue_name(config.redis_namespace)
        )
        try:
            await eventually(lambda: _nothing_active(queue), timeout=60)
        finally:
            await queue.disconnect()
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(60)
    replies = await bursts.replies_by_message(engine, acme)
    assert len(replies) == 500 and set(replies.values()) == {1}
    assert gemini.overlapping == []
    assert answered - back <= 60
    print(f"after the outage: every message answered {answered - back:.1f} s after Redis returned")


async def _nothing_active(queue: RedisQueue) -> bool:
    if await queue.count("active"):
        return False
    return not [job async for job in queue.iter_jobs([Status.ACTIVE, Status.ABORTING])]
