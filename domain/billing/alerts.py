"""Plan alerts (T3): 80 % and 100 % of a monthly quota, recorded once per company, period,
metric and threshold, then POSTed (HMAC-signed) to the company's alert URL by a job."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from domain.billing.models import UsageAlert
from domain.billing.quotas import Limits, Usage

THRESHOLDS = (80, 100)

_alerts = cast(Table, UsageAlert.__table__)


def crossed(used: int, quota: int | None) -> list[int]:
    """The thresholds `used` has reached (integer arithmetic: no float rounding at 80 %)."""
    if not quota:
        return []
    return [t for t in THRESHOLDS if used * 100 >= quota * t]


class AlertRecorder:
    """Records alerts in PostgreSQL (the truth) behind a Redis marker, so that once a
    threshold is recorded the messages after it cost one Redis GET, not an INSERT."""

    def __init__(self, engine: AsyncEngine, redis: Any, namespace: str) -> None:
        self._engine = engine
        self._redis = redis
        self._ns = namespace

    async def check(self, company_id: int, period: str, usage: Usage, limits: Limits) -> list[int]:
        """Ids of the alerts recorded now (to send); [] when none is new."""
        new: list[int] = []
        for metric, used, quota in (
            ("messages", usage.messages, limits.messages),
            ("tokens", usage.tokens, limits.tokens),
        ):
            for threshold in crossed(used, quota):
                assert quota is not None
                marker = f"{self._ns}:alert:{company_id}:{period}:{metric}:{threshold}"
                if await self._redis.exists(marker):
                    continue
                async with self._engine.begin() as conn:
                    alert_id = await record(
                        conn, company_id, period, metric, threshold, used, quota
                    )
                await self._redis.set(marker, 1, ex=40 * 24 * 3600)
                if alert_id is not None:
                    new.append(alert_id)
        return new


async def record(
    conn: AsyncConnection,
    company_id: int,
    period: str,
    metric: str,
    threshold: int,
    used: int,
    quota: int,
) -> int | None:
    """The new alert's id, or None when this threshold was already recorded this period."""
    created = await conn.execute(
        insert(_alerts)
        .values(
            company_id=company_id,
            period=period,
            metric=metric,
            threshold=threshold,
            used=used,
            quota=quota,
        )
        .on_conflict_do_nothing(
            index_elements=[
                _alerts.c.company_id,
                _alerts.c.period,
                _alerts.c.metric,
                _alerts.c.threshold,
            ]
        )
        .returning(_alerts.c.id)
    )
    return created.scalar()


async def alert(conn: AsyncConnection, alert_id: int) -> Any | None:
    return (await conn.execute(select(_alerts).where(_alerts.c.id == alert_id))).first()


async def mark_attempt(conn: AsyncConnection, alert_id: int, error: str | None) -> None:
    values: dict[str, Any] = {"attempts": _alerts.c.attempts + 1, "last_error": error}
    if error is None:
        values["delivered_at"] = func.now()
    await conn.execute(update(_alerts).where(_alerts.c.id == alert_id).values(**values))


def payload(row: Any, slug: str) -> dict[str, Any]:
    """What the company's alert URL receives."""
    return {
        "event": "usage.threshold",
        "alert_id": row.id,
        "company_id": row.company_id,
        "company": slug,
        "period": row.period,
        "metric": row.metric,
        "threshold": row.threshold,
        "used": row.used,
        "quota": row.quota,
        "created_at": row.created_at.isoformat(),
    }


async def alerts_of(conn: AsyncConnection, company_id: int, period: str) -> list[Any]:
    query = (
        select(_alerts)
        .where(_alerts.c.company_id == company_id, _alerts.c.period == period)
        .order_by(_alerts.c.id)
    )
    return list(await conn.execute(query))
