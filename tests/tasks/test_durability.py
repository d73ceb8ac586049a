"""W6: once 202 is returned, no crash of Redis loses the message.

These tests run their own embedded Redis (whatever TEST_REDIS_URL says) so they can stop it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain import queues
from domain.conversations.models import Message
from domain.settings import Settings
from scripts.embedded import EmbeddedRedis
from tasks import worker as worker_settings
from tasks.sweeper import sweep_unqueued
from tests.support import reads
from tests.support.factories import MakeCompany, configure
from tests.support.jobs import job_context, running_worker
from tests.support.waiting import eventually
from tests.support.webhooks import fixture_bytes, post_webhook
from web.app import create_app


@pytest.fixture
async def private_redis(tmp_path: Path) -> AsyncIterator[EmbeddedRedis]:
    server = EmbeddedRedis(tmp_path / "redis", persist=False).start()
    yield server
    server.stop()


async def status_of(engine: AsyncEngine, company_id: int) -> str | None:
    """The status of the customer's message."""
    inbound = Message.direction == "inbound"
    return await reads.value(engine, Message.status, tenant=company_id, where=inbound)


async def run_sweeper(config: Settings, engine: AsyncEngine) -> dict[str, int]:
    """The real cron job, with the context the scheduler's startup gives it."""
    queue = worker_settings.make_queue(config, queues.SHARED)

    async def no_dedicated_queue(name: str) -> Any:
        raise AssertionError(f"no company here has a dedicated worker ({name})")

    router = queues.QueueRouter(queue.redis, config.redis_namespace, queue, no_dedicated_queue)
    try:
        return await sweep_unqueued({"settings": config, "engine": engine, "router": router})
    finally:
        await queue.redis.aclose()


async def post_message(client: Any) -> Any:
    return await post_webhook(client, fixture_bytes("inbound_text.json"))


async def test_message_accepted_while_redis_is_down_is_processed_when_it_returns(
    settings: Settings,
    private_redis: EmbeddedRedis,
    make_company: MakeCompany,
    engine: AsyncEngine,
) -> None:
    config = settings.model_copy(update={"redis_url": private_redis.url})
    acme = await make_company("acme")
    app = create_app(config)
    async with app.test_app() as test_app:
        private_redis.stop()
        response = await post_message(test_app.test_client())
        # Stored in PostgreSQL before anything else: accepted even though Redis is down.
        assert response.status_code == 202
        assert await status_of(engine, acme.company.id) == "received"

        private_redis.start()
        await asyncio.sleep(config.sweeper_grace_seconds + 0.1)
        assert (await run_sweeper(config, engine))["requeued"] == 1
        async with running_worker(worker_settings.settings(config)):
            await eventually(lambda: _is_processed(engine, acme.company.id))


async def test_redis_lost_between_accept_and_processing_loses_nothing(
    settings: Settings,
    private_redis: EmbeddedRedis,
    make_company: MakeCompany,
    engine: AsyncEngine,
) -> None:
    config = settings.model_copy(update={"redis_url": private_redis.url})
    acme = await make_company("acme")
    app = create_app(config)
    async with app.test_app() as test_app:
        response = await post_message(test_app.test_client())
        assert response.status_code == 202  # stored and queued
    # Redis dies with the queued job (no persistence) before any worker picked it up; a
    # worker starts while Redis is still down and must survive until it comes back.
    private_redis.stop()
    async with running_worker(worker_settings.settings(config)):
        await asyncio.sleep(1.0)
        assert await status_of(engine, acme.company.id) == "received"
        private_redis.start()
        await asyncio.sleep(config.sweeper_grace_seconds + 0.1)
        assert (await run_sweeper(config, engine))["requeued"] == 1
        await eventually(lambda: _is_processed(engine, acme.company.id))
    # Nothing left for the sweeper: a second sweep finds no work.
    assert (await run_sweeper(config, engine))["requeued"] == 0


async def test_sweeper_does_not_double_a_job_still_in_the_queue(
    client: Any, settings: Settings, make_company: MakeCompany, engine: AsyncEngine, redis: Any
) -> None:
    await make_company("acme")
    assert (await post_message(client)).status_code == 202
    await asyncio.sleep(settings.sweeper_grace_seconds + 0.1)
    # Queued but not yet processed (no worker): same key, so nothing new is queued.
    assert (await run_sweeper(settings, engine))["requeued"] == 0
    name = queues.queue_name(settings.redis_namespace)
    assert await redis.llen(f"saq:{name}:queued") == 1


async def _is_processed(engine: AsyncEngine, company_id: int) -> bool:
    return await status_of(engine, company_id) == "processed"


async def test_a_reply_whose_delivery_job_was_lost_is_still_delivered(
    settings: Settings,
    private_redis: EmbeddedRedis,
    make_company: MakeCompany,
    engine: AsyncEngine,
) -> None:
    from tasks.messages import process_inbound
    from tests.fakes.server import LocalServer
    from tests.fakes.whaticket import FakeWhaticket

    config = settings.model_copy(update={"redis_url": private_redis.url})
    acme = await make_company("acme")
    whaticket = FakeWhaticket()
    async with LocalServer(whaticket.app()) as url:
        await configure(
            engine, acme.company.id, whaticket={"base_url": url, "token": whaticket.token}
        )
        app = create_app(config)
        async with app.test_app() as test_app:
            assert (await post_message(test_app.test_client())).status_code == 202
        queue = worker_settings.make_queue(config, queues.SHARED)
        ctx = job_context(engine, config, queue)
        # Filed and answered; the first send fails, so the delivery job is queued for the
        # retry; then Redis loses everything.
        whaticket.script.append((500, {"error": "Internal server error"}))
        await process_inbound(ctx, company_id=acme.company.id, message_id=1, correlation_id="c")
        await queue.redis.aclose()
        private_redis.stop()
        private_redis.start()
        await asyncio.sleep(config.sweeper_grace_seconds + 0.1)
        assert (await run_sweeper(config, engine))["requeued"] == 1
        async with running_worker(worker_settings.settings(config)):
            await eventually(lambda: _has_sent(whaticket))
    assert len(whaticket.sent) == 1


async def _has_sent(fake: Any) -> bool:
    return bool(fake.sent)
