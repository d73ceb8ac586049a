"""Query functions for global tenancy tables. The caller owns the transaction."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from domain.tenancy.models import Company, Membership, Plan, User


async def company_by_slug(session: AsyncSession, slug: str) -> Company | None:
    return await session.scalar(select(Company).where(Company.slug == slug))


async def company_by_domain(session: AsyncSession, domain: str) -> Company | None:
    return await session.scalar(select(Company).where(Company.domain == domain.lower()))


async def plan_by_slug(session: AsyncSession, slug: str) -> Plan | None:
    return await session.scalar(select(Plan).where(Plan.slug == slug))


async def user_by_email(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(select(User).where(User.email == email.lower()))


async def membership(session: AsyncSession, user_id: int, company_id: int) -> Membership | None:
    return await session.get(Membership, (user_id, company_id))


async def company_ids(conn: AsyncConnection) -> list[int]:
    """Every company id, for jobs that visit each tenant (sweeper, gauges)."""
    rows = await conn.execute(select(Company.id).order_by(Company.id))
    return [row[0] for row in rows]
