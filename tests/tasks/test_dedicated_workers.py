"""Per-tenant workers (T2): a company with a dedicated worker is served on its own queue,
the others (and it, once its worker is gone) by the shared worker."""

from __future__ import annotations

import asyncio
from typing import Any

from redis.asyncio import Redis
from saq.queue.redis import RedisQueue
from sqlalchemy.ext.asyncio import AsyncEngine

from domain import queues
from domain.conversations.models import Message
from domain.settings import Settings
from tasks import worker as worker_settings
from tests.support import reads
from tests.support.factories import MakeCompany
from tests.support.jobs import running_worker
from tests.support.waiting import eventually
from tests.support.webhooks import post_webhook, text_body


async def processed(engine: AsyncEngine, company_id: int, external_id: str) -> int | None:
    """The id of the customer's message `external_id` once the inbound job has filed it."""
    filed = (Message.external_id == external_id, Message.status == "processed")
    return await reads.value(engine, Message.id, tenant=company_id, where=filed)


async def ran_on(
    redis: Redis, settings: Settings, queue: str, company_id: int, message_id: int
) -> bool:
    handle = RedisQueue(redis, name=queues.queue_name(settings.redis_namespace, queue))
    job = await handle.job(queues.inbound_job_key(settings.redis_namespace, company_id, message_id))
    return job is not None


async def test_dedicated_and_shared_workers_each_serve_their_companies(
    client: Any,
    make_company: MakeCompany,
    engine: AsyncEngine,
    redis: Redis,
    settings: Settings,
    worker: Any,
) -> None:
    a, b = (await make_company("acme")).company.id, (await make_company("globex")).company.id
    own = queues.company_queue(a)
    dedicated = worker_settings.settings(settings, queue=own, company_id=a)
    key = queues.dedicated_key(settings.redis_namespace, a)
    async with running_worker(dedicated):
        assert (await eventually(lambda: redis.get(key))).decode().endswith(own)
        await post_webhook(client, text_body("a1", "oi"))
        await post_webhook(
            client, text_body("b1", "oi"), secret="secret-globex", domain="globex.example.com"
        )
        a1 = await eventually(lambda: processed(engine, a, "a1"))
        b1 = await eventually(lambda: processed(engine, b, "b1"))
        assert await ran_on(redis, settings, own, a, a1)
        assert not await ran_on(redis, settings, queues.SHARED, a, a1)
        assert await ran_on(redis, settings, queues.SHARED, b, b1)
    # Its worker gone, the company falls back to the shared worker.
    assert await redis.get(key) is None
    await asyncio.sleep(2.1)  # the web's routing cache
    await post_webhook(client, text_body("a2", "oi"))
    a2 = await eventually(lambda: processed(engine, a, "a2"))
    assert await ran_on(redis, settings, queues.SHARED, a, a2)
