"""Delivering an outbound message through Whaticket, one attempt at a time (P5, P6).

A long text goes out as several WhatsApp messages, its parts (P9). Every part sent writes a
delivery log row SENT, and an attempt that fails writes one FAILED_TEMPORARY (retries left) or
FAILED_PERMANENT (exhausted, or not retryable: credentials, unusable number), naming the part.
The message counts the parts that went out, so the next attempt starts at the part that
failed. The job decides the retry schedule; this module only reports what happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NoReturn

from domain.conversations import messages, outbox
from domain.conversations.parts import split_reply
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
    raises DeliveryFailed after logging the failed attempt. A long text goes out as its parts
    (conversations/parts.py), in order, resuming after the parts a failed attempt already
    sent. Each step is its own short transaction on `db`: none is held while Whaticket
    answers."""
    async with db.reading() as conn:
        row = await messages.message(conn, message_id)
    if row is None or row.direction != "outbound" or row.status != "pending":
        return "already"  # a retried job after success, or erased meanwhile
    if not config.configured:
        async with db.transaction() as conn:
            await outbox.set_outbound_status(conn, message_id, "outbox")
        return "outbox"
    parts = split_reply(row.body) or [row.body]
    # A retry after a deploy that cuts the same text into fewer parts: nothing left to send.
    if row.parts_sent >= len(parts):
        async with db.transaction() as conn:
            await outbox.set_outbound_status(conn, message_id, "sent")
    for part in range(row.parts_sent + 1, len(parts) + 1):
        await _send_part(db, client, config, row, attempt, part, parts)
    return "sent"


async def _send_part(
    db: TenantDatabase,
    client: WhaticketClient,
    config: WhaticketConfig,
    row: Any,
    attempt: Attempt,
    part: int,
    parts: list[str],
) -> None:
    """Send part `part` (from 1) of the message and record it; the message is sent after its
    last part. Recording the part in the same transaction as its log row is what lets a
    retry skip it."""
    try:
        sent = await client.send_text(config, db.company_id, row.phone, parts[part - 1])
    except WhaticketError as error:
        await _failed(db, row.id, attempt, part, error)
    metrics.inc(WHATICKET_SUCCESS)
    metrics.observe(WHATICKET_LATENCY, sent.latency_ms / 1000)
    async with db.transaction() as conn:
        await outbox.add_delivery_log(
            conn,
            message_id=row.id,
            attempt=attempt.number,
            part=part,
            status="SENT",
            http_status=sent.status,
            error=None,
            latency_ms=sent.latency_ms,
        )
        await outbox.record_part_sent(conn, row.id, part, last=part == len(parts))


async def _failed(
    db: TenantDatabase, message_id: int, attempt: Attempt, part: int, error: WhaticketError
) -> NoReturn:
    """Log the failed attempt (and give the message up when no retry follows), then raise."""
    permanent = not error.retryable or attempt.last
    metrics.inc(WHATICKET_ERRORS, kind=error.kind)
    async with db.transaction() as conn:
        await outbox.add_delivery_log(
            conn,
            message_id=message_id,
            attempt=attempt.number,
            part=part,
            status="FAILED_PERMANENT" if permanent else "FAILED_TEMPORARY",
            http_status=error.status,
            error=error.message,
            latency_ms=None,
        )
        if permanent:
            await outbox.set_outbound_status(conn, message_id, "failed", error.message)
    raise DeliveryFailed(error, permanent) from error
