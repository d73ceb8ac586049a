"""Audit rows (L3): who changed which record, with the values before and after."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.operations.models import AuditLog

_audit = cast(Table, AuditLog.__table__)


async def record(
    conn: AsyncConnection,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: int | str | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    correlation_id: str | None = None,
) -> None:
    """One audit row in the tenant schema `conn` is bound to, in the caller's transaction."""
    await conn.execute(
        insert(_audit).values(
            actor=actor[:200],
            action=action,
            entity=entity,
            entity_id=None if entity_id is None else str(entity_id),
            before=before,
            after=after,
            correlation_id=correlation_id,
        )
    )
