"""scripts/spawn_worker.py: a company's own worker, here in burst mode, drains the company's
queue and leaves it to the shared worker when it is done."""

from __future__ import annotations

import subprocess
from typing import Any

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from domain import queues
from domain.conversations.models import Message
from domain.settings import Settings
from tests.support import reads
from tests.support.factories import MakeCompany
from tests.support.processes import run_script
from tests.support.webhooks import post_webhook, text_body


async def spawn_worker(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    """`python scripts/spawn_worker.py <args>`, quiet but for warnings."""
    return await run_script(settings, "scripts/spawn_worker.py", *args, LOG_LEVEL="WARNING")


async def test_spawn_worker_script_drains_the_company_queue_in_burst_mode(
    make_company: MakeCompany, engine: AsyncEngine, redis: Redis, settings: Settings, client: Any
) -> None:
    a = (await make_company("acme")).company.id
    # Accepted while the dedicated worker was alive: the job waits on the company's queue.
    await redis.set(
        queues.dedicated_key(settings.redis_namespace, a),
        queues.queue_name(settings.redis_namespace, queues.company_queue(a)),
        ex=5,
    )
    await post_webhook(client, text_body("s1", "quero marcar"))
    result = await spawn_worker(settings, "--company-id", str(a), "--burst")
    assert result.returncode == 0, result.stderr
    filed = (Message.external_id == "s1", Message.status == "processed")
    assert await reads.value(engine, Message.id, tenant=a, where=filed)
    assert await redis.get(queues.dedicated_key(settings.redis_namespace, a)) is None

    unknown = await spawn_worker(settings, "--company-id", "999")
    assert unknown.returncode == 2 and "no company" in unknown.stderr
