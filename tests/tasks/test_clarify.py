"""Confidence used well (issue 15, item 3): unsure, the secretary asks with the likely options
instead of acting on a guess; the answer, by number or in words, is acted on; and a question
asked together with a booking request is answered before the free times."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.secretary.clarify import OPENING, chosen, question
from domain.secretary.nlu import Analysis, analyse
from domain.settings import Settings
from tests.support.chat import Chat
from tests.support.factories import MakeCompany, configure
from tests.support.jobs import job_context


def test_an_unsure_reading_with_an_action_among_it_asks() -> None:
    unsure = Analysis("cancel", 0.45, "neutral", ("cancel", "reschedule"))
    asked = question(unsure)
    assert asked is not None and asked.startswith(OPENING)
    assert "1. Cancelar um horário" in asked and "2. Remarcar um horário que já tenho" in asked
    assert question(Analysis("cancel", 0.9, "neutral", ("cancel",))) is None
    # Unsure between small talk and a question: nothing is acted on, nothing to ask.
    assert question(Analysis("other", 0.4, "neutral", ("other", "greeting", "support"))) is None


def test_the_answer_to_the_question_is_read_back() -> None:
    asked = question(Analysis("cancel", 0.45, "neutral", ("cancel", "reschedule", "support")))
    assert asked is not None
    for answer, intent in (
        ("1", "cancel"),
        ("2", "reschedule"),
        ("a segunda", "reschedule"),
        ("opção 3", "support"),
        ("o primeiro!", "cancel"),
    ):
        assert chosen(asked, answer) == intent, answer
    assert chosen(asked, "4") is None
    assert chosen("Tenho estes horários livres:\n1. seg", "1") is None


@pytest.fixture
async def chat(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> Chat:
    """Maria writing to acme, which books in its local calendar."""
    acme = (await make_company("acme")).company.id
    await configure(engine, acme, agenda={"local": True})
    return Chat(client, engine, job_context(engine, settings), acme)


async def test_unsure_it_asks_and_the_number_is_acted_on(chat: Chat) -> None:
    vague = "minha consulta de quinta"
    assert analyse(vague).confidence < 0.5
    asked = await chat.say(vague)
    assert asked.startswith(OPENING) and "Remarcar" in asked and "Cancelar" in asked
    options = [line for line in asked.splitlines() if line[:2] in ("1.", "2.", "3.")]
    pick = next(line[0] for line in options if "Remarcar" in line)
    answer = await chat.say(pick)
    # Acted on as "quero remarcar meu horário": Maria has none, and is told so.
    assert OPENING not in answer
    assert "remarc" in answer.lower() or "horário" in answer.lower()


async def test_a_question_with_a_booking_request_is_answered_first(chat: Chat) -> None:
    answer = await chat.say("quanto custa a consulta? queria marcar pra essa semana")
    said, _, times = answer.partition("Tenho estes horários livres")
    assert times, answer  # the free times come…
    assert "não tenho" in said.lower()  # …after the honest answer about the price


async def test_a_bare_day_after_the_secretary_invites_a_booking_is_booked(chat: Chat) -> None:
    assert "Tenho estes horários livres" in await chat.say("quero agendar")
    assert "Agendar" in await chat.say("sair")  # the menu: no flow open now
    # Alone, "quinta de manhã" reads a little like moving a booking; after the invitation it
    # is a day for a new one.
    answer = await chat.say("quinta de manhã")
    assert "Não encontrei nenhum horário marcado" not in answer
    assert "Quinta" in answer or "quinta" in answer


async def test_a_surname_that_is_a_command_word_is_still_a_name(chat: Chat) -> None:
    chat.name = None  # no WhatsApp name: the secretary asks for it
    offer = await chat.say("quero agendar")
    assert "Tenho estes horários livres" in offer
    assert "nome" in await chat.say("1")
    booked = await chat.say("Pedro Cancela Souza")
    assert booked.startswith("Pronto, Pedro!"), booked


async def test_a_price_question_with_a_day_to_book_gets_both(chat: Chat) -> None:
    answer = await chat.say(
        "Boa tarde! Gostaria de saber o preço da avaliação e já agendar para segunda de manhã, se possível."
    )
    assert OPENING not in answer
    said, _, times = answer.partition("Tenho estes horários livres")
    assert times and "não tenho" in said.lower(), answer
