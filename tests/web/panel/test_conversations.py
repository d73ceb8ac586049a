"""Conversas: list and thread as full pages and htmx fragments, live tokens, take over / give
back, and an operator's reply going out through Whaticket."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.conversations.models import Conversation, DeliveryLog
from domain.operations.models import AuditLog
from domain.settings import Settings
from tasks.messages import process_inbound
from tests.fakes.whaticket import FakeWhaticket
from tests.support import factories, reads
from tests.support.chat import a_conversation
from tests.support.factories import Cast, configure, whaticket_at
from tests.support.jobs import job_context
from tests.support.panel import HTMX, log_in, logged_in
from tests.support.waiting import eventually
from tests.support.webhooks import post_webhook, text_body


async def test_list_and_thread_render_as_pages_and_fragments(
    client: Any, engine: AsyncEngine, settings: Settings, cast: Cast
) -> None:
    await a_conversation(client, engine, settings, cast.a.company.id)
    headers = await logged_in(client, cast.member, cast.password, "/painel/conversas")
    page = await (await client.get("/painel/conversas/1")).get_data(as_text=True)
    assert "<html" in page and 'aria-current="page"' in page and "Conversas" in page
    assert "bom dia" in page and "robô" in page and "aguardando Whaticket" in page

    fragment = await client.get("/painel/conversas?part=list", headers=HTMX)
    body = await fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in body and 'id="conversation-list"' in body
    token = re.search(r"token=([0-9.]+)", body).group(1)
    unchanged = await client.get(f"/painel/conversas?part=list&token={token}", headers=HTMX)
    assert unchanged.status_code == 204  # polling is cheap when nothing changed
    await post_webhook(client, text_body("c2", "ainda aí?"))
    await process_inbound(job_context(engine, settings), company_id=cast.a.company.id, message_id=3)
    changed = await client.get(f"/painel/conversas/1?part=thread&token={token}", headers=headers)
    assert changed.status_code == 200 and "ainda aí?" in await changed.get_data(as_text=True)


async def test_take_over_and_give_back_from_the_thread(
    client: Any, engine: AsyncEngine, settings: Settings, cast: Cast
) -> None:
    await a_conversation(client, engine, settings, cast.a.company.id)
    headers = await logged_in(client, cast.member, cast.password, "/painel/conversas")
    taken = await client.post("/painel/conversas/1/assumir", headers=headers)
    body = await taken.get_data(as_text=True)
    assert (
        taken.status_code == 200
        and "Com uma pessoa da equipe" in body
        and "Devolver ao robô" in body
    )
    given = await client.post("/painel/conversas/1/devolver", headers=headers)
    assert "Assumir conversa" in await given.get_data(as_text=True)
    no_csrf = await client.post("/painel/conversas/1/assumir", headers=HTMX)
    assert no_csrf.status_code == 403


async def test_an_operator_reply_goes_out_through_whaticket_and_takes_the_conversation(
    client: Any,
    engine: AsyncEngine,
    settings: Settings,
    cast: Cast,
    worker: Any,
    whaticket: FakeWhaticket,
) -> None:
    await configure(engine, cast.a.company.id, whaticket=whaticket_at(whaticket))
    await post_webhook(client, text_body("o1", "bom dia"))
    await eventually(lambda: _sent(whaticket, 1))
    headers = await logged_in(client, cast.member, cast.password, "/painel/conversas")
    sent = await client.post(
        "/painel/conversas/1/responder",
        form={"text": "Oi! Aqui é a Ana, da recepção."},
        headers=headers,
    )
    assert sent.status_code == 200
    [_bot, mine] = await eventually(lambda: _sent(whaticket, 2))
    assert mine.lstrip("\u200e").startswith("Oi! Aqui é a Ana")
    [talk] = await reads.rows(engine, Conversation, tenant=cast.a.company.id)
    actions = await reads.values(engine, AuditLog.action, tenant=cast.a.company.id)
    assert (talk.status, talk.handoff_reason) == ("handoff", "operator")
    assert actions == ["conversation.handoff", "message.operator_reply"]
    empty = await client.post("/painel/conversas/1/responder", form={"text": " "}, headers=headers)
    assert empty.status_code == 422


async def _sent(fake: FakeWhaticket, n: int) -> list[str] | None:
    return [p["body"] for p in fake.sent] if len(fake.sent) >= n else None


async def test_another_company_cannot_open_the_conversation(
    client: Any, engine: AsyncEngine, settings: Settings, cast: Cast
) -> None:
    await a_conversation(client, engine, settings, cast.a.company.id)
    await log_in(client, cast.outsider, cast.password)
    assert (await client.get("/painel/conversas/1")).status_code == 404
    page = await (await client.get("/painel/conversas")).get_data(as_text=True)
    assert "Nenhuma conversa ainda" in page


async def test_replies_a_configured_whaticket_does_not_take_are_told_in_portuguese(
    client: Any, engine: AsyncEngine, cast: Cast, whaticket: FakeWhaticket
) -> None:
    a = cast.a.company.id
    await configure(engine, a, whaticket=whaticket_at(whaticket))
    talk = await factories.conversation(engine, a, await factories.contact(engine, a))
    unreachable = "Whaticket unreachable: ConnectError('[Errno -2] Name or service not known')"

    async def reply(body: str, **columns: Any) -> int:
        said = await factories.message(engine, a, talk, "oi")
        return await factories.message(engine, a, talk, body, reply_to=said, **columns)

    retrying = await reply("Olá!", status="pending", source="reminder")
    given_up = await reply("Até logo", status="failed", error=unreachable)
    sent = await reply("Tudo certo", status="sent")
    for message_id, outcome in (
        (retrying, "FAILED_TEMPORARY"),
        (retrying, "FAILED_TEMPORARY"),
        (given_up, "FAILED_PERMANENT"),
        (sent, "FAILED_TEMPORARY"),  # failed once, then went out: nothing to warn about
        (sent, "SENT"),
    ):
        await factories.add(
            engine, DeliveryLog, tenant=a, message_id=message_id, attempt=1, status=outcome
        )
    await log_in(client, cast.member, cast.password)
    page = await (await client.get(f"/painel/conversas/{talk}")).get_data(as_text=True)
    assert "2 respostas não chegaram ao Whaticket: confira o endereço em" in page
    # The source and the failure in Portuguese, not the code's words.
    assert "lembrete" in page and "reminder" not in page
    assert "Whaticket inacessível (endereço não encontrado)" in page and "Errno" not in page


async def test_each_filter_says_what_it_lacks_and_a_simulation_shows_its_customer(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    a = cast.a.company.id
    await log_in(client, cast.member, cast.password)
    empty = await (await client.get("/painel/conversas?status=handoff")).get_data(as_text=True)
    assert "Nenhuma conversa com uma pessoa da equipe agora" in empty
    assert "Quando um cliente escrever" not in empty
    empty = await (await client.get("/painel/conversas?status=open")).get_data(as_text=True)
    assert "Nenhuma conversa com o robô agora" in empty
    for phone, name in (("sim1", "Simulador"), ("sim2", "Joana Pereira")):
        contact = await factories.contact(engine, a, phone=phone, name=name)
        await factories.conversation(engine, a, contact)
    listed = await (await client.get("/painel/conversas?origem=simulacao")).get_data(as_text=True)
    assert "Cliente simulado" in listed and "Joana Pereira" in listed
    assert "<strong>Simulador</strong>" not in listed
