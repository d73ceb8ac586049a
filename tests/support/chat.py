"""A customer writing to a company over WhatsApp, and what the secretary answers: through the
real webhook, then the inbound job (run here, or by a worker the test started)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.settings import Settings
from tasks.messages import process_inbound
from tests.support.jobs import job_context
from tests.support.webhooks import post_webhook, text_body

MARIA = "5511988887777"  # the customer of `Chat`


async def customer_writes(client: Any, message_id: str, words: str) -> None:
    """Maria Souza's message to company acme, accepted (a worker will answer it)."""
    body = text_body(message_id, words, pushName="Maria Souza")
    assert (await post_webhook(client, body)).status_code == 202


async def replies(engine: AsyncEngine, company_id: int, n: int) -> list[Any] | None:
    """The secretary's replies, once there are at least `n` (for `eventually`)."""
    async with engine.connect() as conn:
        rows = list(
            await conn.execute(
                text(
                    f"SELECT body, source, tokens_in, tokens_out, status FROM tenant_{company_id}.messages "
                    "WHERE direction = 'outbound' ORDER BY id"
                )
            )
        )
    return rows if len(rows) >= n else None


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
        await post_webhook(self.client, body)
        async with self.engine.connect() as conn:
            message_id = await conn.scalar(
                text(f"SELECT id FROM tenant_{self.company_id}.messages WHERE external_id = :e"),
                {"e": external_id},
            )
        await process_inbound(self.ctx, company_id=self.company_id, message_id=message_id)
        async with self.engine.connect() as conn:
            return str(
                await conn.scalar(
                    text(
                        f"SELECT body FROM tenant_{self.company_id}.messages WHERE reply_to_id = :m"
                    ),
                    {"m": message_id},
                )
            )
