"""Provisioning a company in one call (T2): plan, company, subscription, schema at head, API
token, its first admin (invited by e-mail), Redis namespace and queue, and the local calendar
on with default hours so it can book from day one. Steps are reported as they finish (the
panel shows them)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from domain import queues
from domain.auth.service import create_api_key
from domain.db import public_session, tenant_schema
from domain.errors import Conflict, InvalidField
from domain.tenancy import members, store
from domain.tenancy.agenda_settings import DEFAULT_AGENDA
from domain.tenancy.models import Plan
from domain.tenancy.service import create_company

SLUG = r"^[a-z0-9][a-z0-9-]{0,63}$"
INT_MAX, BIGINT_MAX = 2**31 - 1, 2**63 - 1
HOSTNAME = r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"

Progress = Callable[[str], Awaitable[None]]


class PlanSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slug: str = Field(pattern=SLUG)
    name: str | None = Field(default=None, min_length=1, max_length=120)
    # Bounded by their columns (integer, bigint): past them is a 422, not a database error.
    monthly_messages: int | None = Field(default=None, ge=1, le=INT_MAX)
    monthly_tokens: int | None = Field(default=None, ge=1, le=BIGINT_MAX)
    price_cents: int = Field(default=0, ge=0, le=INT_MAX)
    currency: str = Field(default="BRL", pattern=r"^[A-Z]{3}$")
    overage: Literal["block", "allow"] = "block"


class ProvisionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    slug: str = Field(pattern=SLUG)
    domain: str = Field(max_length=253, pattern=HOSTNAME)
    # An existing plan's slug, or a plan to create (when its slug is new).
    plan: PlanSpec
    timezone: str = "America/Sao_Paulo"
    # The platform's decision: the company may move its own subscription with "manual"
    # billing events signed with its own webhook secret (otherwise only Stripe or Mercado
    # Pago, whose secrets the company never sees, can).
    manual_billing: bool = False
    # The company's first admin: invited by a link shown once (a new account sets its
    # password there; an existing one accepts with the password it has).
    admin_email: str | None = Field(default=None, max_length=254)
    admin_name: str = Field(default="", max_length=200)

    @field_validator("admin_email", mode="before")
    @classmethod
    def _email(cls, value: Any) -> Any:
        if not isinstance(value, str) or not value.strip():
            return None if value == "" else value
        try:
            return members.clean_email(value)
        except InvalidField:
            raise ValueError("not an e-mail address") from None

    @field_validator("slug", "domain", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("plan", mode="before")
    @classmethod
    def _plan_by_slug(cls, value: Any) -> Any:
        return {"slug": value} if isinstance(value, str) else value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("unknown time zone") from None
        return value


@dataclass(frozen=True)
class Provisioned:
    company_id: int
    slug: str
    domain: str
    plan: str
    schema: str
    queue: str
    api_token: str
    webhook_secret: str
    url_token: str
    admin_email: str | None = None
    # The first admin's invitation token (shown once); None when no admin was named.
    invitation: str | None = None


async def provision(
    engine: AsyncEngine,
    redis: Any,
    namespace: str,
    request: ProvisionRequest,
    progress: Progress | None = None,
) -> Provisioned:
    """Everything a new company needs, in one database transaction (all or nothing), then
    its Redis namespace. Conflict naming the field for a taken slug or domain."""

    async def step(name: str) -> None:
        if progress is not None:
            await progress(name)

    async with public_session(engine) as session:
        await _refuse_taken(session, request)
        plan = await _plan(session, request.plan)
        await step("plan")
        new = await create_company(
            session,
            name=request.name,
            slug=request.slug,
            domain=request.domain,
            plan=plan,
            timezone=request.timezone,
        )
        company_id = new.company.id
        settings: dict[str, Any] = {"agenda": dict(DEFAULT_AGENDA)}
        if request.manual_billing:
            settings["billing"] = {"manual": True}
        new.company.settings = {**(new.company.settings or {}), **settings}
        await step("schema")
        key = await create_api_key(session, company_id, "Token inicial", "company_admin", None)
        await step("api_token")
        invited = None
        if request.admin_email:
            invited = await members.invite(
                session, company_id, request.admin_email, request.admin_name, "company_admin", None
            )
            await step("admin")
        try:
            await session.commit()
        except IntegrityError:  # a concurrent provisioning took the slug or domain first
            raise Conflict("slug or domain already taken", code="already_exists") from None
    queue = queues.queue_name(namespace, queues.company_queue(company_id))
    await redis.hset(
        f"{namespace}:tenant:{company_id}",
        mapping={
            "slug": request.slug,
            "schema": tenant_schema(company_id),
            "queue": queue,
            "created_at": datetime.now(UTC).isoformat(),
        },
    )
    await step("redis")
    return Provisioned(
        company_id=company_id,
        slug=request.slug,
        domain=request.domain,
        plan=plan.slug,
        schema=tenant_schema(company_id),
        queue=queue,
        api_token=key.plaintext,
        webhook_secret=new.webhook_secret,
        url_token=new.url_token,
        admin_email=invited.email if invited else None,
        invitation=invited.token if invited else None,
    )


async def _refuse_taken(session: AsyncSession, request: ProvisionRequest) -> None:
    if await store.company_by_slug(session, request.slug) is not None:
        raise Conflict("this slug is taken", code="already_exists", field="slug")
    if await store.company_by_domain(session, request.domain) is not None:
        raise Conflict("this domain is taken", code="already_exists", field="domain")


async def _plan(session: AsyncSession, spec: PlanSpec) -> Plan:
    plan = await store.plan_by_slug(session, spec.slug)
    if plan is not None:
        return plan
    plan = Plan(
        slug=spec.slug,
        name=spec.name or spec.slug.replace("-", " ").title(),
        monthly_messages=spec.monthly_messages,
        monthly_tokens=spec.monthly_tokens,
        price_cents=spec.price_cents,
        currency=spec.currency,
        overage=spec.overage,
    )
    session.add(plan)
    await session.flush()
    return plan
