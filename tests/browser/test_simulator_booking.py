"""Journey in a real browser: the operator books through the Simulador in the customer's own
words, as a new customer whose name the secretary asks (never "Simulador"), and a question in
the middle of the booking is answered instead of trapping the customer."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Page, expect
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support.factories import Cast, configure

EVERY_DAY = {
    "local": True,
    "country": "",
    "hours": {day: ["07:00-21:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
}
SECRETARY = {"name": "Ana", "business_hours": "seg a sex, 8h às 18h"}


async def test_operator_books_by_words_in_the_simulator(
    page: Page, login: Any, cast: Cast, engine: AsyncEngine, worker: Any
) -> None:
    await configure(engine, cast.a.company.id, agenda=EVERY_DAY, secretary=SECRETARY)
    await login(cast.member, cast.password)
    await page.get_by_role("link", name="Simulador").click()
    thread = page.locator("#simulator-thread")

    async def say(words: str, expected: str) -> None:
        await page.get_by_label("Mensagem do cliente").fill(words)
        await page.get_by_role("button", name="Enviar").click()
        await expect(thread).to_contain_text(expected, timeout=10_000)

    await say("oi", "Sou Ana, a secretária virtual")
    await expect(thread).not_to_contain_text("Olá, Simulador")
    await say("quero agendar", "Tenho estes horários livres")
    await say("que horas vocês abrem?", "Nosso horário de atendimento: seg a sex, 8h às 18h.")
    await say("quero agendar amanhã às 10h", "às 10:00? (sim/não)")
    await say("sim", "Para marcar, qual o seu nome completo?")
    await say("Carla Dias", "Pronto, Carla!")
    await expect(thread).not_to_contain_text("Simulador")
