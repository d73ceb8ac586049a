"""Running jobs in tests: the context a worker's startup builds, for calling a job function
directly, and a real SAQ worker inside the test's event loop."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from redis.asyncio import Redis
from saq import Worker
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.settings import Settings

# One Redis client per URL for every job context of the session (closed by `close_clients`).
_clients: dict[str, Redis] = {}
# One HTTP client for the Whaticket clients of every job context (closed there too).
_http: list[Any] = []


def job_context(
    engine: AsyncEngine, settings: Settings, queue: Any = None, calcom: Any = None
) -> dict[str, Any]:
    """What a worker's startup puts in a job's ctx, for calling job functions directly.
    Without `queue`, jobs it enqueues wait on the shared queue (no worker runs them); without
    `calcom` (a CalcomClient), companies book in the local calendar."""
    from saq.queue.redis import RedisQueue

    from domain import queues
    from domain.integrations.gemini import GeminiClient
    from domain.integrations.whaticket import WhaticketClient
    from domain.secretary.service import Secretary
    from domain.security.targets import TargetPolicy
    from domain.security.transport import guarded_client
    from domain.tenancy.directory import CompanyDirectory

    url = settings.redis_url or ""
    redis = queue.redis if queue is not None else _clients.setdefault(url, Redis.from_url(url))
    if queue is None:
        queue = RedisQueue(redis, name=queues.queue_name(settings.redis_namespace, queues.SHARED))
    companies, gemini = CompanyDirectory(engine), GeminiClient()
    if not _http:  # the fakes listen on 127.0.0.1: private targets allowed, as in tests
        _http.append(guarded_client(TargetPolicy(True), settings.whaticket_timeout_seconds))
    secretary = Secretary(
        engine=engine,
        redis=redis,
        settings=settings,
        companies=companies,
        gemini=gemini,
        calcom=calcom,
    )
    return {
        "engine": engine,
        "settings": settings,
        "companies": companies,
        "inbound_queue": queue,
        "redis": redis,
        "whaticket": WhaticketClient(_http[0], redis, settings.redis_namespace),
        "gemini": gemini,
        "calcom": calcom,
        "secretary": secretary,
    }


async def close_clients() -> None:
    """Close the Redis clients the job contexts opened (at the end of the session)."""
    for client in _clients.values():
        await client.aclose()
    _clients.clear()
    for http in _http:
        await http.aclose()
    _http.clear()


@contextlib.asynccontextmanager
async def running_worker(config: dict[str, Any]) -> AsyncIterator[Worker]:
    """A real SAQ worker in this event loop (no signal handlers: pytest owns Ctrl-C)."""
    worker = Worker(**config)
    worker.SIGNALS = []
    await worker.queue.connect()
    task = asyncio.create_task(worker.start())
    try:
        yield worker
    finally:
        await worker.stop()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await worker.queue.disconnect()


def with_router(ctx: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """`ctx` with the router a scheduler job queues deliveries through (every company on the
    shared queue, as without dedicated workers)."""
    from domain import queues

    router = queues.QueueRouter(
        ctx["redis"],
        settings.redis_namespace,
        ctx["inbound_queue"],
        None,  # type: ignore[arg-type]
    )
    return ctx | {"router": router}
