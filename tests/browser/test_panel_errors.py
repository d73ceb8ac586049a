"""In a real browser: a refused panel action is told on screen in Portuguese, where the
operator is looking, and a refused page is a Portuguese page with a way back."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Page, expect

from tests.support.browser import create_company
from tests.support.factories import Cast

REPLY = "Responder como operador (assume a conversa)"


async def test_an_operator_sees_why_a_blank_reply_was_refused_and_then_sends_it(
    page: Page, login: Any, live_url: str, conversation: int, cast: Cast
) -> None:
    await login(cast.member, cast.password)
    await page.goto(f"{live_url}/painel/conversas/{conversation}")
    # Only spaces: the browser's `required` lets it through, the server refuses it (422).
    await page.get_by_label(REPLY).fill("   ")
    await page.get_by_role("button", name="Enviar").click()
    message = page.locator("#panel-toast").get_by_role("alert")
    await expect(message).to_have_text("Escreva a resposta antes de enviar (até 4.000 caracteres).")
    await expect(message).to_be_in_viewport()
    await expect(page.get_by_label(REPLY)).to_have_attribute("aria-invalid", "true")
    await expect(page.get_by_label(REPLY)).to_be_focused()

    await page.get_by_label(REPLY).fill("Oi! Aqui é a Ana.")
    await page.get_by_role("button", name="Enviar").click()
    await expect(page.locator("#conversation-thread")).to_contain_text("Oi! Aqui é a Ana.")
    await expect(message).to_have_text("")  # the refusal does not linger after a success
    await expect(page.get_by_label(REPLY)).not_to_have_attribute("aria-invalid", "true")


async def test_the_platform_admin_sees_why_a_new_company_was_refused(
    page: Page, login: Any, cast: Cast
) -> None:
    await create_company(page, login, cast.admin, cast.password, "sorriso-sem-ponto")
    await expect(page.locator("#panel-toast")).to_contain_text(
        "Domínio: não está no formato esperado."
    )
    await expect(page.get_by_label("Domínio")).to_have_attribute("aria-invalid", "true")
    await page.get_by_role("button", name="Fechar").click()
    await expect(page.locator("#panel-toast").get_by_role("alert")).to_have_text("")


async def test_a_page_of_another_company_is_a_portuguese_page_with_a_way_back(
    page: Page, login: Any, live_url: str, conversation: int, cast: Cast
) -> None:
    await login(cast.outsider, cast.password)
    await page.goto(f"{live_url}/painel/conversas/{conversation}")
    await expect(page.get_by_role("heading", name="Não encontrado")).to_be_visible()
    await expect(page.get_by_role("alert")).to_contain_text("ser de outra empresa")
    await page.get_by_role("link", name="Voltar").click()
    await expect(page).to_have_url(f"{live_url}/painel/conversas")
