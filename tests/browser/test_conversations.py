"""Journey in a real browser: log in, follow a conversation live, take it over, give it back."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Page, expect
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.settings import Settings
from tasks.messages import process_inbound
from tests.support.browser import create_company
from tests.support.clock import workday_at_ten
from tests.support.factories import Cast, configure
from tests.support.jobs import job_context
from tests.support.webhooks import post_webhook, text_body


async def test_operator_follows_a_conversation_live_and_takes_it_over(
    page: Page,
    login: Any,
    live_url: str,
    client: Any,
    engine: AsyncEngine,
    settings: Settings,
    cast: Cast,
) -> None:
    await post_webhook(
        client, text_body("b1", "bom dia, quero marcar uma consulta", pushName="Maria Souza")
    )
    await process_inbound(job_context(engine, settings), company_id=cast.a.company.id, message_id=1)

    await login(cast.member, cast.password)
    await expect(page).to_have_url(f"{live_url}/painel/conversas")
    await expect(page.get_by_role("link", name="Conversas")).to_have_attribute(
        "aria-current", "page"
    )
    await page.get_by_role("link", name="Maria Souza").click()
    thread = page.locator("#conversation-thread")
    await expect(thread).to_contain_text("quero marcar uma consulta")
    await expect(thread).to_contain_text("aguardando Whaticket")

    # A new message shows up without reloading (polling with a change token).
    await post_webhook(client, text_body("b2", "tem horário amanhã?"))
    await process_inbound(job_context(engine, settings), company_id=cast.a.company.id, message_id=3)
    await expect(thread).to_contain_text("tem horário amanhã?", timeout=8_000)

    await page.get_by_role("button", name="Assumir conversa").click()
    await expect(thread).to_contain_text("Com uma pessoa da equipe")
    await page.get_by_role("button", name="Devolver ao robô").click()
    await expect(page.get_by_role("button", name="Assumir conversa")).to_be_visible()

    await page.set_viewport_size({"width": 390, "height": 844})  # phone width
    # Nothing wider than the phone: no sideways scrolling, and the button fits whole on screen.
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    take_over = page.get_by_role("button", name="Assumir conversa")
    await take_over.scroll_into_view_if_needed()
    await expect(take_over).to_be_in_viewport(ratio=1)


async def test_operator_tries_the_secretary_in_the_simulator(
    page: Page, login: Any, live_url: str, cast: Cast, worker: Any
) -> None:
    await login(cast.member, cast.password)
    await page.get_by_role("link", name="Simulador").click()
    await page.get_by_label("Mensagem do cliente").fill("Oi! Queria marcar uma consulta")
    await page.get_by_role("button", name="Enviar").click()
    thread = page.locator("#simulator-thread")
    await expect(thread).to_contain_text("Queria marcar uma consulta")
    await expect(thread).to_contain_text("agendamento", timeout=10_000)  # the secretary's answer
    await expect(page.get_by_label("Mensagem do cliente")).to_have_value("")
    await page.get_by_role("button", name="Nova conversa").click()
    await expect(thread).to_contain_text("Nenhuma mensagem ainda")


async def test_analytics_draws_its_charts_with_the_local_plotly(
    page: Page,
    login: Any,
    live_url: str,
    client: Any,
    engine: AsyncEngine,
    settings: Settings,
    cast: Cast,
) -> None:
    await post_webhook(client, text_body("g1", "quero marcar"))
    await process_inbound(job_context(engine, settings), company_id=cast.a.company.id, message_id=1)
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_url) else None)
    await login(cast.member, cast.password)
    await page.get_by_role("link", name="Analytics e Consumo").click()
    await expect(page.locator("#chart-daily-usage .main-svg").first).to_be_visible()
    await expect(page.locator(".card").first).to_contain_text("Mensagens")
    assert outside == []  # no CDN, nothing outside the app


async def test_the_platform_admin_watches_a_company_being_provisioned(
    page: Page, login: Any, cast: Cast
) -> None:
    await create_company(page, login, cast.admin, cast.password, "sorriso.example.com")
    status = page.locator("#provisioning-status")
    await expect(status).to_contain_text("Token de API")
    await expect(status.locator("strong", has_text="pronto")).to_have_count(4)
    await expect(status).to_contain_text("spawn_worker.py --company-id")


async def test_an_operator_books_an_appointment_in_the_agenda_tab(
    page: Page, login: Any, engine: AsyncEngine, cast: Cast
) -> None:
    await configure(engine, cast.a.company.id, agenda={"local": True})
    await login(cast.member, cast.password)
    await page.get_by_role("link", name="Agenda").click()
    await page.get_by_label("Nome do cliente").fill("Maria Souza")
    await page.get_by_label("Telefone (com DDD)").fill("11 98888-7777")
    await page.get_by_label("Data e hora").fill(workday_at_ten())
    await page.get_by_role("button", name="Marcar").click()
    listing = page.locator("#agenda-list")
    await expect(listing).to_contain_text("Marcado para")
    await expect(listing).to_contain_text("Maria Souza")
    # G5: the operator sends a reminder now; the list says so and the quick filter finds it.
    await listing.get_by_role("button", name="Enviar lembrete agora").click()
    await expect(listing).to_contain_text("Lembrete enviado para Maria Souza")
    await page.get_by_role("link", name="Não confirmados").click()
    await expect(page.locator("#agenda-list")).to_contain_text("Maria Souza")
    await expect(page.locator("#attendance")).to_contain_text("Presença no período")
