"""Reading what a test asserts on, through the models: rows of a tenant table (bound to one
company's schema with `tenant=`) or of a public one, filtered with model columns.

    await rows(engine, Message.body, Message.source, tenant=acme,
               where=Message.direction == "outbound")
    await count(engine, DeadLetter)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, column, func, select, table
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import DeclarativeBase

from domain.conversations.models import Message
from domain.db import tenant_engine

Where = ColumnElement[bool] | Sequence[ColumnElement[bool]]


def _query(what: Sequence[Any], where: Where, order_by: Any) -> Select[Any]:
    """SELECT `what` (a model: all its columns) WHERE every clause, in `order_by` or else in
    the primary-key order of the first table (the order rows were written in)."""
    columns = [c for w in what for c in (w.__table__.c if _is_model(w) else [w])]
    order = _listed(order_by) if order_by is not None else list(columns[0].table.primary_key)
    return select(*columns).where(*_listed(where)).order_by(*order)


def _listed(value: Any) -> list[Any]:
    """One clause (or column), or a sequence of them, as a list."""
    return list(value) if isinstance(value, list | tuple) else [value]


def _is_model(what: Any) -> bool:
    return isinstance(what, type) and issubclass(what, DeclarativeBase)


def _engine(engine: AsyncEngine, tenant: int | None) -> AsyncEngine:
    return engine if tenant is None else tenant_engine(engine, tenant)


async def rows(
    engine: AsyncEngine,
    *what: Any,
    tenant: int | None = None,
    where: Where = (),
    order_by: Any = None,
) -> list[Row[Any]]:
    """Rows of `what`: a model (every column) or some columns. `tenant`: the company whose
    schema the tenant tables are read in (public tables are the same for every company)."""
    async with _engine(engine, tenant).connect() as conn:
        return list(await conn.execute(_query(what, where, order_by)))


async def values(
    engine: AsyncEngine,
    what: Any,
    *,
    tenant: int | None = None,
    where: Where = (),
    order_by: Any = None,
) -> list[Any]:
    """The values of one column, row by row."""
    return [
        row[0] for row in await rows(engine, what, tenant=tenant, where=where, order_by=order_by)
    ]


async def value(
    engine: AsyncEngine, what: Any, *, tenant: int | None = None, where: Where = ()
) -> Any:
    """The value of one column in the one row that matches (None when none does)."""
    found = await values(engine, what, tenant=tenant, where=where)
    assert len(found) <= 1, found
    return found[0] if found else None


async def count(
    engine: AsyncEngine,
    model: type[DeclarativeBase],
    *,
    tenant: int | None = None,
    where: Where = (),
) -> int:
    """How many rows of `model` match."""
    query = select(func.count()).select_from(model).where(*_listed(where))
    async with _engine(engine, tenant).connect() as conn:
        return int(await conn.scalar(query) or 0)


async def outbound(engine: AsyncEngine, company_id: int) -> list[Row[Any]]:
    """Every message the company wrote (replies, operator messages, reminders), in order."""
    return await rows(engine, Message, tenant=company_id, where=Message.direction == "outbound")


async def processed(engine: AsyncEngine, company_id: int) -> int:
    """How many customer messages the inbound job has filed."""
    filed = (Message.direction == "inbound", Message.status == "processed")
    return await count(engine, Message, tenant=company_id, where=filed)


async def schema_version(engine: AsyncEngine, company_id: int) -> str | None:
    """The migration a company's schema is at (Alembic's own table, not one of our models)."""
    version = table("alembic_version", column("version_num"))
    async with tenant_engine(engine, company_id).connect() as conn:
        return await conn.scalar(select(version.c.version_num))
