"""Cron jobs of the no-show risk (issue 18): every night each company's model is retrained
when its history changed and its upcoming appointments rescored; every hour the upcoming
ones are scored with the model already trained (so a new booking has a risk within the
hour). Both are idempotent (domain/insights/service.py) and train off the event loop."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from domain.db import bind_tenant
from domain.insights.service import refresh
from domain.observability.logging import get_logger
from domain.tenancy.store import company_ids

log = get_logger(__name__)


async def retrain_no_show_models(ctx: dict[str, Any]) -> dict[str, int]:
    return await _refresh_all(ctx, retrain=True)


async def score_upcoming(ctx: dict[str, Any]) -> dict[str, int]:
    return await _refresh_all(ctx, retrain=False)


async def _refresh_all(ctx: dict[str, Any], *, retrain: bool) -> dict[str, int]:
    """Each company in its own transaction: one company's failure (logged) leaves the
    others' models and scores done."""
    engine = ctx["engine"]
    async with engine.connect() as conn:
        ids = await company_ids(conn)
    totals: Counter[str] = Counter()
    for company_id in ids:
        profile = await ctx["companies"].profile(company_id)
        if profile is None:
            continue
        try:
            async with engine.begin() as conn:
                done = await refresh(
                    await bind_tenant(conn, company_id),
                    company_id,
                    ZoneInfo(profile.timezone),
                    datetime.now(UTC),
                    retrain=retrain,
                )
        except Exception:
            log.exception("no_show_refresh_failed", company_id=company_id)
            totals["failed"] += 1
            continue
        totals["trained"] += done.trained
        totals["scored"] += done.scored
    if totals["trained"] or totals["failed"]:
        log.info("no_show_models_refreshed", **totals)
    return dict(totals)
