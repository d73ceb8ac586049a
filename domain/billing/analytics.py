"""What the analytics API and the panel's Analytics e Consumo tab show: the summary with the
plan's alerts of this period, and the daily series (from the real-time aggregates)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from domain.billing import alerts, usage
from domain.billing.quotas import Limits, period
from domain.billing.reports import Report


async def summary(
    conn: AsyncConnection, company_id: int, today: date, limits: Limits, prices: usage.Prices
) -> dict[str, Any]:
    body = await usage.summary(conn, company_id, today, limits, prices)
    body["plan"]["alerts"] = [
        {
            "metric": a.metric,
            "threshold": a.threshold,
            "used": a.used,
            "quota": a.quota,
            "at": a.created_at.isoformat(),
            "delivered": a.delivered_at is not None,
        }
        for a in await alerts.alerts_of(conn, company_id, period())
    ]
    return body


async def last_days(
    conn: AsyncConnection, company_id: int, today: date, days: int
) -> list[tuple[date, usage.Totals]]:
    return await usage.daily(conn, company_id, today - timedelta(days=days - 1), today)


async def usage_report(
    conn: AsyncConnection, company: Any, today: date, days: int, prices: usage.Prices
) -> Report:
    """The last `days` days of a company (a CompanyProfile) for a CSV or PDF report."""
    series = await last_days(conn, company.id, today, days)
    return Report(company.name, series[0][0], today, series, prices)
