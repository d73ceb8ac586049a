"""The plan's quota in the pipeline (P8): past it a blocking plan hands customers to a person
(told once each), an overage plan keeps answering; no message is ever lost."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.conversations.models import Conversation, Message
from domain.settings import Settings
from tests.support import reads
from tests.support.chat import Chat
from tests.support.factories import MakeCompany
from tests.support.jobs import job_context


async def customers_write(
    client: Any, engine: AsyncEngine, settings: Settings, company_id: int, *numbers: str
) -> None:
    """Each number writes "quero marcar uma consulta", through the webhook and the job."""
    chat = Chat(client, engine, job_context(engine, settings), company_id, name=None)
    for number in numbers:
        await chat.say("quero marcar uma consulta", phone=number)


async def test_a_blocking_plan_hands_over_past_its_quota_and_loses_nothing(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    acme = await make_company("acme", monthly_messages=2, overage="block")
    company_id = acme.company.id
    maria, joao = "5511911111111", "5511922222222"
    await customers_write(client, engine, settings, company_id, maria, maria, maria, maria, joao)
    stored = await reads.rows(engine, Message, tenant=company_id)
    inbound = [r for r in stored if r.direction == "inbound"]
    replies = [(r.source, r.phone) for r in stored if r.direction == "outbound"]
    assert len(inbound) == 5 and all(r.status == "processed" for r in inbound)
    assert replies == [
        ("offline", maria),
        ("offline", maria),
        ("handoff", maria),  # over the quota: told once...
        ("handoff", joao),  # ...each customer
    ]
    reasons = await reads.values(engine, Conversation.handoff_reason, tenant=company_id)
    assert reasons == ["usage_limit", "usage_limit"]
    metrics_text = (await (await client.get("/metrics")).get_data()).decode()
    assert f'secretaria_usage_quota_blocked_total{{company_id="{company_id}"}} 2.0' in metrics_text


async def test_an_overage_plan_keeps_answering_and_counts_the_overage(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    acme = await make_company("acme", monthly_messages=1, overage="allow")
    await customers_write(client, engine, settings, acme.company.id, *["5511911111111"] * 3)
    sources = [r.source for r in await reads.outbound(engine, acme.company.id)]
    assert sources == ["offline", "offline", "offline"]
    metrics_text = (await (await client.get("/metrics")).get_data()).decode()
    assert (
        f'secretaria_usage_overage_messages_total{{company_id="{acme.company.id}"}} 2.0'
        in metrics_text
    )
