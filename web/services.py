"""Per-process resources of the web app: one engine, one Redis pool, the SAQ queues."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
from quart import current_app
from redis.asyncio import Redis
from saq.queue.redis import RedisQueue
from sqlalchemy.ext.asyncio import AsyncEngine

from domain import queues
from domain.auth.principal import Principal
from domain.auth.service import login
from domain.auth.standing import Standing
from domain.auth.throttle import LoginThrottle
from domain.db import create_engine, public_session
from domain.integrations.calcom import CalcomClient
from domain.observability.metrics import MetricsFlusher
from domain.security.targets import TargetPolicy
from domain.security.transport import guarded_client
from domain.settings import Settings
from domain.tenancy.directory import CompanyDirectory
from domain.webhooks.group_commit import GroupCommit
from domain.webhooks.store import open_pool
from web.job_batches import BatchedQueue


def web_redis(url: str) -> Redis:
    # Short timeouts: a hung Redis must not hold webhook requests (the sweeper covers it).
    return Redis.from_url(url, socket_connect_timeout=1.0, socket_timeout=2.0)


@dataclass
class Services:
    settings: Settings
    engine: AsyncEngine
    redis: Redis
    queue: RedisQueue
    scheduler_queue: RedisQueue
    directory: CompanyDirectory
    flusher: MetricsFlusher
    router: queues.QueueRouter
    http: httpx.AsyncClient  # outgoing calls made while answering a request (Mercado Pago)
    calcom: CalcomClient  # bookings made from the panel; remembers probed API versions
    standing: Standing  # access tokens' users, re-checked every few seconds
    ingest_pool: asyncpg.Pool  # the webhook's inserts, without SQLAlchemy (domain/webhooks/)
    inbound: GroupCommit  # ... grouped when they arrive together

    @classmethod
    async def open(cls, settings: Settings) -> Services:
        engine = create_engine(
            settings.async_database_url,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
        )
        redis = web_redis(settings.redis_url or "")
        ns = settings.redis_namespace
        queue = RedisQueue(redis, name=queues.queue_name(ns, queues.SHARED))
        scheduler_queue = RedisQueue(redis, name=queues.queue_name(ns, queues.SCHEDULER))
        await queue.connect()
        await scheduler_queue.connect()
        flusher = MetricsFlusher(redis, ns, settings.metrics_flush_seconds)
        flusher.start()

        async def open_queue(name: str) -> BatchedQueue:
            dedicated = RedisQueue(redis, name=name)
            await dedicated.connect()
            return BatchedQueue(dedicated)

        # Jobs queued while answering requests go in pipelines (web/job_batches.py).
        router = queues.QueueRouter(redis, ns, BatchedQueue(queue), open_queue)
        directory = CompanyDirectory(engine)
        http = guarded_client(TargetPolicy(settings.private_targets_allowed), timeout=10.0)
        calcom = CalcomClient(http)
        ingest_pool = await open_pool(settings.async_database_url, settings.db_pool_size)
        return cls(
            settings,
            engine,
            redis,
            queue,
            scheduler_queue,
            directory,
            flusher,
            router,
            http,
            calcom,
            Standing(engine, settings.auth_recheck_seconds),
            ingest_pool,
            GroupCommit(ingest_pool),
        )

    async def close(self) -> None:
        await self.flusher.stop()
        await self.http.aclose()
        await self.redis.aclose()
        await self.ingest_pool.close()
        await self.engine.dispose()

    async def enqueue_inbound(self, company_id: int, message_id: int, cid: str) -> bool:
        ns = self.settings.redis_namespace
        queue = await self.router.queue_for(company_id)
        queued = await queues.enqueue_inbound(queue, ns, company_id, message_id, cid)
        return queued is not False

    async def log_in(
        self, email: str, password: str, company_id: int | None, address: str
    ) -> Principal:
        """Password login with the brute-force throttle (API token and panel session alike)."""
        async with public_session(self.engine) as session:
            principal = await login(
                session,
                self.throttle(),
                email=email,
                password=password,
                company_id=company_id,
                address=address,
            )
            await session.commit()
        return principal

    def throttle(self) -> LoginThrottle:
        """Counts wrong passwords per e-mail and address: login, and an invitation accepted
        with an existing account's password, share it."""
        settings = self.settings
        return LoginThrottle(
            self.redis,
            settings.redis_namespace,
            settings.login_max_failures,
            settings.login_window_seconds,
        )

    async def live_workers(self) -> dict[str, int]:
        result = {}
        for queue in (self.queue, self.scheduler_queue):
            info: Any = await queue.info()
            result[queue.name] = len(info.get("workers") or {})
        return result


def services() -> Services:
    return current_app.extensions["services"]  # type: ignore[no-any-return]
