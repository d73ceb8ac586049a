"""The complaint alert (G7): an unhappy answer is POSTed, HMAC-signed like the plan alerts
(domain/integrations/company_hooks.py), to the company's alert URL by the scheduler, within
seconds. One per follow-up; a failed POST is tried again on the next ticks, then given up
and shown as failed."""

from __future__ import annotations

from typing import Any, cast

import httpx
from sqlalchemy import Table, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.db import bind_tenant
from domain.feedback import store
from domain.feedback.models import Followup
from domain.integrations.company_hooks import HookFailed, post_event
from domain.observability.logging import get_logger
from domain.tenancy.models import Company

log = get_logger(__name__)
_followups = cast(Table, Followup.__table__)
_companies = cast(Table, Company.__table__)
# Ticks are 15 s apart: five tries cover a minute's outage of the company's endpoint.
MAX_ATTEMPTS = 5


def payload(company: Any, followup_id: int, event: Any) -> dict[str, Any]:
    """What the company's alert URL receives."""
    return {
        "event": "feedback.negative",
        "company_id": company.id,
        "company": company.slug,
        "followup_id": followup_id,
        "kind": event.kind,
        "score": event.score,
        "sentiment": event.sentiment,
        "comment": event.comment,
        "customer": event.name,
        "phone": event.phone,
        "appointment_id": event.appointment_id,
        "appointment_start": event.start_at.isoformat() if event.start_at else None,
        "professional": event.professional,
        "created_at": event.created_at.isoformat(),
    }


async def send_pending(
    engine: AsyncEngine, http: httpx.AsyncClient, limit: int = 50
) -> dict[str, int]:
    """POST the complaint alerts not yet delivered; no transaction is held while the company's
    endpoint answers. Each try is claimed first (its attempt counted where it still is what
    was read), so two schedulers never POST the same alert at once."""
    counts = {"sent": 0, "failed": 0, "retry": 0}
    async with engine.connect() as conn:
        pending = await store.pending_alerts(conn, limit)
    for row in pending:
        async with engine.begin() as conn:
            claimed = await conn.execute(
                update(_followups)
                .where(
                    _followups.c.id == row.id,
                    _followups.c.alert == "pending",
                    _followups.c.alert_attempts == row.alert_attempts,
                )
                .values(alert_attempts=row.alert_attempts + 1)
                .returning(_followups.c.id)
            )
            if claimed.first() is None:
                continue
            company = (
                await conn.execute(select(_companies).where(_companies.c.id == row.company_id))
            ).first()
            event = None
            if company is not None:
                event = await store.alert_event(await bind_tenant(conn, row.company_id), row.id)
        state, error = await _post(http, company, row.id, event)
        if state == "pending" and row.alert_attempts + 1 >= MAX_ATTEMPTS:
            state = "failed"
        async with engine.begin() as conn:
            await store.mark_alert(conn, row.id, state, error)
        counts["retry" if state == "pending" else state] += 1
    return counts


async def _post(
    http: httpx.AsyncClient, company: Any | None, followup_id: int, event: Any | None
) -> tuple[str, str | None]:
    """(the alert's next state, the error)."""
    if company is None or event is None:
        return "failed", "gone"
    url = (company.settings or {}).get("alert_url")
    if not url or not company.webhook_secret:
        return "failed", "no_alert_url"  # recorded; the tab shows the complaint anyway
    try:
        await post_event(http, url, company.webhook_secret, payload(company, followup_id, event))
    except HookFailed as failure:
        log.warning("feedback_alert_failed", followup_id=followup_id, error=str(failure))
        return "pending", str(failure)
    log.info("feedback_alert_sent", followup_id=followup_id)
    return "sent", None
