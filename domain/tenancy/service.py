"""Tenancy rules: creating companies with their schema, the demo bootstrap of `make run`,
acting in another company, and a company changing its own configuration."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from domain.auth.principal import Principal
from domain.db import bind_tenant, public_session
from domain.errors import Forbidden, InvalidInput, NotFound
from domain.operations.audit import record
from domain.security.targets import TargetPolicy
from domain.tenancy import configuration, store
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


async def still_holds(session: AsyncSession, principal: Principal) -> bool:
    """Whether the principal's user is still active and still holds its role there (a panel
    session is checked on every request, so removing someone takes effect at once)."""
    user = await session.get(User, principal.user_id) if principal.user_id else None
    if user is None or not user.is_active:
        return False
    if principal.is_platform_admin:
        return user.is_platform_admin
    member = await store.membership(session, user.id, principal.company_id or 0)
    return member is not None and member.role == principal.role and member.deactivated_at is None


async def act_in(session: AsyncSession, principal: Principal, company_id: int) -> Principal:
    """The same user acting in another company: any one for the platform admin, otherwise
    one it is a member of, with its role there."""
    if principal.is_platform_admin:
        if await session.get(Company, company_id) is None:
            raise InvalidInput("no such company", code="unknown_company")
        return Principal(company_id, "platform_admin", user_id=principal.user_id)
    member = await store.membership(session, principal.user_id or 0, company_id)
    if member is None or member.deactivated_at is not None:
        raise Forbidden("this user is not a member of that company", code="not_a_member")
    return Principal(company_id, member.role, user_id=principal.user_id)


async def configuration_view(session: AsyncSession, company_id: int) -> dict[str, Any]:
    """The company's configuration as it may be shown: each secret only as set or not."""
    company = await session.get(Company, company_id)
    if company is None:
        raise NotFound("no such company", code="unknown_company")
    return configuration.public_view(dict(company.settings or {}))


async def change_configuration(
    session: AsyncSession,
    company_id: int,
    form: configuration.ConfigurationForm,
    actor: str,
    correlation_id: str | None,
    targets: TargetPolicy,
) -> list[str]:
    """Save the configuration (its URLs only when they lead outside our network, see
    `targets`); the audit row names the fields changed, never their values."""
    await configuration.check_urls(form, targets)
    changed = await configuration.save(session, company_id, form)
    await _audit(
        session, company_id, "company.settings", {"changed": changed}, actor, correlation_id
    )
    return changed


async def audit_settings(
    session: AsyncSession,
    company_id: int,
    changed: list[str],
    actor: str,
    correlation_id: str | None,
) -> None:
    """The audit row of a settings change made elsewhere (Configurações › Agenda): the
    names of the fields changed, never their values."""
    if changed:
        await _audit(
            session, company_id, "company.settings", {"changed": changed}, actor, correlation_id
        )


@dataclass(frozen=True)
class Rotated:
    value: str  # shown once
    slug: str  # for the webhook URL a new token goes into


async def rotate(
    session: AsyncSession,
    company_id: int,
    kind: Literal["webhook_secret", "url_token"],
    actor: str,
    correlation_id: str | None,
) -> Rotated:
    """A new webhook secret (the old one honoured for a grace period) or a new URL token."""
    make = (
        configuration.rotate_webhook_secret
        if kind == "webhook_secret"
        else configuration.new_url_token
    )
    value = await make(session, company_id)
    await _audit(
        session, company_id, f"company.rotate_{kind}", {"rotated": kind}, actor, correlation_id
    )
    company = await session.get(Company, company_id)
    return Rotated(value, company.slug if company else "")


async def _audit(
    session: AsyncSession,
    company_id: int,
    action: str,
    after: dict[str, Any],
    actor: str,
    correlation_id: str | None,
) -> None:
    """The audit row in the company's schema, in the same transaction as the change."""
    tenant = await bind_tenant(await session.connection(), company_id)
    await record(
        tenant,
        actor=actor,
        action=action,
        entity="company",
        entity_id=company_id,
        after=after,
        correlation_id=correlation_id,
    )
