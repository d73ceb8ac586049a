"""The demo company and admin user that `make run` ensures on every start."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.db import public_session
from domain.tenancy.models import Company, Membership, User
from domain.tenancy.passwords import verify_password
from domain.tenancy.pg_schemas import migration_head
from domain.tenancy.service import ensure_demo
from tests.support import reads
from tests.support.webhooks import fixture_bytes, signed_headers


async def demo(engine: AsyncEngine, **overrides: Any) -> Any:
    options: dict[str, Any] = {
        "admin_email": "Admin@Example.com",
        "admin_password": None,
        "shared_secret": None,
        "webhook_token": None,
        "timezone": "America/Sao_Paulo",
    }
    return await ensure_demo(engine, **(options | overrides))


async def test_first_start_creates_demo_and_admin_and_shows_generated_secrets_once(
    engine: AsyncEngine,
) -> None:
    first = await demo(engine)
    assert first.admin_password and first.webhook_secret and first.url_token
    second = await demo(engine)
    assert second.company_id == first.company_id
    assert (second.admin_password, second.webhook_secret, second.url_token) == (None, None, None)
    async with public_session(engine) as session:
        company = await session.scalar(select(Company).where(Company.slug == "demo"))
        user = await session.scalar(select(User))
        membership = await session.scalar(select(Membership))
    assert company is not None and user is not None and membership is not None
    assert user.email == "admin@example.com" and user.is_platform_admin
    assert verify_password(user.password_hash, first.admin_password)
    assert membership.role == "company_admin" and membership.company_id == company.id
    assert await reads.schema_version(engine, company.id) == migration_head()


async def test_admin_password_from_environment_is_used_and_updated(engine: AsyncEngine) -> None:
    assert (await demo(engine, admin_password="primeira-senha")).admin_password is None
    await demo(engine, admin_password="segunda-senha")
    async with public_session(engine) as session:
        user = await session.scalar(select(User))
    assert user is not None
    assert verify_password(user.password_hash, "segunda-senha")
    assert not verify_password(user.password_hash, "primeira-senha")


async def test_shared_secret_opens_the_demo_webhook(engine: AsyncEngine, client: Any) -> None:
    await demo(engine)
    await demo(engine, shared_secret="segredo-compartilhado")
    body = fixture_bytes("inbound_text.json")
    response = await client.post(
        "/webhook/whaticket", data=body, headers=signed_headers("segredo-compartilhado", body)
    )
    assert response.status_code == 202
