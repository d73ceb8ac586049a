"""The offline secretary (no Gemini) of a company that saved its secretary's name, hours and
address in Configurações, through the webhook and the inbound job."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.settings import Settings
from tests.support.chat import Chat
from tests.support.factories import MakeCompany, configure
from tests.support.jobs import job_context

SECRETARY = {"name": "Ana", "business_hours": "seg a sex, 8h às 18h", "address": "Rua A, 10"}


async def test_speaks_with_the_saved_settings_even_in_the_middle_of_a_booking(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    acme = (await make_company("acme")).company.id
    await configure(engine, acme, agenda={"local": True}, secretary=SECRETARY)
    chat = Chat(client, engine, job_context(engine, settings), acme)
    assert (await chat.say("oi")).startswith("Olá, Maria! Sou Ana, a secretária virtual da Acme.")
    assert "Tenho estes horários livres" in await chat.say("quero agendar")
    hours = await chat.say("que horas vocês abrem?")
    assert "Nosso horário de atendimento: seg a sex, 8h às 18h." in hours
    assert "Endereço: Rua A, 10." in await chat.say("qual o endereço?")
