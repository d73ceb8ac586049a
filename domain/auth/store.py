"""Query functions for API keys. The caller owns the transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.auth.models import ApiKey
from domain.tenancy.models import Company


async def active_key_by_hash(session: AsyncSession, key_hash: str) -> ApiKey | None:
    """An unrevoked key of an active company."""
    query = (
        select(ApiKey)
        .join(Company, Company.id == ApiKey.company_id)
        .where(
            ApiKey.key_hash == key_hash,
            ApiKey.revoked_at.is_(None),
            Company.status == "active",
        )
    )
    return await session.scalar(query)


async def touch_key(session: AsyncSession, key_id: int) -> None:
    """Record use at most once a minute: a busy key must not write on every request."""
    await session.execute(
        update(ApiKey)
        .where(
            ApiKey.id == key_id,
            or_(
                ApiKey.last_used_at.is_(None),
                ApiKey.last_used_at < func.now() - func.make_interval(0, 0, 0, 0, 0, 1),
            ),
        )
        .values(last_used_at=func.now())
    )


async def company_keys(session: AsyncSession, company_id: int) -> list[ApiKey]:
    query = select(ApiKey).where(ApiKey.company_id == company_id).order_by(ApiKey.id)
    return list(await session.scalars(query))


async def revoke_key(session: AsyncSession, company_id: int, key_id: int) -> datetime | None:
    """When it was revoked (now, or earlier); None when the company has no such key."""
    revoked = await session.execute(
        update(ApiKey)
        .where(ApiKey.id == key_id, ApiKey.company_id == company_id)
        .values(revoked_at=func.coalesce(ApiKey.revoked_at, func.now()))
        .returning(ApiKey.revoked_at)
        .execution_options(synchronize_session=False)
    )
    return revoked.scalar_one_or_none()
