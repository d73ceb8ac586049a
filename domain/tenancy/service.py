"""Tenancy rules: creating companies with their schema, and the demo bootstrap of `make run`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from domain.db import public_session
from domain.tenancy import store
from domain.tenancy.directory import DEMO_SLUG
from domain.tenancy.models import Company, Membership, Plan, Subscription, User
from domain.tenancy.passwords import hash_password, verify_password
from domain.tenancy.pg_schemas import create_tenant_schema
from domain.tenancy.tokens import digest, new_secret


@dataclass
class NewCompany:
    company: Company
    webhook_secret: str
    url_token: str


async def create_company(
    session: AsyncSession,
    *,
    name: str,
    slug: str,
    domain: str | None,
    plan: Plan,
    timezone: str = "America/Sao_Paulo",
    webhook_secret: str | None = None,
) -> NewCompany:
    """Company + subscription + schema at head, in the caller's transaction."""
    secret = webhook_secret or new_secret()
    url_token = new_secret()
    company = Company(
        name=name,
        slug=slug.lower(),
        domain=domain.lower() if domain else None,
        timezone=timezone,
        webhook_secret=secret,
        url_token_hash=digest(url_token),
    )
    session.add(company)
    await session.flush()
    session.add(Subscription(company_id=company.id, plan_id=plan.id, status="active"))
    conn = await session.connection()
    await create_tenant_schema(conn, company.id)
    return NewCompany(company=company, webhook_secret=secret, url_token=url_token)


@dataclass
class Bootstrap:
    """What `make run` prints: only what was generated now (it cannot be shown again)."""

    company_id: int
    admin_email: str
    admin_password: str | None = None
    webhook_secret: str | None = None
    url_token: str | None = None


async def ensure_demo(
    engine: AsyncEngine,
    *,
    admin_email: str,
    admin_password: str | None,
    shared_secret: str | None,
    webhook_token: str | None,
    timezone: str,
) -> Bootstrap:
    """Ensure the demo company (slug `demo`) and the admin user exist; idempotent."""
    async with public_session(engine) as session:
        result = await _ensure_demo_company(session, shared_secret, webhook_token, timezone)
        result.admin_email = admin_email.lower()
        result.admin_password = await _ensure_admin(
            session, result.company_id, admin_email, admin_password
        )
        await session.commit()
    return result


async def _ensure_demo_company(
    session: AsyncSession, shared_secret: str | None, webhook_token: str | None, timezone: str
) -> Bootstrap:
    company = await store.company_by_slug(session, DEMO_SLUG)
    if company is None:
        plan = await store.plan_by_slug(session, "demo")
        if plan is None:
            plan = Plan(slug="demo", name="Demonstração", overage="allow")
            session.add(plan)
            await session.flush()
        new = await create_company(
            session,
            name="Empresa Demo",
            slug=DEMO_SLUG,
            domain="demo.localhost",
            plan=plan,
            timezone=timezone,
            webhook_secret=shared_secret,
        )
        company = new.company
        result = Bootstrap(
            company_id=company.id,
            admin_email="",
            webhook_secret=None if shared_secret else new.webhook_secret,
            url_token=new.url_token,
        )
    else:
        result = Bootstrap(company_id=company.id, admin_email="")
        if shared_secret and company.webhook_secret != shared_secret:
            company.webhook_secret = shared_secret
    if webhook_token is not None:
        company.webhook_token_hash = digest(webhook_token) if webhook_token else None
    return result


async def _ensure_admin(
    session: AsyncSession, company_id: int, email: str, password: str | None
) -> str | None:
    """Returns the password only when it was generated now."""
    user = await store.user_by_email(session, email)
    generated = None
    if user is None:
        generated = None if password else new_secret(12)
        user = User(
            email=email.lower(),
            name="Administrador",
            password_hash=hash_password(password or generated or ""),
            is_platform_admin=True,
        )
        session.add(user)
        await session.flush()
    elif password and not verify_password(user.password_hash, password):
        user.password_hash = hash_password(password)
    if await store.membership(session, user.id, company_id) is None:
        session.add(Membership(user_id=user.id, company_id=company_id, role="company_admin"))
    return generated
