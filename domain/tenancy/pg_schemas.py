"""PostgreSQL schemas per tenant (`tenant_<id>`): creating and dropping one, always at the
migration head, and listing them. Not `schemas.py`: that name is for validated models."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.db import tenant_metadata, tenant_schema

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


@cache
def migration_head() -> str:
    """The single head revision of migrations/ (read once per process)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    head = ScriptDirectory.from_config(config).get_current_head()
    if head is None:
        raise RuntimeError("migrations/ has no head revision")
    return head


async def create_tenant_schema(conn: AsyncConnection, company_id: int) -> str:
    """Create `tenant_<id>` with every tenant table, stamped at head, in the caller's transaction.

    Building from the models and stamping equals running every migration because
    `alembic check` is kept clean (a test holds both to the same catalog).
    """
    schema = tenant_schema(company_id)
    await conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def create_tables(sync_conn: Connection) -> None:
        bound = sync_conn.execution_options(schema_translate_map={None: schema})
        tenant_metadata.create_all(bound, checkfirst=False)

    await conn.run_sync(create_tables)
    await conn.execute(
        text(
            f'CREATE TABLE "{schema}".alembic_version (version_num VARCHAR(32) NOT NULL, '
            "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
        )
    )
    await conn.execute(
        text(f'INSERT INTO "{schema}".alembic_version (version_num) VALUES (:head)'),
        {"head": migration_head()},
    )
    return schema


async def drop_tenant_schema(conn: AsyncConnection, company_id: int) -> None:
    """Drop the company's schema and everything in it (nothing when it is already gone)."""
    await conn.execute(text(f'DROP SCHEMA IF EXISTS "{tenant_schema(company_id)}" CASCADE'))


async def tenant_schemas(conn: AsyncConnection) -> list[str]:
    """The names of every tenant schema in the database, sorted."""
    rows = await conn.execute(
        text("SELECT nspname FROM pg_namespace WHERE nspname ~ '^tenant_[0-9]+$' ORDER BY 1")
    )
    return [row[0] for row in rows]
