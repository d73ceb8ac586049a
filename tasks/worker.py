"""SAQ worker settings: `saq tasks.worker.settings` (messages) and
`saq tasks.worker.scheduler_settings` (cron jobs). Both are callables so nothing connects
at import time."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from typing import Any
from zoneinfo import ZoneInfo

import structlog
from redis.asyncio import BlockingConnectionPool, Redis
from redis.exceptions import RedisError
from saq import CronJob
from saq.job import Status
from saq.queue.redis import RedisQueue
from sqlalchemy.ext.asyncio import AsyncConnection

from domain import queues
from domain.db import create_engine
from domain.integrations.calcom import CalcomClient
from domain.integrations.gemini import GeminiClient
from domain.integrations.whaticket import WhaticketClient
from domain.observability.logging import configure_logging, get_logger
from domain.observability.metrics import TASK_LATENCY, TASKS_TOTAL, MetricsFlusher, metrics
from domain.operations.faults import describe
from domain.operations.store import add_dead_letter
from domain.secretary.classifier import classifier
from domain.secretary.service import Secretary
from domain.security.targets import TargetPolicy
from domain.security.transport import guarded_client
from domain.settings import Settings
from domain.tenancy.directory import CompanyDirectory
from tasks import leases
from tasks.agenda import dispatch_reminders
from tasks.billing import send_usage_alert
from tasks.feedback import dispatch_followups
from tasks.insights import retrain_no_show_models, score_upcoming
from tasks.messages import deliver_message, on_dead_inbound, process_inbound
from tasks.sweeper import sweep_unqueued

log = get_logger(__name__)

# What to do, per function, when a job lands in the dead-letter queue.
# It runs in the transaction that writes the dead letter: both happen or neither does.
ON_DEAD: dict[str, Callable[[AsyncConnection, dict[str, Any], str], Awaitable[None]]] = {
    queues.PROCESS_INBOUND.function: on_dead_inbound,
}


def worker_redis(url: str, concurrency: int) -> Redis:
    """One pool per worker process, sized for it: every idle job slot holds a connection while
    it waits for a job (BLMOVE), and the jobs' own commands need more. A blocking pool waits
    for a free connection instead of failing the job when the pool is momentarily full."""
    pool = BlockingConnectionPool.from_url(
        url,
        max_connections=2 * concurrency + 20,
        timeout=30,
        # No socket timeout: SAQ blocks on BLMOVE while waiting for jobs.
        socket_connect_timeout=2.0,
        health_check_interval=30,
    )
    return Redis(connection_pool=pool)


def make_queue(settings: Settings, name: str) -> leases.LeasedQueue:
    """A worker's queue: its jobs are claimed under the worker's lease (tasks/leases.py)."""
    return leases.LeasedQueue(
        worker_redis(settings.redis_url or "", settings.worker_concurrency),
        name=queues.queue_name(settings.redis_namespace, name),
        lease_seconds=settings.worker_lease_seconds,
    )


def _timers(config: Settings) -> dict[str, int]:
    # SAQ's sweep, replaced by the lease's: stranded jobs back within seconds.
    return {"sweep": max(1, round(leases.Timing(config.worker_lease_seconds).renew_every))}


def settings(
    config: Settings | None = None,
    *,
    queue: str = queues.SHARED,
    burst: bool = False,
    company_id: int | None = None,
) -> dict[str, Any]:
    """Worker for inbound messages and deliveries: of every company on the shared queue, or
    of one company on its own queue (`company_id`, see scripts/spawn_worker.py)."""
    config = config or Settings()
    return {
        "queue": make_queue(config, queue),
        "functions": [process_inbound, deliver_message, send_usage_alert],
        "concurrency": config.worker_concurrency,
        "startup": _startup(config, company_id),
        "shutdown": _shutdown,
        "before_process": _before_process,
        "after_process": _after_process,
        "burst": burst,
        "timers": _timers(config),
        "dequeue_timeout": 1.0,
        "shutdown_grace_period_s": config.worker_shutdown_grace_seconds,
        "metadata": {"role": "messages", "company_id": company_id},
    }


def scheduler_settings(config: Settings | None = None) -> dict[str, Any]:
    """The scheduler: cron jobs on their own queue, so message workers scale freely."""
    config = config or Settings()
    return {
        "queue": make_queue(config, queues.SCHEDULER),
        "functions": [],
        "concurrency": 2,
        "cron_jobs": [
            # croniter's sixth field is seconds: every 15 s.
            CronJob(sweep_unqueued, cron="* * * * * */15", unique=True, timeout=60, retries=1),
            # Reminders within ~5 s of their time (the due query is one index probe when
            # nothing is due); a long backlog continues on the next tick.
            CronJob(dispatch_reminders, cron="* * * * * */5", unique=True, timeout=120, retries=1),
            # Follow-ups an hour after the visit need no seconds' precision; a complaint's
            # alert leaves within a tick (the handoff itself happens with the answer).
            CronJob(dispatch_followups, cron="* * * * * */15", unique=True, timeout=120, retries=1),
            # Issue 18: no-show models retrained at night (03:30), upcoming ones scored hourly.
            CronJob(retrain_no_show_models, cron="30 3 * * *", unique=True, timeout=3600),
            CronJob(score_upcoming, cron="7 * * * *", unique=True, timeout=900),
        ],
        "cron_tz": ZoneInfo(config.default_timezone),
        "timers": _timers(config),
        "startup": _startup(config),
        "shutdown": _shutdown,
        "before_process": _before_process,
        "after_process": _after_process,
        "dequeue_timeout": 1.0,
        "shutdown_grace_period_s": config.worker_shutdown_grace_seconds,
        "metadata": {"role": "scheduler"},
    }


def _startup(
    config: Settings, company_id: int | None = None
) -> Callable[[dict[str, Any]], Awaitable[None]]:
    async def startup(ctx: dict[str, Any]) -> None:
        configure_logging(config.log_level, config.log_json)
        worker = ctx["worker"]
        ctx["settings"] = config
        ctx["lease"] = await leases.hold(worker, config.redis_url or "")
        ctx["engine"] = create_engine(
            config.async_database_url,
            pool_size=config.db_pool_size,
            max_overflow=config.db_max_overflow,
        )
        ctx["redis"] = redis = worker.queue.redis
        # On the worker's own Redis pool (one pool per process).
        ns = config.redis_namespace
        shared = await _shared_queue(worker.queue, ns)
        # A dedicated worker keeps its company's deliveries on its own queue.
        ctx["inbound_queue"] = worker.queue if company_id else shared

        async def open_queue(name: str) -> RedisQueue:
            queue = RedisQueue(redis, name=name)
            await queue.connect()
            return queue

        ctx["router"] = queues.QueueRouter(redis, ns, shared, open_queue)
        if company_id:
            ctx["dedicated_key"] = queues.dedicated_key(ns, company_id)
            ctx["heartbeat"] = asyncio.create_task(
                _heartbeat(redis, ctx["dedicated_key"], worker.queue.name)
            )
        ctx["companies"] = CompanyDirectory(ctx["engine"])
        ctx["http"] = guarded_client(  # company URLs: checked where they lead (SSRF)
            TargetPolicy(config.private_targets_allowed), config.whaticket_timeout_seconds
        )
        ctx["whaticket"] = WhaticketClient(ctx["http"], ctx["redis"], config.redis_namespace)
        ctx["gemini"] = GeminiClient()
        ctx["calcom"] = CalcomClient(ctx["http"])
        ctx["secretary"] = Secretary(
            engine=ctx["engine"],
            redis=redis,
            settings=config,
            companies=ctx["companies"],
            gemini=ctx["gemini"],
            calcom=ctx["calcom"],
        )
        ctx["flusher"] = MetricsFlusher(
            worker.queue.redis, config.redis_namespace, config.metrics_flush_seconds
        )
        ctx["flusher"].start()
        # The NLU is trained here, off the loop, not on the first customer's message (~1 s).
        await asyncio.to_thread(classifier)
        log.info("worker_started", queue=worker.queue.name, concurrency=worker.concurrency)

    return startup


async def _shared_queue(own: RedisQueue, namespace: str) -> RedisQueue:
    name = queues.queue_name(namespace, queues.SHARED)
    if own.name == name:
        return own
    shared = RedisQueue(own.redis, name=name)
    await shared.connect()
    return shared


async def _heartbeat(redis: Redis, key: str, queue_name: str) -> None:
    """Tell the web (and the sweeper) this company's jobs go to our queue, while we live."""
    while True:
        with contextlib.suppress(RedisError, OSError):
            await redis.set(key, queue_name, ex=queues.DEDICATED_TTL)
        await asyncio.sleep(queues.HEARTBEAT)


