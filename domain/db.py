"""Database plumbing: the two metadata objects, engine factory and tenant binding.

Global data lives in schema `public`; each company's data lives in schema
`tenant_<id>`. Tenant tables are declared *without* a schema and every tenant
connection carries `schema_translate_map={None: "tenant_<id>"}`, so a tenant query
can only ever reach the schema it was bound to.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

import orjson
from sqlalchemy import DateTime, MetaData
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

public_metadata = MetaData(schema="public", naming_convention=NAMING_CONVENTION)
tenant_metadata = MetaData(naming_convention=NAMING_CONVENTION)


class PublicBase(DeclarativeBase):
    metadata = public_metadata
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: DateTime(timezone=True)}


class TenantBase(DeclarativeBase):
    metadata = tenant_metadata
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: DateTime(timezone=True)}


def tenant_schema(company_id: int) -> str:
    """Schema name of a company's data; the int() makes injection impossible."""
    return f"tenant_{int(company_id)}"


def _json_dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def create_engine(url: str, *, pool_size: int = 10, max_overflow: int = 10) -> AsyncEngine:
    """The process-wide engine (one pool per process)."""
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        # asyncpg reports dead connections; a ping on every checkout would cost a round trip.
        pool_pre_ping=False,
        json_serializer=_json_dumps,
        json_deserializer=orjson.loads,
        # A failed statement's error must not carry its values into logs and dead letters:
        # they are customers' phone numbers, message texts and payloads.
        hide_parameters=True,
    )


async def bind_tenant(conn: AsyncConnection, company_id: int) -> AsyncConnection:
    """A view of `conn` whose unqualified tables resolve to the company's schema."""
    return await conn.execution_options(schema_translate_map={None: tenant_schema(company_id)})


def tenant_engine(engine: AsyncEngine, company_id: int) -> AsyncEngine:
    """The engine seen through one company's schema (shares the pool)."""
    return engine.execution_options(schema_translate_map={None: tenant_schema(company_id)})


@asynccontextmanager
async def public_session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """An ORM session for global tables; the caller commits."""
    async with async_sessionmaker(engine, expire_on_commit=False)() as session:
        yield session


@dataclass(frozen=True)
class TenantDatabase:
    """One company's schema, handed by a job or a request handler to a service whose work
    waits on another system (Cal.com, the model) between database steps. The caller chooses
    the database and the company; each `transaction()` is short and committed on exit, so no
    transaction (and no row lock) is ever held while another system answers."""

    engine: AsyncEngine
    company_id: int

    def transaction(self) -> AbstractAsyncContextManager[AsyncConnection]:
        """One transaction on the company's schema, committed when the block ends."""
        return tenant_engine(self.engine, self.company_id).begin()

    def reading(self) -> AbstractAsyncContextManager[AsyncConnection]:
        """A connection for reads only (nothing written through it is committed)."""
        return tenant_engine(self.engine, self.company_id).connect()
