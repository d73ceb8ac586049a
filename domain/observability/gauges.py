"""Gauges computed at scrape time from PostgreSQL (the source of truth for backlogs)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.conversations import messages
from domain.db import bind_tenant
from domain.observability.metrics import DEAD_LETTER_SIZE, QUEUE_SIZE
from domain.operations.store import dead_letter_size
from domain.tenancy.store import company_ids

Series = list[tuple[tuple[str, ...], float]]


async def database_gauges(engine: AsyncEngine) -> dict[str, Series]:
    async with engine.connect() as conn:
        backlogs: Series = []
        for company_id in await company_ids(conn):
            count = await messages.backlog(await bind_tenant(conn, company_id))
            backlogs.append(((str(company_id),), float(count)))
        dead = await dead_letter_size(conn)
    return {QUEUE_SIZE.name: backlogs, DEAD_LETTER_SIZE.name: [((), float(dead))]}
