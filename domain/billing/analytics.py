"""What the analytics API and the panel's Analytics e Consumo tab show: the summary with the
plan's alerts of this period, and the daily series (from the real-time aggregates). Days are
the company's days: "today" is read in its time zone."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncConnection

from domain.billing import alerts, usage
from domain.billing.quotas import Limits, period
from domain.billing.reports import Report
from domain.tenancy.directory import CompanyProfile

Period = Literal["week", "month"]
PERIOD_DAYS: dict[str, int] = {"week": 7, "month": 30}


def company_today(company: CompanyProfile, now: datetime) -> date:
    """The date at `now` where the company (a CompanyProfile) is."""
    return now.astimezone(ZoneInfo(company.timezone)).date()


async def summary(
    conn: AsyncConnection, company_id: int, today: date, limits: Limits, prices: usage.Prices
) -> dict[str, Any]:
    """Today, this week and this month, with the plan's usage and this period's alerts."""
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
    """The totals of each of the last `days` days through `today`, oldest first."""
    return await usage.daily(conn, company_id, today - timedelta(days=days - 1), today)


async def usage_report(
    conn: AsyncConnection, company: CompanyProfile, today: date, days: int, prices: usage.Prices
) -> Report:
    """The last `days` days of a company (a CompanyProfile) for a CSV or PDF report."""
    series = await last_days(conn, company.id, today, days)
    return Report(company.name, series[0][0], today, series, prices)


async def usage_summary(
    conn: AsyncConnection, company: CompanyProfile, prices: usage.Prices, now: datetime
) -> dict[str, Any]:
    """The API's summary of a company (a CompanyProfile) on its today."""
    today = company_today(company, now)
    body = await summary(conn, company.id, today, company.limits, prices)
    return {"company_id": company.id, "date": today.isoformat(), "currency": "BRL", **body}


async def usage_history(
    conn: AsyncConnection,
    company: CompanyProfile,
    wanted: Period,
    prices: usage.Prices,
    now: datetime,
) -> dict[str, Any]:
    """The API's daily series of the last week or month through the company's today."""
    days = await last_days(conn, company.id, company_today(company, now), PERIOD_DAYS[wanted])
    return {
        "company_id": company.id,
        "period": wanted,
        "days": [{"date": day.isoformat(), **totals.as_json(prices)} for day, totals in days],
    }


async def period_report(
    conn: AsyncConnection,
    company: CompanyProfile,
    wanted: Period,
    prices: usage.Prices,
    now: datetime,
) -> Report:
    """The report of the last week or month through the company's today."""
    return await usage_report(
        conn, company, company_today(company, now), PERIOD_DAYS[wanted], prices
    )
