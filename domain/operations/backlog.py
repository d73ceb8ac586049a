"""What the Filas tab shows of a company's queues (O5): messages accepted but not yet answered,
the dedicated worker serving it (if one is alive) and the dead letters waiting for a replay."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncConnection

from domain import queues
from domain.conversations.messages import backlog
from domain.db import bind_tenant
from domain.operations.store import list_dead_letters


@dataclass(frozen=True)
class Backlog:
    dead: list[Any]  # dead letters of the company (of every company for the platform admin)
    waiting: Any | None  # the company's unanswered messages; None without a company
    dedicated: str | None  # the queue of the company's own worker, while its heartbeat lives


async def queue_backlog(
    conn: AsyncConnection,
    redis: Redis,
    namespace: str,
    company_id: int | None,
    every_company: bool,
) -> Backlog:
    """The company's backlog; `every_company` lists all dead letters (platform admin)."""
    dead = await list_dead_letters(conn, company_id=None if every_company else company_id)
    if company_id is None:
        return Backlog(dead, None, None)
    waiting = await backlog(await bind_tenant(conn, company_id))
    raw = await redis.get(queues.dedicated_key(namespace, company_id))
    dedicated = raw.decode() if isinstance(raw, bytes) else raw
    return Backlog(dead, waiting, dedicated)
