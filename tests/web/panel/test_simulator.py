"""Simulador: the real pipeline answers the operator's messages; nothing reaches WhatsApp."""

from __future__ import annotations

import re
from typing import Any

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.billing.quotas import Quotas, Usage
from domain.conversations.models import Message
from domain.settings import Settings
from tests.fakes.whaticket import FakeWhaticket
from tests.support import reads
from tests.support.factories import Cast, change_plan, configure, whaticket_at
from tests.support.panel import HTMX, htmx_headers, log_in
from tests.support.waiting import eventually


async def test_the_pipeline_answers_the_simulator_and_never_sends(
    client: Any, engine: AsyncEngine, cast: Cast, worker: Any, whaticket: FakeWhaticket
) -> None:
    a = cast.a.company.id
    # Whaticket configured: still nothing may be sent.
    await configure(engine, a, whaticket=whaticket_at(whaticket))
    await log_in(client, cast.member, cast.password)
    page = await (await client.get("/painel/simulador")).get_data(as_text=True)
    assert "Simulador" in page and "Nenhuma mensagem ainda" in page
    headers = await htmx_headers(client, "/painel/simulador")
    sent = await client.post(
        "/painel/simulador/mensagem",
        form={"text": "oi, quero marcar uma consulta"},
        headers=headers,
    )
    assert sent.status_code == 200 and "quero marcar" in await sent.get_data(as_text=True)
    [reply] = await eventually(lambda: reads.outbound(engine, a))
    assert (
        reply.status == "simulated" and reply.source == "offline" and reply.phone.startswith("sim")
    )
    thread = await (await client.get("/painel/simulador?part=thread", headers=HTMX)).get_data(
        as_text=True
    )
    assert reply.body.lstrip("\u200e")[:20] in thread
    assert whaticket.sent == []
    # Simulated conversations stay out of Conversas.
    conversas = await (await client.get("/painel/conversas")).get_data(as_text=True)
    assert "Nenhuma conversa ainda" in conversas

    restarted = await client.post("/painel/simulador/reiniciar", headers=headers)
    assert "Nenhuma mensagem ainda" in await restarted.get_data(as_text=True)
    empty = await client.post("/painel/simulador/mensagem", form={"text": ""}, headers=headers)
    assert empty.status_code == 422


async def test_simulated_replies_are_never_billed_and_a_handoff_is_shown(
    client: Any, engine: AsyncEngine, settings: Settings, redis: Redis, cast: Cast, worker: Any
) -> None:
    a = cast.a.company.id
    await change_plan(engine, a, monthly_messages=2, overage="block")
    await log_in(client, cast.member, cast.password)
    headers = await htmx_headers(client, "/painel/simulador")
    for text in ("oi", "tudo bem?", "quero falar com um atendente"):  # past the plan's 2
        await client.post("/painel/simulador/mensagem", form={"text": text}, headers=headers)
        await eventually(lambda said=text: _replies(engine, a, said))
    # Answered every time (the plan would have blocked a third real message), counted never.
    assert await Quotas(redis, settings.redis_namespace).usage(a) == Usage(0, 0)
    analytics = await (await client.get("/painel/analytics")).get_data(as_text=True)
    assert "0,0 % de 2 neste mês" in analytics and "R$ 0,00" in analytics

    thread = await client.get("/painel/simulador?part=thread", headers=HTMX)
    shown = await thread.get_data(as_text=True)
    assert "Conversa passada para um atendente (o cliente pediu uma pessoa)" in shown
    [talk] = re.findall(r'href="/painel/conversas/(\d+)\?origem=simulacao"', shown)

    customers = await (await client.get("/painel/conversas")).get_data(as_text=True)
    assert "Nenhuma conversa ainda" in customers and f"/painel/conversas/{talk}" not in customers
    simulations = await (await client.get("/painel/conversas?origem=simulacao")).get_data(
        as_text=True
    )
    assert f'href="/painel/conversas/{talk}?origem=simulacao"' in simulations
    assert '<span class="badge simulated">simulação</span>' in simulations
    assert "com uma pessoa" in simulations


async def _replies(engine: AsyncEngine, company_id: int, text: str) -> bool:
    """Whether the simulated message `text` has its reply."""
    asked = await reads.value(engine, Message.id, tenant=company_id, where=(Message.body == text,))
    return asked is not None and any(
        r.reply_to_id == asked for r in await reads.outbound(engine, company_id)
    )


async def test_a_new_conversation_leaves_no_booking_open_and_no_flood_count(
    client: Any, engine: AsyncEngine, settings: Settings, redis: Redis, cast: Cast
) -> None:
    from domain.agenda.flow_state import FlowState
    from domain.conversations.simulator import simulator_phone
    from domain.tenancy.models import User

    a = cast.a.company.id
    await log_in(client, cast.member, cast.password)
    headers = await htmx_headers(client, "/painel/simulador")
    member = await reads.value(engine, User.id, where=User.email == cast.member)
    phone = simulator_phone(member)
    flows = FlowState(redis, settings.redis_namespace)
    await flows.save(a, phone, {"kind": "schedule", "step": "pick", "options": []})
    flood = f"{settings.redis_namespace}:flood:{a}:{phone}"
    await redis.sadd(flood, 1, 2, 3)
    await client.post("/painel/simulador/reiniciar", headers=headers)
    assert await flows.get(a, phone) is None
    assert not await redis.exists(flood)
