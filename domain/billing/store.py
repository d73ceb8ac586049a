"""Query functions over plans, subscriptions and usage across companies (schema `public`).
The caller owns the transaction."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.billing.models import UsageDaily
from domain.tenancy.models import Company, Plan, Subscription


async def companies_with_usage(conn: AsyncConnection, since: date) -> list[Any]:
    """Every company by name with its current plan and subscription (the latest one) and the
    messages it has used since `since` (the platform admin's Empresas list)."""
    usage = (
        select(UsageDaily.company_id, func.sum(UsageDaily.messages).label("messages"))
        .where(UsageDaily.day >= since)
        .group_by(UsageDaily.company_id)
        .subquery()
    )
    current = (
        select(Subscription.company_id, func.max(Subscription.id).label("id"))
        .group_by(Subscription.company_id)
        .subquery()
    )
    query = (
        select(
            Company.id,
            Company.name,
            Company.slug,
            Company.domain,
            Company.status,
            Plan.name.label("plan"),
            Plan.monthly_messages,
            Subscription.status.label("subscription"),
            func.coalesce(usage.c.messages, 0).label("messages"),
        )
        .outerjoin(current, current.c.company_id == Company.id)
        .outerjoin(Subscription, Subscription.id == current.c.id)
        .outerjoin(Plan, Plan.id == Subscription.plan_id)
        .outerjoin(usage, usage.c.company_id == Company.id)
        .order_by(Company.name)
    )
    return list(await conn.execute(query))
