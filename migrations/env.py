"""Alembic environment: one revision history, applied to `public` and to every tenant schema.

Each revision has `upgrade_public()` / `upgrade_tenant()` (and the downgrades); `upgrade(scope)`
dispatches. The public scope runs once with its version table in `public`; the tenant scope runs
once per `tenant_<id>` schema with that schema's own version table, so each schema records the
revision it is at. `-x tenant=tenant_7` limits a run to one tenant schema (and skips public).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import Any

from alembic import context
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import create_async_engine

from domain import models  # noqa: F401  (fills both metadata objects)
from domain.db import public_metadata, tenant_metadata

TENANT_SCHEMA = re.compile(r"^tenant_[0-9]+$")


def database_url() -> str:
    url = context.config.attributes.get("database_url")
    if url:
        return str(url)
    from domain.settings import Settings

    return Settings().async_database_url


def comparing() -> bool:
    """True for `revision --autogenerate` and `check`, which compare instead of migrate."""
    return context._proxy.context_opts.get("revision_context") is not None  # type: ignore[attr-defined]


def tenant_schemas(connection: Connection) -> list[str]:
    only = context.get_x_argument(as_dictionary=True).get("tenant")
    if only:
        if not TENANT_SCHEMA.match(only):
            raise ValueError(f"not a tenant schema: {only}")
        return [only]
    rows = connection.execute(
        text("SELECT nspname FROM pg_namespace WHERE nspname ~ '^tenant_[0-9]+$' ORDER BY nspname")
    )
    schemas = [row[0] for row in rows]
    # Comparing one tenant is enough (they are identical) and keeps generated scripts single.
    return schemas[:1] if comparing() else schemas


def name_filter(scope: str) -> Callable[[str | None, str, dict[str, Any]], bool]:
    """Compare only the schema in scope ("public", or the tenant as the default schema, None),
    and never the version table."""
    in_scope = "public" if scope == "public" else None

    def include_name(name: str | None, type_: str, parent_names: dict[str, Any]) -> bool:
        if type_ == "schema":
            return name == in_scope
        return not (type_ == "table" and name == "alembic_version")

    return include_name


def run_scope(connection: Connection, scope: str, schema: str) -> None:
    connection.execute(text(f'SET search_path TO "{schema}"'))
    connection.commit()
    # Autogenerate reflects the dialect's default schema as "no schema". Tenant tables are
    # declared without a schema, so the tenant in scope must be the default. Public tables are
    # declared with schema="public" (foreign keys included), so public must *not* be the
    # default, or every foreign key would look changed.
    connection.dialect.default_schema_name = schema if scope == "tenant" else "pg_catalog"
    context.configure(
        connection=connection,
        target_metadata=public_metadata if scope == "public" else tenant_metadata,
        version_table_schema=schema,
        include_schemas=scope == "public",
        include_name=name_filter(scope),
        upgrade_token=f"{scope}_upgrades",
        downgrade_token=f"{scope}_downgrades",
        compare_type=True,
        compare_server_default=True,
    )
    with context.begin_transaction():
        context.run_migrations(scope=scope)


def run_all(connection: Connection) -> None:
    if not context.get_x_argument(as_dictionary=True).get("tenant"):
        run_scope(connection, "public", "public")
    for schema in tenant_schemas(connection):
        run_scope(connection, "tenant", schema)


async def run_online() -> None:
    engine = create_async_engine(database_url())
    try:
        async with engine.connect() as connection:
            await connection.run_sync(run_all)
    finally:
        await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) mode is not supported: tenant schemas are discovered live")
asyncio.run(run_online())
