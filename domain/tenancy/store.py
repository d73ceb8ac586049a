"""Query functions for global tenancy tables. The caller owns the transaction."""

from __future__ import annotations

from sqlalchemy import Select, select
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


async def active_companies(
    conn: AsyncConnection, member: int | None = None
) -> list[tuple[int, str]]:
    """Active companies (id, name) by name: every one, or those user `member` belongs to."""
    query = select(Company.id, Company.name).where(Company.status == "active")
    if member is not None:
        query = query.join(Membership, Membership.company_id == Company.id).where(
            Membership.user_id == member, Membership.deactivated_at.is_(None)
        )
    return await _names(conn, query)


async def companies_of_email(conn: AsyncConnection, email: str) -> list[tuple[int, str]]:
    """The active companies (id, name) of the user with this e-mail, by name."""
    query = (
        select(Company.id, Company.name)
        .join(Membership, Membership.company_id == Company.id)
        .join(User, User.id == Membership.user_id)
        .where(
            User.email == email.strip().lower(),
            Company.status == "active",
            Membership.deactivated_at.is_(None),
        )
    )
    return await _names(conn, query)


async def _names(conn: AsyncConnection, query: Select[int, str]) -> list[tuple[int, str]]:
    return [(row.id, row.name) for row in await conn.execute(query.order_by(Company.name))]
