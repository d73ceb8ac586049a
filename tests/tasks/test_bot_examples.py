"""Every example the secretary gives in its own messages works (issue 14): the quoted examples
and menu numbers are read from its replies, and each is written back by a customer at the
point where it was given."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.settings import Settings
from tests.support.chat import Chat
from tests.support.factories import MakeCompany, configure
from tests.support.jobs import job_context

QUOTED = re.compile(r'"([^"]+)"')
NOT_UNDERSTOOD = ("Não encontrei esse horário", "Não entendi", "não consegui entender")
MENU = re.compile(r"^(\d)\. ", re.M)
EVERY_DAY = {
    "local": True,
    "country": "",
    "hours": {day: ["07:00-21:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
}
# What each example must lead to.
LEADS_TO = {
    "menu": "Posso ajudar com:",
    "atendente": "Vou chamar uma pessoa",
    "quero agendar": "Tenho estes horários livres",
    "quero cancelar": "Não encontrei nenhum horário marcado",
    "ver mais": "Mais horários livres",
}


class Customers:
    """A new customer (a number of their own) for each example."""

    def __init__(self, chat: Chat) -> None:
        self.chat, self.count = chat, 0

    def next(self) -> str:
        self.count += 1
        return f"55119{self.count:08d}"


async def clinic_chat(
    make_company: MakeCompany, engine: AsyncEngine, settings: Settings, client: Any
) -> tuple[int, Chat]:
    acme = (await make_company("acme")).company.id
    await configure(engine, acme, agenda=EVERY_DAY)
    ctx = job_context(engine, settings.model_copy(update={"flood_max_per_minute": 500}))
    return acme, Chat(client, engine, ctx, acme)


def works(example: str, reply: str) -> None:
    assert not any(bad in reply for bad in NOT_UNDERSTOOD), (example, reply)
    if example in LEADS_TO:
        assert LEADS_TO[example] in reply, (example, reply)
    else:  # a time asked for: confirmed, offered, or honestly not there with the nearest
        assert "Posso marcar" in reply or "horários livres" in reply or "Não tenho" in reply, (
            example,
            reply,
        )


async def test_the_examples_in_the_booking_messages_work(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    _, chat = await clinic_chat(make_company, engine, settings, client)
    customers = Customers(chat)
    first = customers.next()
    offer = await chat.say("quero agendar", first)
    again = await chat.say("xyz 123", first)
    stuck = await chat.say("abc 456", first)
    left_phone = customers.next()
    await chat.say("quero agendar", left_phone)
    left = await chat.say("sair", left_phone)
    examples = {e for text in (offer, again, stuck, left) for e in QUOTED.findall(text)}
    assert {"amanhã às 10h", "quinta às 15h", "ver mais", "quero agendar", "atendente"} <= examples
    for example in sorted(examples):
        phone = customers.next()
        await chat.say("quero agendar", phone)
        works(example, await chat.say(example, phone))


async def test_the_menu_numbers_work(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    _, chat = await clinic_chat(make_company, engine, settings, client)
    customers = Customers(chat)
    menu = await chat.say("oi", customers.next())
    numbers = MENU.findall(menu)
    assert numbers == ["1", "2", "3"] and "responder com o número" in menu
    expected = {
        "1": "Tenho estes horários livres",
        "2": "Nosso horário de atendimento",
        "3": "Vou chamar uma pessoa",
    }
    for number in numbers:
        phone = customers.next()
        await chat.say("oi", phone)
        assert expected[number] in await chat.say(number, phone)


async def test_the_offline_day_and_period_prompt_goes_into_booking(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    """The secretary asked "Me diga o dia e o período que prefere (manhã ou tarde)": each
    answer of that kind is a booking with that wish once the company has a calendar, and is
    noted for the team before; never the menu again."""
    acme = (await make_company("acme")).company.id
    ctx = job_context(engine, settings.model_copy(update={"flood_max_per_minute": 500}))
    chat = Chat(client, engine, ctx, acme)
    customers = Customers(chat)
    for example in ("amanhã de manhã", "tarde"):
        phone = customers.next()
        prompt = await chat.say("vocês têm consulta disponível?", phone)
        assert "Me diga o dia e o período que prefere (manhã ou tarde)" in prompt
        noted = await chat.say(example, phone)
        assert f'Anotei sua preferência: "{example}"' in noted  # no calendar yet
    await configure(engine, acme, agenda=EVERY_DAY)
    ctx["companies"].forget()
    # A calendar now: the same answer books (the prompt is the offline one, asked before).
    for example, said in (("amanhã de manhã", "amanhã de manhã"), ("tarde", "à tarde")):
        phone = customers.next()
        await configure(engine, acme)
        ctx["companies"].forget()
        assert "Me diga o dia" in await chat.say("vocês têm consulta disponível?", phone)
        await configure(engine, acme, agenda=EVERY_DAY)
        ctx["companies"].forget()
        reply = await chat.say(example, phone)
        assert f"horários livres {said}" in reply or "Não tenho" in reply, reply
        assert "Posso ajudar com" not in reply
