"""Views of companies cached in process: secrets for the webhook, profiles for jobs.

The webhook hot path needs a company's id and secrets on every request, and every job needs
the company's name and settings; a few seconds of staleness is fine (a rotated secret or a new
setting is honoured within `ttl` seconds) and saves a database round trip each time.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.billing.quotas import Limits
from domain.tenancy.configuration import previous_secret
from domain.tenancy.models import Company, Plan, Subscription

DEMO_SLUG = "demo"

# companies.id is an integer column: a larger number names no company.
COMPANY_ID_MAX = 2**31 - 1


def company_number(text: str) -> int | None:
    """A company id typed or sent as text (a form field, a header): ASCII digits within
    companies.id's range, else None ("²" is a digit to str.isdigit, and int() refuses it)."""
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(COMPANY_ID_MAX)):
        return None
    number = int(text)
    return number if 0 < number <= COMPANY_ID_MAX else None


@dataclass(frozen=True, slots=True)
class CompanyProfile:
    """What jobs need of a company: name, slug, time zone and its own settings."""

    id: int
    name: str
    slug: str
    timezone: str
    settings: dict[str, Any]
    limits: Limits = field(default_factory=Limits)
    # The current subscription's status: trialing | active | past_due | canceled.
    subscription: str = "active"

    @property
    def subscribed(self) -> bool:
        """Whether the company's subscription lets the secretary answer (T4)."""
        return self.subscription in ("trialing", "active")


@dataclass(frozen=True, slots=True)
class CompanyAuth:
    id: int
    slug: str
    status: str
    webhook_secret: str | None
    webhook_token_hash: str | None
    url_token_hash: str | None
    previous_webhook_secret: str | None = None  # honoured during a rotation's grace period

    def webhook_secrets(self) -> list[str]:
        return [s for s in (self.webhook_secret, self.previous_webhook_secret) if s]


class CompanyDirectory:
    def __init__(self, engine: AsyncEngine, ttl: float = 5.0) -> None:
        self._engine = engine
        self._ttl = ttl
        self._cache: dict[tuple[str, str], tuple[float, CompanyAuth | None]] = {}
        self._profiles: dict[int, tuple[float, CompanyProfile | None]] = {}

    async def by_domain(self, domain: str) -> CompanyAuth | None:
        return await self._lookup("domain", domain.strip().lower())

    async def by_slug(self, slug: str) -> CompanyAuth | None:
        return await self._lookup("slug", slug.strip().lower())

    async def by_id(self, company_id: int) -> CompanyAuth | None:
        if not 0 < company_id <= COMPANY_ID_MAX:
            return None  # names no company (and would overflow the query)
        return await self._lookup("id", str(company_id))

    async def demo(self) -> CompanyAuth | None:
        return await self.by_slug(DEMO_SLUG)

    def forget(self) -> None:
        """Drop the cache (after a secret rotation in this process)."""
        self._cache.clear()
        self._profiles.clear()

    async def profile(self, company_id: int) -> CompanyProfile | None:
        if not 0 < company_id <= COMPANY_ID_MAX:
            return None  # names no company (and would overflow the query)
        now = time.monotonic()
        hit = self._profiles.get(company_id)
        if hit is not None and hit[0] > now:
            return hit[1]
        query = (
            select(
                Company.id,
                Company.name,
                Company.slug,
                Company.timezone,
                Company.settings,
                Plan.monthly_messages,
                Plan.monthly_tokens,
                Plan.overage,
                Subscription.status.label("subscription"),
            )
            .outerjoin(Subscription, Subscription.company_id == Company.id)
            .outerjoin(Plan, Plan.id == Subscription.plan_id)
            .where(Company.id == company_id)
            .order_by(Subscription.id.desc())  # the current subscription is the latest
            .limit(1)
        )
        async with self._engine.connect() as conn:
            row = (await conn.execute(query)).first()
        found = None
        if row is not None:
            limits = Limits(row.monthly_messages, row.monthly_tokens, row.overage or "allow")
            found = CompanyProfile(
                row.id,
                row.name,
                row.slug,
                row.timezone,
                row.settings,
                limits,
                row.subscription or "active",  # no subscription row: nothing to enforce
            )
        self._profiles[company_id] = (now + self._ttl, found)
        return found

    async def _lookup(self, field: str, value: str) -> CompanyAuth | None:
        now = time.monotonic()
        hit = self._cache.get((field, value))
        if hit is not None and hit[0] > now:
            return hit[1]
        columns = {"domain": Company.domain, "slug": Company.slug, "id": Company.id}
        key: str | int = int(value) if field == "id" else value
        query = select(
            Company.id,
            Company.slug,
            Company.status,
            Company.webhook_secret,
            Company.webhook_token_hash,
            Company.url_token_hash,
            Company.settings,
        ).where(columns[field] == key)
        async with self._engine.connect() as conn:
            row = (await conn.execute(query)).first()
        found = None
        if row is not None:
            previous = previous_secret(row.settings or {}, datetime.now(UTC))
            found = CompanyAuth(
                row.id,
                row.slug,
                row.status,
                row.webhook_secret,
                row.webhook_token_hash,
                row.url_token_hash,
                previous,
            )
        if len(self._cache) > 10_000:  # unknown domains must not grow memory without bound
            self._cache.clear()
        self._cache[(field, value)] = (now + self._ttl, found)
        return found
