"""Writing the secretary's reply to an inbound message (the pipeline's compose + persist)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.conversations import store
from domain.db import tenant_engine
from domain.secretary.offline import offline_reply


async def prepare_reply(
    engine: AsyncEngine, company_id: int, inbound_id: int, company_name: str
) -> int | None:
    """The id of the outbound reply waiting for delivery, writing it if needed; None when
    nothing is to be sent (handed off to a human, or already delivered).

    Idempotent: the reply is unique per inbound message, so a retried job reuses it.
    """
    async with tenant_engine(engine, company_id).begin() as conn:
        existing = await store.reply_for(conn, inbound_id)
        if existing is not None:
            return int(existing.id) if existing.status == "pending" else None
        inbound = await store.message(conn, inbound_id)
        if inbound is None or inbound.conversation_id is None:
            return None
        if await store.conversation_status(conn, inbound.conversation_id) == "handoff":
            return None  # a person is answering this contact; the bot stays quiet
        body = offline_reply(inbound.body, inbound.kind, inbound.push_name, company_name)
        return await store.insert_reply(conn, inbound, body, "offline", inbound.correlation_id)
