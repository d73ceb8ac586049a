"""Queue names and job specs shared by the web (which enqueues) and the workers.

Plain data: `domain/` never imports SAQ. Every name carries the Redis namespace so several
deployments (or test runs) can share one Redis without seeing each other's jobs.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any

from redis.exceptions import RedisError

from domain.observability.logging import get_logger

_log = get_logger(__name__)

SHARED = "default"
SCHEDULER = "scheduler"


def queue_name(namespace: str, name: str = SHARED) -> str:
    return f"{namespace}:{name}"


def company_queue(company_id: int) -> str:
    """The queue of a company's dedicated worker (scripts/spawn_worker.py)."""
    return f"company-{company_id}"


def dedicated_key(namespace: str, company_id: int) -> str:
    """Set (with a short TTL, refreshed) while a dedicated worker serves the company; its
    value is that worker's full queue name."""
    return f"{namespace}:dedicated:{company_id}"


# A dedicated worker refreshes its key every HEARTBEAT seconds; it expires after DEDICATED_TTL.
HEARTBEAT = 5
DEDICATED_TTL = 15


class QueueRouter:
    """Which queue takes a company's jobs: its dedicated worker's queue while one is alive,
    otherwise the shared queue. Answers are cached for `ttl` seconds (the webhook's hot path
    must not ask Redis every time); a dead dedicated worker's accepted messages are swept
    onto the shared queue (see tasks/sweeper.py)."""

    def __init__(
        self,
        redis: Any,
        namespace: str,
        shared: Any,
        open_queue: Callable[[str], Awaitable[Any]],
        ttl: float = 2.0,
    ) -> None:
        self._redis = redis
        self._ns = namespace
        self._shared = shared
        self._open = open_queue
        self._ttl = ttl
        self._cache: dict[int, tuple[float, str | None]] = {}
        self._queues: dict[str, Any] = {}

    async def queue_for(self, company_id: int) -> Any:
        name = await self._dedicated(company_id)
        if name is None or name == self._shared.name:
            return self._shared
        if name not in self._queues:
            self._queues[name] = await self._open(name)
        return self._queues[name]

    async def _dedicated(self, company_id: int) -> str | None:
        now = time.monotonic()
        hit = self._cache.get(company_id)
        if hit is not None and hit[0] > now:
            return hit[1]
        try:
            raw = await self._redis.get(dedicated_key(self._ns, company_id))
        except (RedisError, OSError):
            raw = None  # the shared queue is the safe answer (it will fail loudly if down)
        name = raw.decode() if isinstance(raw, bytes) else raw
        self._cache[company_id] = (now + self._ttl, name)
        return name

    def queues(self) -> list[Any]:
        """Dedicated queues opened so far (to close them)."""
        return list(self._queues.values())


@dataclass(frozen=True)
class JobSpec:
    function: str
    timeout: int  # seconds; SAQ's default of 10 s is too short for LLM + delivery
    retries: int  # total attempts (SAQ counts the first try)
    ttl: int = 3600  # how long SAQ keeps the finished job (the DLQ lives in PostgreSQL)


# Filing and answering one inbound WhatsApp message.
PROCESS_INBOUND = JobSpec(function="process_inbound", timeout=120, retries=6)
# Sending one outbound message: 1 try + 5 retries (P6).
DELIVER = JobSpec(function="deliver_message", timeout=60, retries=6)
# P6: the waits between those tries: 5 s -> 15 s -> 45 s -> 90 s -> 90 s.
RETRY_LADDER = (5, 15, 45, 90, 90)
# POSTing one plan alert to the company's alert URL.
USAGE_ALERT = JobSpec(function="send_usage_alert", timeout=30, retries=6)


def inbound_job_key(namespace: str, company_id: int, message_id: int) -> str:
    """Derived from the stored message: enqueuing the same message twice is a no-op.

    Namespaced because SAQ's abort marker (`saq:abort:<key>`) is not scoped by queue: two
    deployments sharing a Redis must never share a key.
    """
    return f"{namespace}:inbound:{company_id}:{message_id}"


def deliver_job_key(namespace: str, company_id: int, message_id: int) -> str:
    return f"{namespace}:deliver:{company_id}:{message_id}"


async def enqueue_message_job(
    queue: Any,
    spec: JobSpec,
    key: str,
    company_id: int,
    message_id: int,
    correlation_id: str,
    **more: Any,
) -> bool | None:
    """Enqueue a job about one stored message on a SAQ-like queue (duck-typed: `domain/`
    does not import SAQ). True: queued now; None: already queued (same key, unfinished);
    False: the queue is unreachable and the sweeper will enqueue it later. `more`: the
    job's other arguments."""
    try:
        job = await queue.enqueue(
            spec.function,
            key=key,
            timeout=spec.timeout,
            retries=spec.retries,
            ttl=spec.ttl,
            company_id=company_id,
            message_id=message_id,
            correlation_id=correlation_id,
            **more,
        )
    except (RedisError, OSError) as exc:
        _log.warning("enqueue_deferred", job=spec.function, message_id=message_id, error=str(exc))
        return False
    return True if job is not None else None


async def enqueue_inbound(
    queue: Any, namespace: str, company_id: int, message_id: int, correlation_id: str
) -> bool | None:
    key = inbound_job_key(namespace, company_id, message_id)
    return await enqueue_message_job(
        queue, PROCESS_INBOUND, key, company_id, message_id, correlation_id
    )


async def enqueue_delivery(
    queue: Any,
    namespace: str,
    company_id: int,
    message_id: int,
    correlation_id: str,
    tried: int = 0,
) -> bool | None:
    """The delivery job of one outbound message. `tried`: attempts already made elsewhere
    (the reply job makes the first): the job makes the rest of the P6 ladder, the first of
    them when the ladder's next wait is over."""
    key = deliver_job_key(namespace, company_id, message_id)
    spec = replace(DELIVER, retries=DELIVER.retries - tried)
    more = {"tried": tried, "scheduled": round(time.time() + RETRY_LADDER[tried - 1])}
    return await enqueue_message_job(
        queue, spec, key, company_id, message_id, correlation_id, **(more if tried else {})
    )


async def enqueue_usage_alert(queue: Any, namespace: str, company_id: int, alert_id: int) -> bool:
    """True when queued (or already queued); False when the queue is unreachable."""
    try:
        await queue.enqueue(
            USAGE_ALERT.function,
            key=f"{namespace}:alert:{alert_id}",
            timeout=USAGE_ALERT.timeout,
            retries=USAGE_ALERT.retries,
            ttl=USAGE_ALERT.ttl,
            company_id=company_id,
            alert_id=alert_id,
        )
    except (RedisError, OSError) as exc:
        _log.warning(
            "enqueue_deferred", job=USAGE_ALERT.function, alert_id=alert_id, error=str(exc)
        )
        return False
    return True


async def enqueue_deliveries(
    router: QueueRouter, namespace: str, messages: list[tuple[int, int]], correlation_id: str
) -> int:
    """Queue the delivery of many stored messages ((company, message) pairs), a chunk at a
    time; how many could not be queued (they stay pending: the sweeper queues them later)."""

    async def one(company_id: int, message_id: int) -> bool | None:
        queue = await router.queue_for(company_id)
        return await enqueue_delivery(queue, namespace, company_id, message_id, correlation_id)

    failed = 0
    for first in range(0, len(messages), 200):
        chunk = messages[first : first + 200]
        queued = await asyncio.gather(*(one(c, m) for c, m in chunk))
        failed += sum(1 for q in queued if q is False)
    return failed
