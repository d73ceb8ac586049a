"""Usage metering (T3) and the analytics built on it (N2), from real-time daily aggregates.

`count_reply` runs in the transaction that writes a reply, so each reply is counted exactly
once; the analytics read a few `usage_daily` rows, never the messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.billing.models import UsageDaily
from domain.billing.quotas import Limits
from domain.settings import Settings

_usage = cast(Table, UsageDaily.__table__)


@dataclass(frozen=True)
class Prices:
    per_message: Decimal
    per_thousand_tokens: Decimal

    @classmethod
    def from_settings(cls, settings: Settings) -> Prices:
        """The platform's prices (BILLING_COST_*), the same for the panel, the API and reports."""
        return cls(settings.billing_cost_per_message, settings.billing_cost_per_thousand_tokens)


@dataclass(frozen=True)
class Totals:
    messages: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    response_ms: int = 0

    @property
    def tokens(self) -> int:
        return self.tokens_in + self.tokens_out

    def as_json(self, prices: Prices) -> dict[str, Any]:
        average = self.response_ms / self.messages / 1000 if self.messages else None
        cost = self.messages * prices.per_message + Decimal(self.tokens) / 1000 * (
            prices.per_thousand_tokens
        )
        return {
            "messages": self.messages,
            "tokens": self.tokens,
            "tokens_in": self.tokens_in,
            "tokens_out": self.tokens_out,
            "avg_response_seconds": None if average is None else round(average, 3),
            "estimated_cost": str(cost.quantize(Decimal("0.01"))),
        }


async def count_reply(
    conn: AsyncConnection,
    company_id: int,
    day: date,
    tokens: tuple[int, int] | None,
    response_ms: int,
) -> None:
    """Add one reply to the company's day (one upsert; the caller's transaction)."""
    tokens_in, tokens_out = tokens or (0, 0)
    values = insert(_usage).values(
        company_id=company_id,
        day=day,
        messages=1,
        tokens_in=tokens_in,
        tokens_out=tokens_out,
        response_ms=max(response_ms, 0),
    )
    await conn.execute(
        values.on_conflict_do_update(
            index_elements=[_usage.c.company_id, _usage.c.day],
            set_={
                "messages": _usage.c.messages + 1,
                "tokens_in": _usage.c.tokens_in + values.excluded.tokens_in,
                "tokens_out": _usage.c.tokens_out + values.excluded.tokens_out,
                "response_ms": _usage.c.response_ms + values.excluded.response_ms,
            },
        )
    )


async def totals(conn: AsyncConnection, company_id: int, first: date, last: date) -> Totals:
    row = (
        await conn.execute(
            select(
                func.coalesce(func.sum(_usage.c.messages), 0),
                func.coalesce(func.sum(_usage.c.tokens_in), 0),
                func.coalesce(func.sum(_usage.c.tokens_out), 0),
                func.coalesce(func.sum(_usage.c.response_ms), 0),
            ).where(_usage.c.company_id == company_id, _usage.c.day.between(first, last))
        )
    ).one()
    return Totals(*(int(value) for value in row))


async def daily(
    conn: AsyncConnection, company_id: int, first: date, last: date
) -> list[tuple[date, Totals]]:
    """One entry per day from `first` to `last`, zeros where nothing happened."""
    rows = await conn.execute(
        select(
            _usage.c.day,
            _usage.c.messages,
            _usage.c.tokens_in,
            _usage.c.tokens_out,
            _usage.c.response_ms,
        ).where(_usage.c.company_id == company_id, _usage.c.day.between(first, last))
    )
    by_day = {row.day: Totals(*row[1:]) for row in rows}
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [(day, by_day.get(day, Totals())) for day in days]


async def summary(
    conn: AsyncConnection, company_id: int, today: date, limits: Limits, prices: Prices
) -> dict[str, Any]:
    """Today, this week (from Monday) and this month, with the plan's usage in percent."""
    week_start = today - timedelta(days=today.weekday())
    month_start = today.replace(day=1)
    month = await totals(conn, company_id, month_start, today)
    return {
        "today": (await totals(conn, company_id, today, today)).as_json(prices),
        "week": (await totals(conn, company_id, week_start, today)).as_json(prices),
        "month": month.as_json(prices),
        "plan": {
            "monthly_messages": limits.messages,
            "monthly_tokens": limits.tokens,
            "overage": limits.overage,
            "messages_used_pct": _pct(month.messages, limits.messages),
            "tokens_used_pct": _pct(month.tokens, limits.tokens),
        },
    }


def _pct(used: int, quota: int | None) -> float | None:
    return None if not quota else round(100 * used / quota, 1)
