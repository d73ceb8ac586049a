"""Accepting a Whaticket webhook (W5, W6): decode, read, store durably, then enqueue."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.webhooks.bounds import decode_json, storable
from domain.webhooks.payloads import Ignored, parse_webhook
from domain.webhooks.store import Inbound, MessageStore, insert_message

# (company_id, message_id, correlation_id) -> enqueued? False means "the sweeper will".
Enqueue = Callable[[int, int, str], Awaitable[bool]]


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str  # "accepted" | "duplicate" | "ignored"
    reason: str | None = None
    message_id: int | None = None
    enqueued: bool = False


def decode_body(body: bytes) -> Any:
    """The body's JSON, bounded in depth (see bounds.decode_json), as PostgreSQL can store
    it: text and jsonb cannot hold U+0000, so it is removed."""
    payload = decode_json(body)
    return storable(payload) if b"\\u0000" in body else payload


async def accept_message(
    database: MessageStore | AsyncEngine,
    company_id: int,
    body: bytes,
    *,
    timestamp: str | None,
    correlation_id: str,
    enqueue: Enqueue,
) -> Outcome:
    """Store then enqueue. The row is committed before anything is queued, so once this
    returns "accepted" the message survives any crash; if the queue is unreachable the
    sweeper enqueues it later. `database`: the web's store (group_commit.GroupCommit) or an
    engine."""
    payload = decode_body(body)
    message = parse_webhook(payload)
    if isinstance(message, Ignored):
        return Outcome("ignored", message.reason)
    external_id = message.external_id or _derived_id(timestamp, body)
    row = Inbound(
        external_id=external_id,
        phone=message.phone,
        body=message.text,
        kind=message.kind,
        push_name=message.push_name,
        payload=payload,
        correlation_id=correlation_id,
        wa_timestamp=message.wa_timestamp,
    )
    message_id = await insert_message(database, company_id, row)
    if message_id is None:
        return Outcome("duplicate", "duplicate")
    enqueued = await enqueue(company_id, message_id, correlation_id)
    return Outcome("accepted", message_id=message_id, enqueued=enqueued)


def _derived_id(timestamp: str | None, body: bytes) -> str | None:
    """Bodies without a WhatsApp id (the seed shapes) dedupe on the signed delivery itself:
    the same signature replayed within the window is the same message."""
    if not timestamp:
        return None
    return "sig:" + hashlib.sha256(timestamp.encode() + b"." + body).hexdigest()[:40]
