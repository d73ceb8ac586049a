"""Journey in a real browser: the operator tries the secretary in the Simulador up to a
handoff; the plan's quota in Analytics does not move, the handoff is shown, and Conversas
lists the simulation on its own. Also: bubbles as big as their text, charts in pt-BR."""

from __future__ import annotations

import re
from typing import Any

from playwright.async_api import Page, expect
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.settings import Settings
from tasks.messages import process_inbound
from tests.support.factories import Cast, change_plan
from tests.support.jobs import job_context
from tests.support.webhooks import post_webhook, text_body

QUOTA = "0,0 % de 50 neste mês"


async def test_a_simulation_is_free_shows_its_handoff_and_is_listed_apart(
    page: Page, login: Any, live_url: str, engine: AsyncEngine, cast: Cast, worker: Any
) -> None:
    await change_plan(engine, cast.a.company.id, monthly_messages=50)
    await login(cast.member, cast.password)
    await page.get_by_role("link", name="Analytics e Consumo").click()
    await expect(page.locator(".plan")).to_contain_text(QUOTA)

    await page.get_by_role("link", name="Simulador").click()
    thread = page.locator("#simulator-thread")
    message = page.get_by_label("Mensagem do cliente")
    await message.fill("oi")
    await page.get_by_role("button", name="Enviar").click()
    await expect(thread.locator(".bubble.outbound")).to_have_count(1, timeout=10_000)
    # A one-line bubble is one line of text (plus its time), not a tall block nor full width.
    size = await thread.locator(".bubble.inbound").first.evaluate(
        """b => ({h: b.getBoundingClientRect().height, w: b.getBoundingClientRect().width,
                  line: parseFloat(getComputedStyle(b.querySelector('.text')).lineHeight)
                        || parseFloat(getComputedStyle(b).fontSize) * 1.2,
                  thread: b.parentElement.getBoundingClientRect().width})"""
    )
    assert size["h"] < 3.2 * size["line"], size
    assert size["w"] < size["thread"] / 2, size

    await message.fill("quero falar com um atendente")
    await page.get_by_role("button", name="Enviar").click()
    notice = thread.get_by_role("status")
    await expect(notice).to_contain_text("Conversa passada para um atendente", timeout=10_000)
    await expect(notice).to_contain_text("o cliente pediu uma pessoa")

    await page.get_by_role("link", name="Analytics e Consumo").click()
    await expect(page.locator(".plan")).to_contain_text(QUOTA)  # nothing counted

    await page.get_by_role("link", name="Conversas", exact=True).click()
    listing = page.locator("#conversation-list")
    await expect(listing).to_contain_text("Nenhuma conversa ainda")  # customers only
    await listing.get_by_role("link", name="Simulações").click()
    await expect(page).to_have_url(re.compile(r"origem=simulacao"))
    simulated = page.locator("#conversation-list li")
    await expect(simulated).to_have_count(1)
    await expect(simulated).to_contain_text("simulação")
    await expect(simulated).to_contain_text("com uma pessoa")
    await simulated.get_by_role("link").click()
    await expect(page.locator("#conversation-thread")).to_contain_text("quero falar com")


async def test_charts_show_brazilian_dates(
    page: Page,
    login: Any,
    client: Any,
    engine: AsyncEngine,
    settings: Settings,
    cast: Cast,
) -> None:
    await post_webhook(client, text_body("g1", "quero marcar"))
    await process_inbound(job_context(engine, settings), company_id=cast.a.company.id, message_id=1)
    await login(cast.member, cast.password)
    await page.get_by_role("link", name="Analytics e Consumo").click()
    ticks = page.locator("#chart-daily-usage .xtick text")
    await expect(ticks.first).to_be_visible()
    labels = await ticks.all_text_contents()
    months = "jan|fev|mar|abr|mai|jun|jul|ago|set|out|nov|dez"
    assert labels and all(re.fullmatch(rf"\d{{1,2}} ({months})", t) for t in labels), labels
