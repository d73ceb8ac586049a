"""Journeys in a real browser: a new company's first admin, invited when the platform creates
the company, sets a password in a browser of their own, finds the local calendar on, changes
its hours and sees the Simulador book within them; a company admin invites an operator who
logs in with operator rights."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page, expect

from scripts.ensure_chromium import ensure_chromium
from tests.browser.conftest import CHROMIUM_ARGS
from tests.support.factories import Cast

FreshPage = Callable[[], Awaitable[Page]]


@pytest.fixture
async def fresh_page(playwright: Any, tmp_path: Path) -> AsyncIterator[FreshPage]:
    """Another person's browser: its own profile, so no cookie of the first one."""
    contexts: list[Any] = []

    async def open_one() -> Page:
        context = await playwright.chromium.launch_persistent_context(
            user_data_dir=str(tmp_path / f"guest-{len(contexts)}"),
            executable_path=str(ensure_chromium()),
            args=CHROMIUM_ARGS,
            headless=True,
            locale="pt-BR",
        )
        contexts.append(context)
        page = context.pages[0] if context.pages else await context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_one
    for context in contexts:
        await context.close()


async def accept_invitation(guest: Page, link: str, email: str, password: str) -> None:
    """Open the link, set the password, log in with it."""
    await guest.goto(link)
    await expect(guest.get_by_role("heading", name="Criar sua senha")).to_be_visible()
    await expect(guest.locator("main")).to_contain_text(email)
    await guest.get_by_label(re.compile(r"^Nova senha")).fill(password)
    await guest.get_by_label("Repita a nova senha").fill(password)
    await guest.get_by_role("button", name="Definir senha").click()
    await expect(guest.get_by_role("status")).to_contain_text("Senha definida")
    await expect(guest.get_by_label("E-mail")).to_have_value(email)
    await guest.get_by_label("Senha").fill(password)
    await guest.get_by_role("button", name="Entrar").click()
    await guest.wait_for_url(re.compile(r".*/painel/.+"))


async def test_a_new_company_s_admin_sets_hours_and_the_simulador_books_within_them(
    page: Page, login: Any, fresh_page: FreshPage, cast: Cast, worker: Any
) -> None:
    await login(cast.admin, cast.password)
    await page.get_by_role("link", name="Empresas").click()
    await page.get_by_label("Nome", exact=True).fill("Clínica Sorriso")
    await page.get_by_label("Identificador (slug)").fill("sorriso")
    await page.get_by_label("Domínio").fill("sorriso.example.com")
    await page.get_by_label("E-mail do administrador da empresa").fill(
        "dra.ana@sorriso.example.com"
    )
    await page.get_by_label("Nome do administrador").fill("Dra. Ana")
    await page.get_by_role("button", name="Criar empresa").click()
    status = page.locator("#provisioning-status")
    await expect(status).to_contain_text("Administrador da empresa (convite): pronto")
    link = await page.locator("#invitation-link").get_attribute("href")
    assert link and "/painel/convite/" in link

    admin = await fresh_page()
    await accept_invitation(admin, link, "dra.ana@sorriso.example.com", "sorriso-2026!")
    await expect(admin.locator("header")).to_contain_text("Clínica Sorriso")
    await admin.get_by_role("link", name="Configurações").click()
    agenda = admin.locator("#agenda-form")
    await expect(agenda.get_by_label("Agenda local ativada")).to_be_checked()
    await expect(agenda.get_by_label("Segunda: abre")).to_have_value("08:00")

    # Afternoons only, one hour each.
    for day in ("Segunda", "Terça", "Quarta", "Quinta", "Sexta"):
        await agenda.get_by_label(f"{day}: abre").fill("13:00")
        await agenda.get_by_label(f"{day}: fecha").fill("17:00")
    await agenda.get_by_label("Duração de cada horário").select_option("60")
    await agenda.get_by_role("button", name="Salvar agenda").click()
    await expect(admin.get_by_role("status").first).to_contain_text("Agenda salva.")
    await expect(admin.locator("#agenda-form").get_by_label("Terça: abre")).to_have_value("13:00")

    await admin.get_by_role("link", name="Simulador").click()
    await admin.get_by_label("Mensagem do cliente").fill("Oi, quero agendar uma consulta")
    await admin.get_by_role("button", name="Enviar").click()
    replies = admin.locator("#simulator-thread .bubble.outbound .text")
    await expect(replies.first).to_contain_text(re.compile(r"\d\d:\d\d"), timeout=15_000)
    offered = re.findall(r"\b(\d\d:\d\d)\b", await replies.first.inner_text())
    assert offered and set(offered) <= {"13:00", "14:00", "15:00", "16:00"}, offered

    await admin.get_by_label("Mensagem do cliente").fill("1")
    await admin.get_by_role("button", name="Enviar").click()
    await expect(replies).to_have_count(2, timeout=15_000)
    await expect(replies.nth(1)).to_contain_text("nome")  # asked once, before booking
    await admin.get_by_label("Mensagem do cliente").fill("Joana Lima")
    await admin.get_by_role("button", name="Enviar").click()
    await expect(replies).to_have_count(3, timeout=15_000)
    await expect(replies.nth(2)).to_contain_text("Pronto, Joana!")
    booked = re.findall(r"\b(\d\d:\d\d)\b", await replies.nth(2).inner_text())
    assert booked and booked[0] == offered[0]


async def test_a_company_admin_invites_an_operator_who_logs_in_as_operator(
    page: Page, login: Any, fresh_page: FreshPage, cast: Cast
) -> None:
    await login(cast.owner, cast.password)
    await page.get_by_role("link", name="Configurações").click()
    await page.get_by_role("link", name="Usuários").click()
    await expect(page.get_by_role("heading", name="Usuários")).to_be_visible()
    await page.get_by_label("E-mail", exact=True).fill("bia@a.example.com")
    await page.get_by_label("Nome", exact=True).fill("Bia Recepção")
    await page.get_by_label("Papel", exact=True).select_option("operator")
    await page.get_by_role("button", name="Convidar").click()
    await expect(page.locator("#shown-once")).to_contain_text("não será mostrado de novo")
    await expect(page.locator("table")).to_contain_text("convite pendente")
    link = await page.locator("#invitation-link").get_attribute("href")
    assert link

    operator = await fresh_page()
    await accept_invitation(operator, link, "bia@a.example.com", "recepcao-2026!")
    await expect(operator.locator("header")).to_contain_text("operador")
    await expect(operator.get_by_role("link", name="Conversas")).to_be_visible()
    await expect(operator.get_by_role("link", name="Configurações")).to_have_count(0)

    await page.reload()
    row = page.get_by_role("row", name=re.compile("bia@a.example.com"))
    await expect(row).to_contain_text("ativo")
    await expect(row).to_contain_text("Operador")