async def _shutdown(ctx: dict[str, Any]) -> None:
    heartbeat = ctx.get("heartbeat")
    if heartbeat is not None:
        heartbeat.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await heartbeat
        # New jobs go to the shared queue at once; ours are swept there if we do not return.
        with contextlib.suppress(RedisError, OSError):
            await ctx["redis"].delete(ctx["dedicated_key"])
    # A worker stopped while it was still starting has only some of these.
    if "flusher" in ctx:
        await ctx["flusher"].stop()
    if "http" in ctx:
        await ctx["http"].aclose()
    if "engine" in ctx:
        await ctx["engine"].dispose()
    if "lease" in ctx:
        await ctx["lease"].release()


async def _before_process(ctx: dict[str, Any]) -> None:
    job = ctx["job"]
    kwargs = job.kwargs or {}
    # The job task copies this context, so every log line of the job carries the ids.
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(
        correlation_id=kwargs.get("correlation_id") or job.key,
        company_id=kwargs.get("company_id"),
        job=job.function,
        attempt=job.attempts,
    )
    # A delivery job may continue a ladder the reply job began (its `tried` attempts).
    done = job.attempts + int(kwargs.get("tried") or 0)
    ladder = queues.RETRY_LADDER
    job.retry_delay = ladder[min(done, len(ladder)) - 1]
    ctx["started"] = time.perf_counter()


