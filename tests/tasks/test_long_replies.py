"""A long reply reaches the customer as several WhatsApp messages (P9): in order, a numbered
list in one message, each part sent once even when Whaticket fails halfway and the delivery
job retries."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.conversations import store
from domain.conversations.models import DeliveryLog
from domain.db import bind_tenant
from tests.fakes.gemini import FakeGemini
from tests.fakes.whaticket import FakeWhaticket
from tests.support import reads
from tests.support.chat import delivered
from tests.support.factories import configure, gemini_at, whaticket_at
from tests.support.waiting import eventually
from tests.support.webhooks import accept

MARKER = "\u200e"  # what Whaticket needs to recognise our own messages' echo

OPENING = " ".join(
    f"A Dra. Ana Lima atende {day} das 8h às 12h e das 13.30 às 18h, com retorno em até trinta "
    "dias sem custo adicional no local."
    for day in (
        "às segundas",
        "às terças",
        "às quartas",
        "às quintas",
        "às sextas",
        "aos sábados",
        "nos feriados",
    )
)
LISTING = "Os valores são estes:\n" + "\n".join(
    f"{n}. {name}: R$ {price},00 (pagamento no dia da consulta, por Pix, cartão ou boleto)."
    for n, (name, price) in enumerate(
        [
            ("Consulta de rotina", 250),
            ("Consulta com exames", "1.200"),
            ("Retorno fora do prazo", 180),
            ("Teleconsulta", 200),
            ("Avaliação pré-operatória", 400),
            ("Atestado e relatório", 120),
            ("Visita domiciliar", 600),
            ("Pacote de três consultas", 650),
        ],
        start=1,
    )
)
CLOSING = " ".join(
    f"Para {what}, responda esta mensagem com o dia que prefere e a Dra. Ana confirma em "
    "seguida pelo WhatsApp mesmo, sem precisar ligar para a recepção {{nome}}."
    for what in ("marcar", "remarcar", "cancelar", "pedir um recibo", "mandar exames", "o resto")
)
REPLY = f"{OPENING}\n\n{LISTING}\n\n{CLOSING}"


async def test_a_long_reply_arrives_as_ordered_messages_with_the_list_whole(
    client: Any,
    acme_on_gemini: Any,
    engine: AsyncEngine,
    worker: Any,
    gemini: FakeGemini,
    whaticket: FakeWhaticket,
) -> None:
    assert 2500 <= len(REPLY) <= 2700
    acme = await _on_whaticket(acme_on_gemini, engine, gemini, whaticket)
    await accept(client)
    [reply] = await eventually(lambda: delivered(engine, acme))
    assert reply.body == REPLY and reply.parts_sent == len(whaticket.sent) == 3
    bodies = [sent["body"] for sent in whaticket.sent]
    assert all(body.startswith(MARKER) and len(body) <= 1000 + 20 for body in bodies)
    assert bodies[0] == MARKER + OPENING
    assert LISTING in bodies[1] and sum(LISTING.split("\n")[1] in b for b in bodies) == 1
    assert "{\u200b{nome}\u200b}" in bodies[2] and "{{" not in bodies[2]  # Mustache neutralised
    words = " ".join(bodies).replace(MARKER, "").replace("\u200b", "").split()
    assert words == REPLY.split()
    assert await _logs(engine, acme) == [(1, 1, "SENT"), (1, 2, "SENT"), (1, 3, "SENT")]


async def test_a_failure_on_part_two_resumes_at_part_two_and_sends_part_one_once(
    client: Any,
    acme_on_gemini: Any,
    engine: AsyncEngine,
    worker: Any,
    gemini: FakeGemini,
    whaticket: FakeWhaticket,
    no_waiting: None,
) -> None:
    acme = await _on_whaticket(acme_on_gemini, engine, gemini, whaticket)
    whaticket.script += [None, (502, {"error": "Bad gateway"})]  # part 1 passes, part 2 fails
    await accept(client)
    [reply] = await eventually(lambda: delivered(engine, acme))
    bodies = [sent["body"] for sent in whaticket.sent]
    assert len(bodies) == 3 and bodies[0] == MARKER + OPENING
    assert len(set(bodies)) == 3 and LISTING in bodies[1]
    assert await _logs(engine, acme) == [
        (1, 1, "SENT"),
        (1, 2, "FAILED_TEMPORARY"),
        (2, 2, "SENT"),
        (2, 3, "SENT"),
    ]
    async with engine.connect() as raw:  # what the panel's thread shows: two tries, not four
        [shown] = [
            m
            for m in await store.thread(await bind_tenant(raw, acme), reply.conversation_id)
            if m.id == reply.id
        ]
    assert shown.status == "sent" and shown.delivery_attempts == 2


async def _on_whaticket(
    acme: Any, engine: AsyncEngine, gemini: FakeGemini, whaticket: FakeWhaticket
) -> int:
    """Acme answering through the fake Gemini (with REPLY) and sending through the fake
    Whaticket; its company id."""
    gemini.reply = REPLY
    company_id = int(acme.company.id)
    await configure(
        engine, company_id, gemini=gemini_at(gemini.url), whaticket=whaticket_at(whaticket)
    )
    return company_id


async def _logs(engine: AsyncEngine, company_id: int) -> list[tuple[int, int, str]]:
    """(attempt, part, status) of each delivery log row, in order."""
    logs = await reads.rows(
        engine,
        DeliveryLog.attempt,
        DeliveryLog.part,
        DeliveryLog.status,
        tenant=company_id,
        order_by=DeliveryLog.id,
    )
    return [(log.attempt, log.part, log.status) for log in logs]
