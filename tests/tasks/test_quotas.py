"""The plan's quota in the pipeline (P8): past it a blocking plan hands customers to a person
(told once each), an overage plan keeps answering; no message is ever lost."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.settings import Settings
from tasks.messages import process_inbound
from tests.support.factories import MakeCompany
from tests.support.jobs import job_context
from tests.support.webhooks import post_webhook, text_body


async def set_plan(engine: AsyncEngine, slug: str, messages: int, overage: str) -> None:
    async with engine.begin() as conn:
        await conn.execute(
            text("UPDATE plans SET monthly_messages = :m, overage = :o WHERE slug = :s"),
            {"m": messages, "o": overage, "s": f"plan-{slug}"},
        )


async def customer_writes(
    client: Any, engine: AsyncEngine, settings: Settings, company_id: int, n: int, number: str
) -> None:
    """A customer message from `number`, through the webhook and the job."""
    body = text_body(f"q{n}", "quero marcar uma consulta", number=number)
    assert (await post_webhook(client, body)).status_code == 202
    async with engine.connect() as conn:
        message_id = await conn.scalar(
            text(f"SELECT id FROM tenant_{company_id}.messages WHERE external_id = :e"),
            {"e": f"q{n}"},
        )
    await process_inbound(
        job_context(engine, settings), company_id=company_id, message_id=message_id
    )


async def rows(engine: AsyncEngine, company_id: int) -> list[Any]:
    async with engine.connect() as conn:
        result = await conn.execute(
            text(
                f"SELECT direction, status, source, phone FROM tenant_{company_id}.messages ORDER BY id"
            )
        )
        return list(result)


async def test_a_blocking_plan_hands_over_past_its_quota_and_loses_nothing(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    acme = await make_company("acme")
    await set_plan(engine, "acme", messages=2, overage="block")
    company_id = acme.company.id
    maria, joao = "5511911111111", "5511922222222"
    for n, number in enumerate((maria, maria, maria, maria, joao), start=1):
        await customer_writes(client, engine, settings, company_id, n, number)
    stored = await rows(engine, company_id)
    inbound = [r for r in stored if r.direction == "inbound"]
    replies = [(r.source, r.phone) for r in stored if r.direction == "outbound"]
    assert len(inbound) == 5 and all(r.status == "processed" for r in inbound)
    assert replies == [
        ("offline", maria),
        ("offline", maria),
        ("handoff", maria),  # over the quota: told once...
        ("handoff", joao),  # ...each customer
    ]
    async with engine.connect() as conn:
        reasons = list(
            await conn.scalars(
                text(f"SELECT handoff_reason FROM tenant_{company_id}.conversations ORDER BY id")
            )
        )
    assert reasons == ["usage_limit", "usage_limit"]
    metrics_text = (await (await client.get("/metrics")).get_data()).decode()
    assert f'secretaria_usage_quota_blocked_total{{company_id="{company_id}"}} 2.0' in metrics_text


async def test_an_overage_plan_keeps_answering_and_counts_the_overage(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    acme = await make_company("acme")
    await set_plan(engine, "acme", messages=1, overage="allow")
    for n in (1, 2, 3):
        await customer_writes(client, engine, settings, acme.company.id, n, "5511911111111")
    sources = [r.source for r in await rows(engine, acme.company.id) if r.direction == "outbound"]
    assert sources == ["offline", "offline", "offline"]
    metrics_text = (await (await client.get("/metrics")).get_data()).decode()
    assert (
        f'secretaria_usage_overage_messages_total{{company_id="{acme.company.id}"}} 2.0'
        in metrics_text
    )
