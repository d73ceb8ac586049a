"""Test infrastructure: real PostgreSQL and Redis, embedded unless TEST_DATABASE_URL /
TEST_REDIS_URL point elsewhere. Each session gets its own database and Redis namespace;
each test starts from empty tables, no tenant schemas and no Redis keys of ours."""

from __future__ import annotations

import asyncio
import functools
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import asyncpg
import pytest
import pytest_asyncio
from redis.asyncio import Redis
from saq import Worker
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.db import create_engine
from domain.observability.metrics import metrics
from domain.settings import Settings, to_asyncpg_url
from domain.tenancy.pg_schemas import tenant_schemas
from scripts.embedded import EmbeddedPostgres, EmbeddedRedis
from scripts.run import migrate
from tasks import worker as worker_settings
from tests.fakes.gemini import FakeGemini
from tests.fakes.server import LocalServer
from tests.fakes.whaticket import FakeWhaticket
from tests.support import factories
from tests.support.agenda import Clinic
from tests.support.factories import Cast, MakeCompany
from tests.support.jobs import close_clients, running_worker

# --- servers ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    external = os.environ.get("TEST_DATABASE_URL")
    if external:
        yield external
        return
    server = EmbeddedPostgres(tmp_path_factory.mktemp("pg") / "data").start()
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    external = os.environ.get("TEST_REDIS_URL")
    if external:
        yield external
        return
    server = EmbeddedRedis(tmp_path_factory.mktemp("redis"), persist=False).start()
    yield server.url
    server.stop()


def database_url(server_url: str, name: str) -> str:
    base, _, query = server_url.partition("?")
    return base.rsplit("/", 1)[0] + f"/{name}" + (f"?{query}" if query else "")


async def _admin(server_url: str, sql: str) -> None:
    conn = await asyncpg.connect(to_asyncpg_url(server_url).replace("+asyncpg", ""))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def create_database(server_url: str) -> str:
    name = f"sv_test_{uuid.uuid4().hex[:10]}"
    asyncio.run(_admin(server_url, f'CREATE DATABASE "{name}"'))
    return name


def drop_database(server_url: str, name: str) -> None:
    asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def migrated_database(postgres_server: str) -> Iterator[str]:
    name = create_database(postgres_server)
    url = database_url(postgres_server, name)
    migrate(url)
    yield url
    drop_database(postgres_server, name)


@pytest.fixture
def empty_database(postgres_server: str) -> Iterator[str]:
    """A brand-new database with nothing in it (migration tests)."""
    name = create_database(postgres_server)
    yield database_url(postgres_server, name)
    drop_database(postgres_server, name)


@pytest.fixture(scope="session")
def settings(migrated_database: str, redis_server: str) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        env="test",
        database_url=migrated_database,
        redis_url=redis_server,
        redis_namespace=f"t{uuid.uuid4().hex[:8]}",
        metrics_flush_seconds=0.1,
        sweeper_grace_seconds=1,
        worker_concurrency=4,
        worker_shutdown_grace_seconds=0,
        shared_secret=None,
        webhook_token=None,
        admin_password=None,
        secret_key="test-signing-key-that-is-long-enough-0123456789",
    )


@pytest_asyncio.fixture(scope="session")
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(settings.async_database_url, pool_size=5, max_overflow=5)
    yield engine
    await engine.dispose()


@pytest_asyncio.fixture(scope="session", autouse=True)
async def close_job_redis() -> AsyncIterator[None]:
    yield
    await close_clients()


@pytest_asyncio.fixture(scope="session")
async def redis(settings: Settings) -> AsyncIterator[Redis]:
    client = Redis.from_url(settings.redis_url or "")
    yield client
    await client.aclose()


PUBLIC_TABLES = "followups, reminders, api_keys, billing_events, usage_alerts, usage_daily, dead_letters, memberships, subscriptions, users, companies, plans"


@pytest_asyncio.fixture(autouse=True)
async def clean_state(engine: AsyncEngine, redis: Redis, settings: Settings) -> AsyncIterator[None]:
    yield
    # DDL and TRUNCATE, not models: emptying the database is not test data.
    async with engine.begin() as conn:
        for schema in await tenant_schemas(conn):
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await conn.execute(text(f"TRUNCATE {PUBLIC_TABLES} RESTART IDENTITY CASCADE"))
    keys = [key async for key in redis.scan_iter(match=f"*{settings.redis_namespace}*")]
    if keys:
        await redis.delete(*keys)
    # Counters a test left unflushed in this process must not show up in the next test's.
    metrics.pending.clear()


# --- data ------------------------------------------------------------------------------


@pytest.fixture
def make_company(engine: AsyncEngine) -> MakeCompany:
    """`await make_company("acme", monthly_messages=2)`: see `factories.company`."""
    return functools.partial(factories.company, engine)


@pytest_asyncio.fixture
async def cast(engine: AsyncEngine) -> Cast:
    return await factories.cast(engine)


@pytest_asyncio.fixture
async def conversation(engine: AsyncEngine, cast: Cast) -> int:
    """Company A's conversation (its id): a customer's "bom dia", filed, and the bot's reply
    waiting in the outbox. Rows only: `chat.a_conversation` goes through the webhook and the
    job when a test needs what they do (usage, the change token)."""
    a = cast.a.company.id
    customer = await factories.contact(engine, a)
    talk = await factories.conversation(engine, a, customer)
    said = await factories.message(engine, a, talk, "bom dia")
    await factories.message(engine, a, talk, "Olá! Como posso ajudar?", reply_to=said)
    return talk


@pytest_asyncio.fixture
async def clinic(engine: AsyncEngine, settings: Settings) -> Clinic:
    """Company acme on the local calendar (see `agenda.Clinic`)."""
    acme = (await factories.company(engine, "acme")).company.id
    await factories.configure(engine, acme, agenda={"local": True})
    return Clinic(engine, settings, acme)


# --- fakes of external services ----------------------------------------------------------


@pytest.fixture
async def gemini() -> AsyncIterator[FakeGemini]:
    fake = FakeGemini()
    async with LocalServer(fake.app()) as url:
        fake.url = url  # type: ignore[attr-defined]
        yield fake


@pytest.fixture
async def whaticket() -> AsyncIterator[FakeWhaticket]:
    fake = FakeWhaticket()
    async with LocalServer(fake.app()) as url:
        fake.url = url  # type: ignore[attr-defined]
        yield fake


# --- app and workers --------------------------------------------------------------------


@pytest_asyncio.fixture
async def app(settings: Settings) -> AsyncIterator[Any]:
    from web.app import create_app

    quart_app = create_app(settings)
    async with quart_app.test_app() as test_app:
        yield test_app


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()


@pytest.fixture
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Scale time: retries follow immediately (the real ladder has its own test)."""
    from domain import queues

    monkeypatch.setattr(queues, "RETRY_LADDER", (0, 0, 0, 0, 0))


@pytest_asyncio.fixture
async def worker(settings: Settings) -> AsyncIterator[Worker]:
    async with running_worker(worker_settings.settings(settings)) as running:
        yield running
