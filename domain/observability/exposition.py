"""What /metrics answers (O2): the counters every process flushed to Redis, gauges computed
from PostgreSQL, and the SAQ queues' jobs and live workers, as Prometheus text."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.observability.gauges import Series, database_gauges
from domain.observability.metrics import (
    QUEUE_JOBS,
    WORKERS,
    metrics,
    ratio_gauges,
    read_totals,
    render,
)


class Queue(Protocol):
    """What is read of a SAQ queue: its name and its info() (jobs by state, workers)."""

    name: str

    async def info(self) -> Any: ...


async def exposition(
    redis: Any, namespace: str, engine: AsyncEngine, queues: Sequence[Queue]
) -> bytes:
    """The Prometheus text exposition of every metric, as of now."""
    await metrics.flush(redis, namespace)  # this process's own latest counts first
    totals = await read_totals(redis, namespace)
    gauges = await database_gauges(engine) | ratio_gauges(totals)
    gauges[QUEUE_JOBS.name], gauges[WORKERS.name] = await queue_gauges(queues)
    return render(totals, gauges)


async def queue_gauges(queues: Sequence[Queue]) -> tuple[Series, Series]:
    """(jobs by queue and state, live workers by queue)."""
    jobs: Series = []
    workers: Series = []
    for queue in queues:
        info = await queue.info()
        workers.append(((queue.name,), float(len(info.get("workers") or {}))))
        for state in ("queued", "active", "scheduled"):
            # SAQ derives "scheduled" by subtraction; it can dip below zero for an instant.
            jobs.append(((queue.name, state), max(0.0, float(info.get(state) or 0))))
    return jobs, workers
