"""Query functions for the dead-letter queue."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.operations.models import DeadLetter

_dead = cast(Table, DeadLetter.__table__)


async def add_dead_letter(
    conn: AsyncConnection,
    *,
    company_id: int | None,
    queue: str,
    function: str,
    job_key: str,
    kwargs: dict[str, Any],
    error: str | None,
    attempts: int,
) -> int:
    result = await conn.execute(
        insert(_dead)
        .values(
            company_id=company_id,
            queue=queue,
            function=function,
            job_key=job_key,
            kwargs=kwargs,
            error=(error or "")[-8000:],  # the end of a traceback is the useful part
            attempts=attempts,
        )
        .returning(_dead.c.id)
    )
    return int(result.scalar_one())


async def dead_letter_size(conn: AsyncConnection) -> int:
    query = select(func.count()).select_from(_dead).where(_dead.c.replayed_at.is_(None))
    return int((await conn.execute(query)).scalar_one())
