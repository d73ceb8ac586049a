"""The webhook's group commit over real PostgreSQL: messages that arrive together share one
statement and one commit, and each caller still gets its own row's id (or None for a
duplicate), with a bad row failing alone."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
import pytest_asyncio
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.db import tenant_schema
from domain.settings import Settings
from domain.webhooks.group_commit import GroupCommit
from domain.webhooks.store import Inbound, open_pool
from tests.support.factories import MakeCompany


@pytest_asyncio.fixture
async def pool(settings: Settings) -> AsyncIterator[asyncpg.Pool]:
    pool = await open_pool(settings.async_database_url, 4)
    yield pool
    await pool.close()


@pytest.fixture
async def company(make_company: MakeCompany) -> int:
    return int((await make_company("acme")).company.id)


def inbound(external_id: str | None, phone: str = "5511999990000", body: str = "oi") -> Inbound:
    return Inbound(
        external_id=external_id,
        phone=phone,
        body=body,
        kind="text",
        push_name="Ana",
        payload={"key": {"id": external_id}},
        correlation_id="c",
        wa_timestamp=1_767_000_000,
    )


async def stored(engine: AsyncEngine, company: int) -> list[Any]:
    async with engine.connect() as conn:
        query = (
            f"SELECT id, external_id, body, xmin::text AS tx FROM {tenant_schema(company)}.messages"
        )
        return list((await conn.execute(text(query))).all())


async def test_messages_arriving_together_share_commits_and_each_gets_its_own_id(
    pool: asyncpg.Pool, company: int, engine: AsyncEngine
) -> None:
    store = GroupCommit(pool)
    ids = await asyncio.gather(
        *(store.insert(company, inbound(f"W{i}", body=f"m{i}")) for i in range(60))
    )
    rows = {row.id: row for row in await stored(engine, company)}
    assert len(rows) == 60 and None not in ids
    assert [rows[i].external_id for i in ids] == [f"W{i}" for i in range(60)]
    assert [rows[i].body for i in ids] == [f"m{i}" for i in range(60)]
    # Rows written by one statement share its transaction id: far fewer commits than rows.
    assert len({row.tx for row in rows.values()}) <= 3


async def test_a_message_id_twice_in_a_batch_or_already_stored_is_a_duplicate(
    pool: asyncpg.Pool, company: int, engine: AsyncEngine
) -> None:
    store = GroupCommit(pool)
    [earlier] = await asyncio.gather(store.insert(company, inbound("OLD")))
    first, second, old, new = await asyncio.gather(
        store.insert(company, inbound("SAME", body="first")),
        store.insert(company, inbound("SAME", body="second")),
        store.insert(company, inbound("OLD")),
        store.insert(company, inbound("NEW")),
    )
    assert earlier is not None and first is not None and new is not None
    assert (second, old) == (None, None)
    bodies = {row.external_id: row.body for row in await stored(engine, company)}
    assert bodies == {"OLD": "oi", "SAME": "first", "NEW": "oi"}


async def test_a_row_postgresql_refuses_fails_alone(
    pool: asyncpg.Pool, company: int, engine: AsyncEngine
) -> None:
    store = GroupCommit(pool)
    too_long = "5" * 40  # messages.phone is varchar(20)
    results = await asyncio.gather(
        store.insert(company, inbound("A")),
        store.insert(company, inbound("BAD", phone=too_long)),
        store.insert(company, inbound("B")),
        return_exceptions=True,
    )
    assert isinstance(results[1], asyncpg.StringDataRightTruncationError)
    assert isinstance(results[0], int) and isinstance(results[2], int)
    assert sorted(row.external_id for row in await stored(engine, company)) == ["A", "B"]


async def test_a_message_without_an_id_is_stored_on_its_own(
    pool: asyncpg.Pool, company: int, engine: AsyncEngine
) -> None:
    store = GroupCommit(pool)
    a, b = await asyncio.gather(
        store.insert(company, inbound(None)), store.insert(company, inbound(None))
    )
    assert a is not None and b is not None and a != b
    assert len(await stored(engine, company)) == 2


async def test_when_postgresql_is_unreachable_every_waiting_caller_gets_the_error(
    settings: Settings, company: int
) -> None:
    pool = await open_pool("postgresql://nobody@127.0.0.1:1/none", 2)
    store = GroupCommit(pool)
    try:
        results = await asyncio.gather(
            *(store.insert(company, inbound(f"X{i}")) for i in range(5)), return_exceptions=True
        )
    finally:
        await pool.close()
    assert all(isinstance(r, OSError | asyncpg.PostgresError) for r in results), results
