"""Jobs for inbound WhatsApp messages."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from domain.conversations.service import file_inbound_message
from domain.conversations.store import mark_failed
from domain.db import bind_tenant
from domain.observability.logging import get_logger

log = get_logger(__name__)


async def process_inbound(
    ctx: dict[str, Any], *, company_id: int, message_id: int, correlation_id: str = ""
) -> dict[str, Any]:
    """File one stored message into its contact and conversation (idempotent)."""
    async with ctx["engine"].begin() as conn:
        filed = await file_inbound_message(await bind_tenant(conn, company_id), message_id)
    log.info(
        "inbound_filed",
        outcome=filed.outcome,
        message_id=message_id,
        conversation_id=filed.conversation_id,
    )
    return {"outcome": filed.outcome, "conversation_id": filed.conversation_id}


async def on_dead_inbound(conn: AsyncConnection, kwargs: dict[str, Any], error: str) -> None:
    """The message's job is in the dead-letter queue: stop the sweeper from retrying it."""
    tenant = await bind_tenant(conn, kwargs["company_id"])
    await mark_failed(tenant, kwargs["message_id"], error)
