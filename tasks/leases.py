"""Leases: a job stranded on a dead or cut-off worker runs again within seconds, and no job
ever runs on two workers at once.

SAQ keeps a running job in its queue's `active` list and notices a dead worker's job only in
its sweep, after the job's whole timeout, one job every 5 s (it waits for an abort nobody is
left to acknowledge); a finish or retry that fails while Redis is away leaves the job
"active" until that same sweep. Here instead:

- every worker holds a **lease**, a Redis key with a TTL that it renews every tenth of it on
  a connection of its own (`Lease`);
- taking a job off the queue **claims** it: one script sets an owner key naming the worker,
  only if the job is still in the active list, nobody owns it yet, and the claimer's lease
  has time left (`LeasedQueue.dequeue`);
- every worker's sweep (every tenth of the lease) puts back at the head of the queue each
  active job whose owner's lease is gone, and each active job nobody claimed for a few
  seconds; both checked again inside the script that moves it (`LeasedQueue.sweep`);
- a worker's finish and retry (SAQ's own transitions) apply only while it still owns the job,
  so a late one cannot undo a requeue; one that fails because Redis is away is kept and
  repeated by the sweep until Redis answers: the job stays owned by a live worker meanwhile;
- a worker that could not renew its lease for the TTL minus one renewal interval cancels its
  jobs (they are retried) and claims nothing until it renews: it stops before anyone may take
  its jobs over (the **fence**).

So a job's work is done at most once at a time; a job whose worker was SIGKILLed is back in
the queue at most a lease (30 s by default) plus one sweep later. What remains is the
ordinary at-least-once of any job: a job cut off mid-way runs again from the start, which is
why every job is idempotent.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError
from saq.job import Job, Status
from saq.queue.redis import RedisQueue
from saq.utils import now

from domain.observability.logging import get_logger
from tasks.lease_scripts import CLAIM, GIVE_BACK, RELEASE, RESCUE

log = get_logger(__name__)

LOST = "lost with its worker"

# Redis did not answer (down, restarting, loading, cut off): worth repeating later.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, TimeoutError, OSError)


@dataclass(frozen=True)
class Timing:
    """Every interval of the lease follows from its TTL."""

    ttl: float

    @property
    def renew_every(self) -> float:
        return self.ttl / 10

    @property
    def fence_after(self) -> float:
        """No renewal acknowledged for this long: cancel our jobs, before the lease can lapse."""
        return self.ttl - self.renew_every

    @property
    def claim_needs(self) -> float:
        """A claim needs this much lease left: the fence has time to act on the job."""
        return 2 * self.renew_every


@dataclass
class Unreleased:
    """A finish, retry or claim Redis did not answer: repeated until it does."""

    script: str
    keys: list[str]
    args: list[Any]


class LeasedQueue(RedisQueue):
    """A SAQ Redis queue whose workers claim jobs under a lease (see the module docstring)."""

    def __init__(self, redis: Redis, name: str, *, lease_seconds: float) -> None:
        super().__init__(redis, name=name)
        self.timing = Timing(lease_seconds)
        self.worker_id = ""  # the worker holding this queue object, set by `hold`
        self.fenced = False
        self._scripts = {
            script: redis.register_script(script) for script in (CLAIM, RELEASE, RESCUE, GIVE_BACK)
        }
        self._unreleased: list[Unreleased] = []
        self._unowned_since: dict[bytes, float] = {}

    def lease_key(self, worker_id: str) -> str:
        return self.namespace(f"lease:{worker_id}")

    def owner_key(self, job_id: str) -> str:
        return self.namespace(f"owner:{self.job_key_from_id(job_id)}")

    async def _run(self, script: str, keys: list[str], args: list[Any]) -> Any:
        return await self._scripts[script](keys=keys, args=args, client=self.redis)

    async def dequeue(self, timeout: float = 0.0, poll_interval: float = 0.0) -> Job | None:
        if self.fenced:  # our lease may lapse: take nothing until it is renewed
            await asyncio.sleep(max(timeout, 1.0))
            return None
        try:
            job_id = await self.redis.blmove(self._queued, self._active, timeout, "LEFT", "RIGHT")
        except UNREACHABLE:
            await asyncio.sleep(1.0)  # Redis away: wait here rather than spin every job slot
            return None
        if job_id is None:
            return None
        return await self._claim(job_id.decode())

    async def _claim(self, job_id: str) -> Job | None:
        keys = [
            *self._lists(),
            self.owner_key(job_id),
            self.lease_key(self.worker_id),
            job_id,
        ]
        args = [self.worker_id, int(self.timing.claim_needs * 1000)]
        try:
            record = await self._run(CLAIM, keys, args)
        except UNREACHABLE:
            # Maybe claimed, maybe not: if it is ours, give it back once Redis answers.
            give_back = [self._active, self._queued, self.owner_key(job_id), job_id]
            self._unreleased.append(Unreleased(GIVE_BACK, give_back, [self.worker_id]))
            return None
        job = self.deserialize(record)
        if job is not None:
            job.worker_id = self.worker_id  # as SAQ's worker sets it next
        return job

    def _lists(self) -> list[str]:
        return [self._active, self._queued, self._incomplete]

    async def _finish(
        self, job: Job, status: Status, *, result: Any = None, error: str | None = None
    ) -> None:
        await self._release(job, str(job.ttl), 0)

    async def _retry(self, job: Job, error: str | None) -> None:
        delay = job.next_retry_delay()
        if delay:
            await self._release(job, "schedule", time.time() + delay)
        else:
            await self._release(job, "queue", job.scheduled)

    async def _release(self, job: Job, mode: str, score: float) -> None:
        keys = [*self._lists(), self.owner_key(job.id), job.id]
        args = [job.worker_id or "", job.attempts, self.serialize(job), mode, score]
        try:
            released = await self._run(RELEASE, keys, args)
        except UNREACHABLE as exc:
            log.warning("job_release_deferred", job_key=job.key, error=str(exc))
            self._unreleased.append(Unreleased(RELEASE, keys, args))
            return
        if not released:
            log.warning("job_release_refused", job_key=job.key, reason="taken over meanwhile")
            return
        with contextlib.suppress(RedisError, OSError):
            await self.notify(job)

    async def sweep(self, lock: int = 60, abort: float = 5.0) -> list[str]:
        """SAQ's periodic sweep, replaced: repeat what Redis did not answer, then take back
        the jobs of dead workers and the jobs nobody claimed."""
        try:
            await self._repeat_unreleased()
            return await self._rescue_stranded()
        except UNREACHABLE as exc:
            log.warning("sweep_deferred", queue=self.name, error=str(exc))
            return []

    async def _repeat_unreleased(self) -> None:
        """In order, until Redis stops answering (the rest waits for the next sweep)."""
        while self._unreleased:
            pending = self._unreleased[0]
            try:
                await self._run(pending.script, pending.keys, pending.args)
            except ResponseError as exc:  # Redis answered no: repeating would not change it
                log.error("job_release_failed", job_id=pending.keys[-1], error=str(exc))
            self._unreleased.pop(0)

    async def _rescue_stranded(self) -> list[str]:
        ids: list[bytes] = await self.redis.lrange(self._active, 0, -1)
        if not ids:
            self._unowned_since = {}
            return []
        owners = await self.redis.mget([self.owner_key(i.decode()) for i in ids])
        alive = await self._alive({o for o in owners if o})
        seen, self._unowned_since, moment = self._unowned_since, {}, time.monotonic()
        rescued = []
        for job_id, owner in zip(ids, owners, strict=True):
            if owner is None:
                # Between a worker's move and its claim for a moment; stranded if it stays so.
                since = self._unowned_since[job_id] = seen.get(job_id, moment)
                if moment - since < self.timing.renew_every:
                    continue
            elif owner in alive:
                continue
            if await self._rescue(job_id.decode(), owner.decode() if owner else ""):
                rescued.append(job_id.decode())
        if rescued:
            dead = sorted({o.decode() for o in owners if o and o not in alive})
            log.warning("jobs_rescued", queue=self.name, count=len(rescued), dead_workers=dead)
        return rescued

    async def _alive(self, workers: set[bytes]) -> set[bytes]:
        """Those of `workers` whose lease has not lapsed."""
        if not workers:
            return set()
        ordered = sorted(workers)
        leases = await self.redis.mget([self.lease_key(w.decode()) for w in ordered])
        return {w for w, lease in zip(ordered, leases, strict=True) if lease}

    async def _rescue(self, job_id: str, owner: str) -> bool:
        """Back to the head of the queue (SAQ's sweep would retry it), or finished as aborted
        when it has no attempt left; only if nothing changed since we looked."""
        record = await self.redis.get(job_id)
        job = self.deserialize(record)
        if job is None:
            new, mode = "", "-1"  # a job that no longer exists: only our lists remember it
        elif job.retryable:
            job.status, job.error, job.started, job.touched = Status.QUEUED, LOST, 0, now()
            new, mode = self.serialize(job), "queue"
        else:
            job.status, job.error, job.completed = Status.ABORTED, LOST, now()
            new, mode = self.serialize(job), str(job.ttl)
        keys = [*self._lists(), self.owner_key(job_id), self.lease_key(owner), job_id]
        return bool(await self._run(RESCUE, keys, [owner, record or "", new, mode]))


class Lease:
    """A worker's lease: renewed on a connection of its own (a busy pool must not delay it).
    A timer fires when no renewal has been acknowledged for `fence_after`: the worker's jobs
    are cancelled (SAQ retries them) before the lease can expire and another worker take
    them over; it fires again every interval until a renewal succeeds."""

    def __init__(self, queue: LeasedQueue, redis_url: str, running: Mapping[Job, Any]) -> None:
        self.queue = queue
        self.timing = queue.timing
        every = self.timing.renew_every
        self._redis = Redis.from_url(redis_url, socket_timeout=every, socket_connect_timeout=every)
        self._running = running  # the worker's job_task_contexts
        self._value = f"{socket.gethostname()}:{os.getpid()}"
        self._task: asyncio.Task[None] | None = None
        self._fence_timer: asyncio.TimerHandle | None = None

    @property
    def key(self) -> str:
        return self.queue.lease_key(self.queue.worker_id)

    async def renew(self) -> bool:
        sent = asyncio.get_running_loop().time()
        try:
            await self._redis.set(self.key, self._value, px=int(self.timing.ttl * 1000))
        except (RedisError, OSError) as exc:
            log.warning("lease_not_renewed", queue=self.queue.name, error=str(exc))
            return False
        # Redis counts the TTL from when it ran the command, later than `sent`.
        self._arm(sent + self.timing.fence_after)
        if self.queue.fenced:
            self.queue.fenced = False
            log.warning("lease_renewed", queue=self.queue.name)
        return True

    def _arm(self, when: float) -> None:
        if self._fence_timer is not None:
            self._fence_timer.cancel()
        self._fence_timer = asyncio.get_running_loop().call_at(when, self.fence)

    def fence(self) -> None:
        """Cancel every running job (each is retried) and claim nothing until renewed."""
        newly, self.queue.fenced = not self.queue.fenced, True
        cancelled = 0
        for context in list(self._running.values()):
            if not context["task"].done():
                context["task"].cancel()
                cancelled += 1
        if newly or cancelled:
            log.error("lease_lost", queue=self.queue.name, jobs_cancelled=cancelled)
        # Again in a moment: a claim under way when the lease ran short may start a job.
        self._arm(asyncio.get_running_loop().time() + self.timing.renew_every)

    async def _keep(self) -> None:
        while True:
            await asyncio.sleep(self.timing.renew_every)
            await self.renew()

    def start(self) -> None:
        self._task = asyncio.create_task(self._keep())

    async def release(self) -> None:
        """At shutdown: stop renewing, repeat what Redis did not answer, and drop the lease so
        any job still ours is taken over at once."""
        if self._fence_timer is not None:
            self._fence_timer.cancel()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.queue.sweep()
        with contextlib.suppress(RedisError, OSError):
            await self._redis.delete(self.key)
        await self._redis.aclose()


async def hold(worker: Any, redis_url: str) -> Lease:
    """Give a starting SAQ worker its lease (first renewal before it claims anything)."""
    queue = worker.queue
    assert isinstance(queue, LeasedQueue), "the worker's queue must be a LeasedQueue"
    queue.worker_id = worker.id
    lease = Lease(queue, redis_url, worker.job_task_contexts)
    if not await lease.renew():
        lease.fence()  # no lease yet: claim nothing until the first renewal
    lease.start()
    return lease
