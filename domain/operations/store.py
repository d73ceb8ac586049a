"""Query functions for the dead-letter queue."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, func, insert, select, update
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


async def list_dead_letters(
    conn: AsyncConnection, include_replayed: bool = False, company_id: int | None = None
) -> list[Any]:
    """Dead letters, oldest first; `company_id` keeps one company's (the panel's view)."""
    query = select(_dead).order_by(_dead.c.id)
    if not include_replayed:
        query = query.where(_dead.c.replayed_at.is_(None))
    if company_id is not None:
        query = query.where(_dead.c.company_id == company_id)
    return list(await conn.execute(query))


async def take_for_replay(
    conn: AsyncConnection, dead_letter_id: int, company_id: int | None = None
) -> Any | None:
    """Mark one dead letter replayed (once: a second replay finds nothing) and return it;
    with `company_id`, only one of that company's."""
    condition = [_dead.c.id == dead_letter_id, _dead.c.replayed_at.is_(None)]
    if company_id is not None:
        condition.append(_dead.c.company_id == company_id)
    result = await conn.execute(
        update(_dead).where(*condition).values(replayed_at=func.now()).returning(_dead)
    )
    return result.first()
