"""In a real browser, under the Content-Security-Policy every page carries (no inline script,
no inline style): each tab still does its job (htmx requests and swaps, plotly's charts, the
company switcher, SAQ's own dashboard), and Chromium reports no violation and no script
error on the way. A link Cal.com sent as `javascript:` is not rendered as a link."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.async_api import ConsoleMessage, Dialog, Error, Page, expect
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support import factories
from tests.support.chat import a_conversation
from tests.support.clock import in_two_days
from tests.support.factories import Cast

# What a page reports of each violation, before the console sees it.
LISTEN = """
document.addEventListener("securitypolicyviolation", (e) => {
  (window.__violations = window.__violations || []).push(
    `${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`
  );
});
"""


@dataclass
class Trouble:
    """What went wrong in the page: CSP reports, console errors about the policy, uncaught
    script errors."""

    violations: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    async def collect(self, page: Page) -> Trouble:
        self.violations += await page.evaluate("window.__violations || []")
        await page.evaluate("window.__violations = []")
        return self


@pytest.fixture
async def trouble(page: Page) -> AsyncIterator[Trouble]:
    found = Trouble()
    await page.add_init_script(LISTEN)

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            found.console.append(message.text)

    def on_error(error: Error) -> None:
        found.errors.append(str(error))

    page.on("console", on_console)
    page.on("pageerror", on_error)
    yield found


async def accept(dialog: Dialog) -> None:
    await dialog.accept()


async def visit(page: Page, trouble: Trouble, url: str) -> None:
    """Open `url`, let its scripts and first requests run, and find nothing wrong."""
    response = await page.goto(url)
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]  # enforced here
    await page.wait_for_load_state("networkidle")
    await trouble.collect(page)
    assert trouble == Trouble(), url


async def test_a_company_admin_uses_every_tab_under_the_policy(
    page: Page,
    login: Any,
    live_url: str,
    client: Any,
    engine: AsyncEngine,
    settings: Any,
    cast: Cast,
    trouble: Trouble,
) -> None:
    a = cast.a.company.id
    await a_conversation(client, engine, settings, a)
    start = in_two_days()
    for uid, url in (
        ("evil", "javascript:alert(document.cookie)"),
        ("good", "https://meet.example/x"),
    ):
        await factories.appointment(
            engine, a, start, cal_uid=uid, source="calcom", name=f"Cliente {uid}", meeting_url=url
        )
    await login(cast.owner, cast.password)

    await visit(page, trouble, f"{live_url}/painel/conversas")
    await page.locator("#conversation-list li a").first.click()
    await expect(page.locator("#conversation-thread")).to_be_visible()

    await visit(page, trouble, f"{live_url}/painel/agenda")
    rows = page.locator("#agenda-list tr")
    await expect(
        rows.filter(has_text="Cliente good").get_by_role("link", name="link")
    ).to_have_attribute("href", "https://meet.example/x")
    # No meeting link for it (its row has only "Editar" and "Cancelar").
    evil = rows.filter(has_text="Cliente evil")
    await expect(evil.get_by_role("link", name="link", exact=True)).to_have_count(0)
    assert "javascript:" not in await page.content()

    await visit(page, trouble, f"{live_url}/painel/simulador")
    await page.get_by_label("Mensagem do cliente").fill("bom dia")
    await page.get_by_role("button", name="Enviar").click()
    await expect(page.locator("#simulator-thread")).to_contain_text("bom dia")
    await expect(page.get_by_label("Mensagem do cliente")).to_have_value("")  # reset by panel.js

    await visit(page, trouble, f"{live_url}/painel/analytics")
    await expect(page.locator("#chart-daily-usage .main-svg").first).to_be_attached()  # plotly drew

    await visit(page, trouble, f"{live_url}/painel/filas")
    await visit(page, trouble, f"{live_url}/painel/configuracoes")
    page.once("dialog", accept)  # hx-confirm asks first
    await page.get_by_role("button", name="Gerar nova URL com token").click()
    await expect(page.locator("#shown-once")).to_contain_text("/webhook/whaticket/acme/")

    await trouble.collect(page)
    assert trouble == Trouble()


async def test_the_platform_admin_switches_company_and_opens_saq_under_the_policy(
    page: Page, login: Any, live_url: str, cast: Cast, trouble: Trouble
) -> None:
    await login(cast.admin, cast.password)
    await visit(page, trouble, f"{live_url}/painel/empresas")
    switcher = page.get_by_label("Empresa", exact=True)
    await switcher.select_option(label="Globex")  # submits its form by itself (panel.js)
    await expect(switcher).to_have_value(str(cast.b.company.id))
    await expect(page.locator(".role")).to_be_visible()

    await visit(page, trouble, f"{live_url}/painel/filas/saq/")
    await expect(page.get_by_role("heading", name="Queues")).to_be_visible()

    await visit(page, trouble, f"{live_url}/")
    await expect(page.locator("#health")).not_to_have_text("Verificando…")
    await trouble.collect(page)
    assert trouble == Trouble()
