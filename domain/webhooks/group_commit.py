"""Group commit for the webhook's inserts: the messages that arrive together are stored by one
statement, one round trip and one commit (one WAL flush) per company, instead of one each.

Under load most of PostgreSQL's CPU per webhook, and a good part of the web's, went to the
per-statement work (parse/bind/execute messages, the commit and its WAL flush), not to the
row. A webhook that arrives while a statement is running waits for the next one, so batches
grow with the load and a lone webhook goes out at once (after one turn of the event loop).
Each caller is answered only when the statement that carried its row has returned, i.e. its
row is committed: the 202 still means "stored".
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import asyncpg
import orjson

from domain.db import tenant_schema
from domain.webhooks.store import Inbound, insert_one

# unnest keeps the rows in the arrays' order; rows that already exist (same external_id, W5)
# are skipped and come back with no id. Duplicates inside one batch never reach it.
_INSERT_MANY = (
    "INSERT INTO {schema}.messages (external_id, direction, status, kind, body, phone, "
    "push_name, payload, correlation_id, wa_timestamp) "
    "SELECT e, 'inbound', 'received', k, b, p, n, j::jsonb, c, w FROM unnest("
    "$1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], "
    "$8::timestamptz[]) AS t(e, k, b, p, n, j, c, w) "
    "ON CONFLICT (external_id) DO NOTHING RETURNING external_id, id"
)


@dataclass
class _Pending:
    row: Inbound
    done: asyncio.Future[int | None]


@dataclass
class GroupCommit:
    """Inserts messages through `pool`, several per statement when they arrive together.
    At most `in_flight` statements run at once (the rest wait and join the next batch)."""

    pool: asyncpg.Pool
    in_flight: int = 2
    max_batch: int = 500
    _waiting: dict[int, list[_Pending]] = field(default_factory=lambda: defaultdict(list))
    _running: int = 0

    async def insert(self, company_id: int, row: Inbound) -> int | None:
        """Store the message (committed on return); None when its external id was already
        stored."""
        if row.external_id is None:  # nothing to match the returned row by: on its own
            return await insert_one(self.pool, company_id, row)
        done: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()
        self._waiting[company_id].append(_Pending(row, done))
        if self._running < self.in_flight:
            self._start()
        return await done

    def _start(self) -> None:
        self._running += 1
        asyncio.get_running_loop().create_task(self._drain())

    async def _drain(self) -> None:
        try:
            # One turn of the loop first: the webhooks that reached this point in the same
            # turn go in the same statement.
            await asyncio.sleep(0)
            while self._waiting:
                company_id = next(iter(self._waiting))
                batch = self._waiting[company_id][: self.max_batch]
                rest = self._waiting[company_id][self.max_batch :]
                if rest:
                    self._waiting[company_id] = rest
                else:
                    del self._waiting[company_id]
                await self._store(company_id, batch)
        finally:
            self._running -= 1

    async def _store(self, company_id: int, batch: list[_Pending]) -> None:
        """One statement for the batch; if the statement itself is refused (one bad row),
        each row on its own, so only the bad one fails."""
        try:
            ids = await _insert_many(self.pool, company_id, [p.row for p in batch])
        except asyncpg.PostgresError as error:
            if isinstance(error, asyncpg.PostgresConnectionError) or len(batch) == 1:
                _fail(batch, error)
                return
            await asyncio.gather(*(self._store_alone(company_id, p) for p in batch))
            return
        except BaseException as error:  # connection lost, pool closed, cancelled
            _fail(batch, error)
            if not isinstance(error, Exception):
                raise
            return
        first: set[str] = set()
        for pending in batch:
            key = pending.row.external_id
            assert key is not None
            # A message id twice in one batch: the first is the stored one, the second a
            # duplicate, exactly as if they had come one after the other.
            result = ids.get(key) if key not in first else None
            first.add(key)
            if not pending.done.done():
                pending.done.set_result(result)

    async def _store_alone(self, company_id: int, pending: _Pending) -> None:
        try:
            result = await insert_one(self.pool, company_id, pending.row)
        except Exception as error:
            _fail([pending], error)
        else:
            if not pending.done.done():
                pending.done.set_result(result)


def _fail(batch: list[_Pending], error: BaseException) -> None:
    for pending in batch:
        if not pending.done.done():
            pending.done.set_exception(error)


async def _insert_many(pool: asyncpg.Pool, company_id: int, rows: list[Inbound]) -> dict[str, int]:
    """external_id -> id of each row stored now (rows already stored are absent)."""
    unique: dict[str, Inbound] = {}
    for row in rows:
        assert row.external_id is not None
        unique.setdefault(row.external_id, row)
    values = list(unique.values())
    columns: list[list[Any]] = [
        [r.external_id for r in values],
        [r.kind for r in values],
        [r.body for r in values],
        [r.phone for r in values],
        [r.push_name for r in values],
        [orjson.dumps(r.payload).decode() for r in values],
        [r.correlation_id for r in values],
        [datetime.fromtimestamp(r.wa_timestamp, UTC) if r.wa_timestamp else None for r in values],
    ]
    statement = _INSERT_MANY.format(schema=tenant_schema(company_id))
    async with pool.acquire() as conn:
        records = await conn.fetch(statement, *columns)
    return {record[0]: int(record[1]) for record in records}
