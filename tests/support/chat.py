"""A customer writing to a company over WhatsApp, and what the secretary answers: through the
real webhook, then the inbound job (run here, or by a worker the test started)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.conversations.models import Message
from domain.settings import Settings
from tasks.messages import process_inbound
from tests.support.jobs import job_context
from tests.support.reads import outbound, processed, value
from tests.support.waiting import eventually
from tests.support.webhooks import post_webhook, text_body

MARIA = "5511988887777"  # the number `Chat`'s customer writes from


async def customer_writes(client: Any, message_id: str, words: str) -> None:
    """A message to company acme from the customer of the Whaticket fixtures (Maria Souza,
    5511999999999), accepted: a worker will answer it."""
    body = text_body(message_id, words, pushName="Maria Souza")
    assert (await post_webhook(client, body)).status_code == 202


async def replies(engine: AsyncEngine, company_id: int, n: int) -> list[Any] | None:
    """The secretary's replies, once there are at least `n` (for `eventually`)."""
    written = await outbound(engine, company_id)
    return written if len(written) >= n else None


async def customers_write_once(client: Any, engine: AsyncEngine, company_id: int, n: int) -> None:
    """`n` customers (distinct numbers, so anti-flood stays out of it) write to company acme
    once each; returns when every one is answered (a worker must be running)."""
    for i in range(n):
        body = text_body(f"c{i}", "quero marcar uma consulta", number=f"55119{i:08d}")
        assert (await post_webhook(client, body)).status_code == 202

    async def answered() -> bool:
        return len(await outbound(engine, company_id)) == n

    await eventually(answered)


async def delivered(engine: AsyncEngine, company_id: int) -> list[Any]:
    """The company's messages once every one of them was sent (for `eventually`)."""
    written = await outbound(engine, company_id)
    return written if written and all(m.status == "sent" for m in written) else []


async def filed(engine: AsyncEngine, company_id: int, n: int) -> bool:
    """Whether the inbound job has filed exactly `n` customer messages (for `eventually`)."""
    return await processed(engine, company_id) == n


async def a_conversation(
    client: Any, engine: AsyncEngine, settings: Settings, company_id: int
) -> None:
    """One customer message in company acme, filed and answered (offline, outbox)."""
    assert (await post_webhook(client, text_body("c1", "bom dia"))).status_code == 202
    await process_inbound(job_context(engine, settings), company_id=company_id, message_id=1)


@dataclass
class Chat:
    """Maria writing to company acme: each message goes through the webhook and its inbound
    job runs at once, in this task, with `ctx`."""

    client: Any
    engine: AsyncEngine
    ctx: dict[str, Any]
    company_id: int
    phone: str = MARIA
    name: str | None = "Maria Souza"
    sent: int = 0

    async def say(self, words: str, phone: str | None = None) -> str:
        """The customer writes; the job runs; the secretary's reply."""
        self.sent += 1
        external_id = f"f{self.sent}"
        extra = {"pushName": self.name} if self.name else {}
        body = text_body(external_id, words, number=phone or self.phone, **extra)
        assert (await post_webhook(self.client, body)).status_code == 202
        tenant = self.company_id
        said = Message.external_id == external_id
        message_id = await value(self.engine, Message.id, tenant=tenant, where=said)
        await process_inbound(self.ctx, company_id=tenant, message_id=message_id)
        answer = Message.reply_to_id == message_id
        return str(await value(self.engine, Message.body, tenant=tenant, where=answer))
