"""Pós-Atendimento: the cards, the charts, what customers said, the unanswered follow-ups
with "Reenviar follow-up" (once), filters, as a page and as the live fragment."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.conversations.models import Conversation, Message
from domain.feedback.models import Followup
from domain.settings import Settings
from tests.support.agenda import Clinic
from tests.support.factories import Cast, configure
from tests.support.feedback import followed_up, some_answers
from tests.support.panel import HTMX, htmx_headers, log_in

PAGE = "/painel/pos-atendimento"


@pytest.fixture
async def acme(engine: AsyncEngine, settings: Settings, cast: Cast) -> Clinic:
    """The cast's company A on the local calendar."""
    await configure(engine, cast.a.company.id, agenda={"local": True})
    return Clinic(engine, settings, cast.a.company.id)


async def asked(clinic: Clinic) -> list[Any]:
    """The follow-up questions written (not the replies to the answers)."""
    written = await clinic.rows(Message, order_by=Message.id)
    return [m for m in written if m.source == "followup" and m.reply_to_id is None]


async def test_page_and_fragment_show_cards_charts_answers_and_unanswered(
    client: Any, acme: Clinic, cast: Cast
) -> None:
    await some_answers(client, acme)
    await log_in(client, cast.member, cast.password)
    response = await client.get(PAGE)
    assert response.status_code == 200
    page = await response.get_data(as_text=True)
    assert '<a href="/painel/pos-atendimento" aria-current="page">Pós-Atendimento</a>' in page
    assert "plotly.min.js" in page
    assert re.search(r'id="response-rate">50%<', page)  # 1 answer of 2 sent
    assert re.search(r'id="csat-average">5,00<', page)
    assert "só a partir de 30 respostas" in page
    assert "Foi tudo ótimo, a doutora é um amor" in page and "Dra. Ana Lima" in page
    assert page.count("Reenviar follow-up") == 1  # only the customer who did not answer
    figures = [json.loads(html.unescape(raw)) for raw in re.findall(r"data-figure='([^']*)'", page)]
    assert [f["layout"]["title"]["text"] for f in figures] == [
        "Satisfação por dia (30 dias)",
        "NPS por mês (12 meses)",
    ]
    assert figures[0]["data"][1]["y"][-1] == 5.0
    fragment = await client.get(f"{PAGE}?part=content", headers=HTMX)
    body = await fragment.get_data(as_text=True)
    assert fragment.status_code == 200
    assert "<html" not in body and body.startswith('\n<div id="feedback-content"')
    assert "Foi tudo ótimo" in body


async def test_filters_narrow_the_list_and_bad_ones_are_a_clear_422(
    client: Any, acme: Clinic, cast: Cast
) -> None:
    await some_answers(client, acme)
    await log_in(client, cast.member, cast.password)
    low = await (await client.get(f"{PAGE}?max_score=2")).get_data(as_text=True)
    assert "Foi tudo ótimo" not in low and "Nenhuma resposta no período com estes filtros" in low
    named = await (await client.get(f"{PAGE}?professional=Dra.+Ana+Lima&kind=csat")).get_data(
        as_text=True
    )
    assert "Foi tudo ótimo" in named
    for bad, label in (
        ("min_score=abc", "Nota mínima"),
        ("max_score=11", "Nota máxima"),
        ("since=2026-13-01", "De"),
        ("kind=xyz", "Pergunta"),
        ("since=2026-12-02&until=2026-12-01", "Até"),
        ("min_score=4&max_score=2", "Nota máxima"),
    ):
        refused = await client.get(f"{PAGE}?{bad}")
        assert refused.status_code == 422, bad
        assert f"{label}:" in await refused.get_data(as_text=True), bad


async def test_resend_goes_out_once(client: Any, acme: Clinic, cast: Cast) -> None:
    await some_answers(client, acme)
    await log_in(client, cast.member, cast.password)
    headers = await htmx_headers(client, PAGE)
    [waiting] = [f for f in await acme.rows(Followup) if f.answered_at is None]
    first = await client.post(f"{PAGE}/{waiting.id}/reenviar", headers=headers)
    body = await first.get_data(as_text=True)
    assert first.status_code == 200 and "Follow-up reenviado." in body
    assert "<html" not in body and "reenviado em" in body
    again = await client.post(f"{PAGE}/{waiting.id}/reenviar", headers=headers)
    assert "já foi reenviado uma vez" in await again.get_data(as_text=True)
    sent = await asked(acme)
    assert len(sent) == 3  # two follow-ups and one resend
    assert "Ainda dá tempo de nos contar" in sent[-1].body
    [answered] = [f for f in await acme.rows(Followup) if f.answered_at is not None]
    refused = await client.post(f"{PAGE}/{answered.id}/reenviar", headers=headers)
    assert "já respondeu" in await refused.get_data(as_text=True)


async def test_another_company_sees_none_of_it(client: Any, acme: Clinic, cast: Cast) -> None:
    await some_answers(client, acme)
    await log_in(client, cast.outsider, cast.password)
    page = await (await client.get(PAGE)).get_data(as_text=True)
    assert "Foi tudo ótimo" not in page and "Reenviar follow-up" not in page
    headers = await htmx_headers(client, PAGE)
    [waiting] = [f for f in await acme.rows(Followup) if f.answered_at is None]
    refused = await client.post(f"{PAGE}/{waiting.id}/reenviar", headers=headers)
    assert refused.status_code in (200, 404)
    assert len(await asked(acme)) == 2


