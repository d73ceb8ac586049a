"""Jobs for billing: sending a recorded plan alert to the company's alert URL."""

from __future__ import annotations

from typing import Any

from domain.billing import alerts
from domain.db import public_session
from domain.integrations.company_hooks import HookFailed, post_event
from domain.observability.logging import get_logger
from domain.tenancy.models import Company

log = get_logger(__name__)


async def send_usage_alert(
    ctx: dict[str, Any], *, company_id: int, alert_id: int, correlation_id: str = ""
) -> dict[str, Any]:
    """POST one alert (HMAC-signed with the company's webhook secret); SAQ retries failures
    on the P6 ladder. Idempotent: a delivered alert is not sent again."""
    async with public_session(ctx["engine"]) as session:
        company = await session.get(Company, company_id)
        row = await alerts.alert(await session.connection(), alert_id)
    if company is None or row is None:
        return {"outcome": "missing"}
    if row.delivered_at is not None:
        return {"outcome": "already"}
    url = (company.settings or {}).get("alert_url")
    if not url or not company.webhook_secret:
        return {"outcome": "no_alert_url"}  # recorded; the panel shows it
    try:
        status = await post_event(
            ctx["http"], url, company.webhook_secret, alerts.payload(row, company.slug)
        )
    except HookFailed as failure:
        async with ctx["engine"].begin() as conn:
            await alerts.mark_attempt(conn, alert_id, str(failure))
        log.warning("usage_alert_failed", alert_id=alert_id, error=str(failure))
        raise
    async with ctx["engine"].begin() as conn:
        await alerts.mark_attempt(conn, alert_id, None)
    log.info("usage_alert_sent", alert_id=alert_id, status=status)
    return {"outcome": "sent"}
