"""Storing an accepted webhook's message: one statement that inserts and deduplicates.

The web process stores through its own asyncpg pool with prepared statements (and groups the
messages that arrive together: group_commit.py): on the webhook, the hot path (issue 16),
SQLAlchemy's execution layer (pool checkout and reset, the greenlet hop, compiled-cache
lookups, result objects) cost more CPU than the statement itself. Callers that only hold an
engine (tests, the secretary's) go through SQLAlchemy Core with the same statement. Either
way the insert runs outside any transaction block, so it is committed (durable) when it
returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import asyncpg
import orjson
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.conversations import messages
from domain.db import tenant_engine, tenant_schema

# Same columns and conflict target as messages.insert_inbound (the SQLAlchemy path): the
# unique external_id is the dedupe (W5); no row comes back for a duplicate.
_INSERT = (
    "INSERT INTO {schema}.messages (external_id, direction, status, kind, body, phone, "
    "push_name, payload, correlation_id, wa_timestamp) "
    "VALUES ($1, 'inbound', 'received', $2, $3, $4, $5, $6::jsonb, $7, $8) "
    "ON CONFLICT (external_id) DO NOTHING RETURNING id"
)


@dataclass(frozen=True, slots=True)
class Inbound:
    """One inbound message as the webhook stores it."""

    external_id: str | None
    phone: str
    body: str
    kind: str
    push_name: str | None
    payload: Any
    correlation_id: str
    wa_timestamp: int | None


class MessageStore(Protocol):
    async def insert(self, company_id: int, row: Inbound) -> int | None:
        """Store the message (committed on return); None when its external id was already
        stored."""


async def insert_message(
    database: MessageStore | AsyncEngine, company_id: int, row: Inbound
) -> int | None:
    """Store the message (committed on return); None when its external id was already stored."""
    if isinstance(database, AsyncEngine):
        return await _insert_with_engine(database, company_id, row)
    return await database.insert(company_id, row)


async def insert_one(pool: asyncpg.Pool, company_id: int, row: Inbound) -> int | None:
    """One message, one prepared statement."""
    when = datetime.fromtimestamp(row.wa_timestamp, UTC) if row.wa_timestamp else None
    # The statement text names the schema, so asyncpg prepares it once per company and
    # connection and reuses it (its statement cache), with no planning per request.
    statement = _INSERT.format(schema=tenant_schema(company_id))
    async with pool.acquire() as conn:
        message_id = await conn.fetchval(
            statement,
            row.external_id,
            row.kind,
            row.body,
            row.phone,
            row.push_name,
            orjson.dumps(row.payload).decode(),
            row.correlation_id,
            when,
        )
    return int(message_id) if message_id is not None else None


async def _insert_with_engine(engine: AsyncEngine, company_id: int, row: Inbound) -> int | None:
    autocommit = tenant_engine(engine, company_id).execution_options(isolation_level="AUTOCOMMIT")
    async with autocommit.connect() as conn:
        return await messages.insert_inbound(
            conn,
            external_id=row.external_id,
            phone=row.phone,
            body=row.body,
            kind=row.kind,
            push_name=row.push_name,
            payload=row.payload,
            correlation_id=row.correlation_id,
            wa_timestamp=row.wa_timestamp,
        )


async def open_pool(database_url: str, size: int) -> asyncpg.Pool:
    """The web process's asyncpg pool for the hot path (DATABASE_URL, any driver suffix)."""
    dsn = database_url.replace("postgresql+asyncpg://", "postgresql://", 1)
    # min_size 0: no connection at start-up (a web that starts before PostgreSQL still
    # starts; the first webhook connects), like the engine.
    pool = await asyncpg.create_pool(dsn, min_size=0, max_size=size, reset=_keep_session)
    assert pool is not None
    return pool


async def _keep_session(_conn: asyncpg.Connection) -> None:
    """No reset query on release. asyncpg's default (RESET ALL, CLOSE ALL, UNLISTEN *,
    advisory unlocks) is a second round trip per webhook and undoes nothing here: the pool
    only ever runs the one autocommit insert. asyncpg still rolls back an open transaction
    itself before calling this."""
