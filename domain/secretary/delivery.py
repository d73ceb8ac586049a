"""Delivering an outbound message through Whaticket, one attempt at a time (P5, P6).

Every attempt writes a delivery log row: SENT, FAILED_TEMPORARY (retries left) or
FAILED_PERMANENT (exhausted, or not retryable: credentials, unusable number). The job decides
the retry schedule; this module only reports what happened.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.conversations import messages, outbox
from domain.db import TenantDatabase
from domain.integrations.whaticket import WhaticketClient, WhaticketConfig, WhaticketError
from domain.observability.metrics import (
    WHATICKET_ERRORS,
    WHATICKET_LATENCY,
    WHATICKET_SUCCESS,
    metrics,
)


class DeliveryFailed(Exception):
    def __init__(self, error: WhaticketError, permanent: bool) -> None:
        super().__init__(error.message)
        self.error, self.permanent = error, permanent


@dataclass(frozen=True)
class Attempt:
    number: int  # 1 for the first try
    last: bool  # no retry would follow a failure


async def deliver(
    db: TenantDatabase,
    client: WhaticketClient,
    config: WhaticketConfig,
    message_id: int,
    attempt: Attempt,
) -> str:
    """ "sent", "outbox" (Whaticket not configured), or "already" (nothing left to do);
    raises DeliveryFailed after logging the failed attempt. Each step is its own short
    transaction on `db`: none is held while Whaticket answers."""
    async with db.reading() as conn:
        row = await messages.message(conn, message_id)
    if row is None or row.direction != "outbound" or row.status != "pending":
        return "already"  # a retried job after success, or erased meanwhile
    if not config.configured:
        async with db.transaction() as conn:
            await outbox.set_outbound_status(conn, message_id, "outbox")
        return "outbox"
    try:
        sent = await client.send_text(config, db.company_id, row.phone, row.body)
    except WhaticketError as error:
        permanent = not error.retryable or attempt.last
        metrics.inc(WHATICKET_ERRORS, kind=error.kind)
        async with db.transaction() as conn:
            await outbox.add_delivery_log(
                conn,
                message_id=message_id,
                attempt=attempt.number,
                status="FAILED_PERMANENT" if permanent else "FAILED_TEMPORARY",
                http_status=error.status,
                error=error.message,
                latency_ms=None,
            )
            if permanent:
                await outbox.set_outbound_status(conn, message_id, "failed", error.message)
        raise DeliveryFailed(error, permanent) from error
    metrics.inc(WHATICKET_SUCCESS)
    metrics.observe(WHATICKET_LATENCY, sent.latency_ms / 1000)
    async with db.transaction() as conn:
        await outbox.add_delivery_log(
            conn,
            message_id=message_id,
            attempt=attempt.number,
            status="SENT",
            http_status=sent.status,
            error=None,
            latency_ms=sent.latency_ms,
        )
        await outbox.set_outbound_status(conn, message_id, "sent")
    return "sent"