async def test_a_complaint_is_flagged_in_conversas_at_once(
    client: Any, acme: Clinic, cast: Cast
) -> None:
    await followed_up(acme)
    await acme.chat(client).say("péssimo")
    [talk] = await acme.rows(Conversation)
    await log_in(client, cast.member, cast.password)
    waiting = await (await client.get("/painel/conversas?status=handoff")).get_data(as_text=True)
    assert f'href="/painel/conversas/{talk.id}"' in waiting  # among those with a person
    page = await (await client.get(f"/painel/conversas/{talk.id}")).get_data(as_text=True)
    assert "Com uma pessoa da equipe (avaliação negativa no pós-atendimento)" in page


async def test_range_and_limit_messages_say_why_in_the_panels_words(
    client: Any, acme: Clinic, cast: Cast
) -> None:
    await log_in(client, cast.member, cast.password)
    for bad, said in (
        ("since=1999-01-01", "De: precisa ser pelo menos 01/01/2000."),
        ("until=2100-01-01", "Até: pode ser no máximo 31/12/2099."),
        ("since=2026-12-02&until=2026-12-01", "Até: a data final é anterior à inicial."),
        ("min_score=4&max_score=2", "Nota máxima: é menor que a nota mínima."),
        ("since=2099-12-31", "De: é depois de hoje (sem a data final, o período termina hoje)."),
    ):
        refused = await client.get(f"{PAGE}?{bad}")
        page = html.unescape(await refused.get_data(as_text=True))
        assert refused.status_code == 422 and said in page, bad


async def test_a_refused_resend_is_a_4xx_with_its_reason(
    client: Any, acme: Clinic, cast: Cast
) -> None:
    await some_answers(client, acme)
    await log_in(client, cast.member, cast.password)
    headers = await htmx_headers(client, PAGE)
    [waiting] = [f for f in await acme.rows(Followup) if f.answered_at is None]
    [answered] = [f for f in await acme.rows(Followup) if f.answered_at is not None]
    assert (await client.post(f"{PAGE}/{waiting.id}/reenviar", headers=headers)).status_code == 200
    for followup_id, status, said in (
        (waiting.id, 409, "Este follow-up já foi reenviado uma vez."),
        (answered.id, 409, "Este cliente já respondeu ao follow-up."),
        (waiting.id + 1000, 404, ""),
    ):
        refused = await client.post(f"{PAGE}/{followup_id}/reenviar", headers=headers)
        body = await refused.get_data(as_text=True)
        # The fragment static/panel.js shows in the page's message area.
        assert refused.status_code == status and "data-panel-error" in body, followup_id
        assert said in body and "<html" not in body
    assert len(await asked(acme)) == 3


async def test_the_intro_says_the_configured_delay(client: Any, acme: Clinic, cast: Cast) -> None:
    await log_in(client, cast.member, cast.password)
    for followup, said in (
        ({}, "1 hora depois de cada atendimento realizado"),
        ({"delay_minutes": 1}, "1 minuto depois de cada atendimento realizado"),
        ({"delay_minutes": 45}, "45 minutos depois de cada atendimento"),
        ({"delay_minutes": 120}, "2 horas depois de cada atendimento"),
        ({"delay_minutes": 90}, "1 h 30 min depois de cada atendimento"),
        ({"delay_minutes": 0}, "Logo após cada atendimento"),
        ({"enabled": False}, "O follow-up está desligado em Configurações"),
    ):
        await configure(acme.engine, acme.id, agenda={"local": True}, followup=followup)
        client.app.extensions["services"].directory.forget()  # as a save in the panel does
        page = await (await client.get(PAGE)).get_data(as_text=True)
        assert said in page, followup
        assert "Uma hora depois" not in page


async def test_nps_counts_agree_in_number_and_negatives_are_csat_only(
    client: Any, acme: Clinic, cast: Cast
) -> None:
    await followed_up(acme, kind="nps")
    await acme.chat(client).say("2")  # a detractor: a negative answer, but not about CSAT
    await log_in(client, cast.member, cast.password)
    page = await (await client.get(PAGE)).get_data(as_text=True)
    assert "1 resposta (0 promotores, 0 neutros, 1 detrator)" in page
    assert "<dt>Negativas</dt><dd>0</dd>" in page  # in the CSAT card


async def test_filtering_puts_the_pages_address_in_the_address_bar(
    client: Any, acme: Clinic, cast: Cast
) -> None:
    await log_in(client, cast.member, cast.password)
    form = "part=content&kind=csat&min_score=&max_score=&since=&until=&professional="
    filtered = await client.get(
        f"{PAGE}?{form}", headers={**HTMX, "HX-Trigger": "feedback-filters"}
    )
    assert filtered.status_code == 200
    assert filtered.headers["HX-Push-Url"] == f"{PAGE}?kind=csat"
    cleared = await client.get(
        f"{PAGE}?part=content&kind=", headers={**HTMX, "HX-Trigger": "feedback-filters"}
    )
    assert cleared.headers["HX-Push-Url"] == PAGE
    # The live update every 30 s changes no address.
    polled = await client.get(f"{PAGE}?part=content&kind=csat", headers=HTMX)
    assert "HX-Push-Url" not in polled.headers
    page = await (await client.get(PAGE)).get_data(as_text=True)
    assert 'hx-push-url="true"' not in page
