"""Listing and replaying the dead-letter queue (P6): `python -m scripts.dead_letters`."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from domain import queues
from domain.conversations.messages import revive
from domain.db import bind_tenant
from domain.operations import store

# Jobs about one stored message: replaying them revives the message first.
MESSAGE_JOBS = {
    queues.PROCESS_INBOUND.function: queues.PROCESS_INBOUND,
    queues.DELIVER.function: queues.DELIVER,
}


async def replay(
    engine: AsyncEngine, queue: Any, dead_letter_id: int, company_id: int | None = None
) -> bool:
    """Enqueue a dead job again (with fresh retries); False if unknown or already replayed.

    The dead letter is marked and the message revived in one transaction, and the job is
    enqueued after it commits; if enqueuing fails, the sweeper picks the revived message up.
    """
    async with engine.begin() as conn:
        dead = await store.take_for_replay(conn, dead_letter_id, company_id)
        if dead is None:
            return False
        spec = MESSAGE_JOBS.get(dead.function)
        if spec is not None and dead.company_id is not None:
            await revive(await bind_tenant(conn, dead.company_id), dead.kwargs["message_id"])
    kwargs = dict(dead.kwargs)
    if spec is None:
        await queue.enqueue(dead.function, key=f"{dead.job_key}:replay:{dead.id}", **kwargs)
        return True
    await queues.enqueue_message_job(
        queue,
        spec,
        f"{dead.job_key}:replay:{dead.id}",
        kwargs["company_id"],
        kwargs["message_id"],
        kwargs.get("correlation_id", ""),
    )
    return True
