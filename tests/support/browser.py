"""Steps the real-browser journeys share."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Page


async def create_company(page: Page, login: Any, admin: str, password: str, domain: str) -> None:
    """The platform admin fills "Nova Empresa" (Clínica Sorriso at `domain`) and submits it."""
    await login(admin, password)
    await page.get_by_role("link", name="Empresas").click()
    await page.get_by_label("Nome", exact=True).fill("Clínica Sorriso")
    await page.get_by_label("Identificador (slug)").fill("sorriso")
    await page.get_by_label("Domínio").fill(domain)
    await page.get_by_role("button", name="Criar empresa").click()
