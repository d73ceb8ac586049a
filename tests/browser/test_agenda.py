"""Journey in a real browser through the Agenda: a typed phone saved in E.164, a double
booking refused and then made on purpose, "Faltou" only once the time has passed (and asked
first), a reschedule, a cancellation and the week as a calendar grid, also at phone width."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from playwright.async_api import Dialog, Page, expect
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support import factories
from tests.support.clock import workday_at
from tests.support.factories import Cast, configure

SP = ZoneInfo("America/Sao_Paulo")


def field(moment: datetime) -> str:
    return moment.astimezone(SP).strftime("%Y-%m-%dT%H:%M")


async def test_an_operator_books_refuses_a_double_booking_reschedules_and_cancels(
    page: Page, login: Any, live_url: str, engine: AsyncEngine, cast: Cast
) -> None:
    company_id = cast.a.company.id
    await configure(engine, company_id, agenda={"local": True})
    now = datetime.now(SP)
    # Someone whose time began two hours ago, and someone due in ten minutes.
    await factories.appointment(
        engine, company_id, now - timedelta(hours=2), cal_uid="past", name="Paulo Reis"
    )
    await factories.appointment(
        engine, company_id, now + timedelta(minutes=10), cal_uid="near", name="Nina Alves"
    )
    nine = workday_at(9)

    await login(cast.member, cast.password)
    await page.get_by_role("link", name="Agenda").click()
    await page.get_by_label("Nome do cliente").fill("Maria Souza")
    await page.get_by_label("Telefone (com DDD)").fill("11 98888-7777")
    await page.get_by_label("Data e hora").fill(field(nine))
    await page.get_by_role("button", name="Marcar").click()
    listing = page.locator("#agenda-list")
    await expect(listing).to_contain_text("Marcado para")
    maria = listing.locator("tr", has_text="Maria Souza")
    await expect(maria).to_contain_text("+55 11 98888-7777")

    # The same 09:00 for someone else: refused with who is there, then made on purpose.
    await page.get_by_label("Nome do cliente").fill("João Lima")
    await page.get_by_label("Telefone (com DDD)").fill("(21) 97777-6666")
    await page.get_by_role("button", name="Marcar").click()
    # Refusals are the page's one message area (the toast), so none stays beside the next.
    toast = page.locator("#panel-toast")
    await expect(toast).to_contain_text("Já existe um agendamento às 09:00 (Maria Souza)")
    await expect(listing.locator("tr", has_text="João Lima")).to_have_count(0)
    await page.get_by_label("Agendar mesmo assim").check()
    await page.get_by_role("button", name="Marcar").click()
    await expect(listing).to_contain_text("Marcado para")
    joao = listing.locator("tr", has_text="João Lima")
    await expect(joao).to_contain_text("encaixe")
    await expect(joao).to_contain_text("+55 21 97777-6666")

    # Before its time no one can be marked absent; after it, only once confirmed.
    await expect(maria.get_by_role("button", name="Faltou")).to_have_count(0)
    await expect(
        listing.locator("tr", has_text="Nina Alves").get_by_role("button", name="Faltou")
    ).to_have_count(0)
    await page.goto(f"{live_url}/painel/agenda?from={(now - timedelta(days=1)).date()}")
    listing = page.locator("#agenda-list")
    paulo = listing.locator("tr", has_text="Paulo Reis")
    asked: list[str] = []

    async def dismiss(dialog: Dialog) -> None:
        asked.append(dialog.message)
        await dialog.dismiss()

    page.once("dialog", dismiss)
    await paulo.get_by_role("button", name="Faltou").click()
    await expect(paulo).to_contain_text("marcado")
    assert asked and "Marcar falta de Paulo Reis" in asked[0]

    async def accept(dialog: Dialog) -> None:
        await dialog.accept()

    page.once("dialog", accept)
    await paulo.get_by_role("button", name="Faltou").click()
    await expect(listing).to_contain_text("Falta registrada")
    await expect(listing.locator("tr", has_text="Paulo Reis")).to_contain_text("não compareceu")
    nina = listing.locator("tr", has_text="Nina Alves")
    await expect(nina.get_by_role("button", name="Faltou")).to_have_count(0)
    page.once("dialog", accept)
    await nina.get_by_role("button", name="Chegou").click()
    await expect(listing).to_contain_text("Presença registrada")

    # Reschedule Maria to the afternoon.
    await page.goto(f"{live_url}/painel/agenda?from={nine.date()}&view=day")
    await (
        page.locator("#agenda-list tr", has_text="Maria Souza")
        .get_by_role("link", name="Editar")
        .click()
    )
    await expect(page.get_by_role("heading", name="Agendamento de Maria Souza")).to_be_visible()
    await expect(page.get_by_label("Telefone (com DDD)")).to_have_value("+55 11 98888-7777")
    afternoon = nine.replace(hour=14)
    await page.get_by_label("Data e hora").fill(field(afternoon))
    await page.get_by_role("button", name="Salvar alterações").click()
    listing = page.locator("#agenda-list")
    await expect(listing).to_contain_text("Agendamento remarcado")
    await expect(
        listing.locator("tr", has_text="Maria Souza").filter(has_text="14:00")
    ).to_contain_text("marcado")

    # Cancel João, after saying yes on the confirmation page.
    await (
        listing.locator("tr", has_text="João Lima")
        .filter(has_text="marcado")
        .get_by_role("link", name="Cancelar")
        .click()
    )
    await expect(page.get_by_text("Cancelar o horário de João Lima")).to_be_visible()
    await page.get_by_label("Motivo (opcional)").fill("pediu para desmarcar")
    await page.get_by_role("button", name="Sim, cancelar").click()
    await expect(page.locator("#agenda-list")).to_contain_text("Agendamento cancelado")
    await expect(page.locator("#agenda-list tr", has_text="João Lima")).to_contain_text("cancelado")

    # The week grid: today marked in this week, Maria at 14:00 in her day's column.
    await page.get_by_role("link", name="Semana em grade").click()
    await expect(page.get_by_role("heading", name="Agenda da semana")).to_be_visible()
    today = now.date()
    await expect(page.locator('th[aria-current="date"]')).to_contain_text(today.strftime("%d/%m"))
    weeks_ahead = (
        (nine.date() - timedelta(days=nine.weekday())) - (today - timedelta(days=today.weekday()))
    ).days // 7
    for _ in range(weeks_ahead):
        await page.get_by_role("link", name="Próxima semana →").click()
    cell = page.locator(f'td[data-day="{nine.date().isoformat()}"][data-hour="14"]')
    await expect(cell).to_contain_text("14:00 Maria Souza")
    await expect(
        page.locator(f'td[data-day="{nine.date().isoformat()}"][data-hour="9"]')
    ).not_to_contain_text("João Lima")

    await page.set_viewport_size({"width": 390, "height": 844})  # phone width
    # The page never scrolls sideways; the grid scrolls inside its own box.
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    grid = page.get_by_role("region", name="Grade da semana (role para os lados)")
    assert await grid.evaluate("box => box.scrollWidth > box.clientWidth")
    await cell.scroll_into_view_if_needed()
    await expect(cell.get_by_role("link")).to_be_in_viewport()