async def _after_process(ctx: dict[str, Any]) -> None:
    job = ctx["job"]
    elapsed = time.perf_counter() - ctx.get("started", time.perf_counter())
    metrics.observe(TASK_LATENCY, elapsed, function=job.function)
    metrics.inc(TASKS_TOTAL, function=job.function, status=str(job.status.value))
    if job.status != Status.FAILED or job.key.startswith("cron:"):
        return  # cron jobs simply run again on their next tick
    # Retries exhausted (or not retryable): SAQ will forget the job after its ttl, so the
    # dead-letter queue is a PostgreSQL table.
    # A data fault (tasks/messages.py) arrives here after one attempt. The traceback ends
    # with the error in one line, which is what the Filas tab shows and the message keeps.
    kwargs = job.kwargs or {}
    exception = ctx.get("exception")
    reason = describe(exception) if exception is not None else _last_line(job.error or "")
    error = (job.error or "").rstrip() + f"\n{reason}"
    error = error.replace("\x00", "")  # text columns cannot hold U+0000
    reason = reason.replace("\x00", "")
    async with ctx["engine"].begin() as conn:
        await add_dead_letter(
            conn,
            company_id=kwargs.get("company_id"),
            queue=job.queue.name if job.queue else "",
            function=job.function,
            job_key=job.key,
            kwargs=kwargs,
            error=error,
            attempts=job.attempts,
        )
        on_dead = ON_DEAD.get(job.function)
        if on_dead is not None:
            await on_dead(conn, kwargs, reason)
    log.error("job_dead_lettered", job_key=job.key, attempts=job.attempts)


def _last_line(traceback: str) -> str:
    return (traceback.strip().splitlines() or [""])[-1]
