"""Simulador: the real pipeline answers the operator's messages; nothing reaches WhatsApp."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.fakes.whaticket import FakeWhaticket
from tests.support import reads
from tests.support.factories import Cast, configure, whaticket_at
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
