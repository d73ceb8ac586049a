"""A real headless Chromium (Debian's, installed by scripts/ensure_chromium.py) driving the app
served by Hypercorn on a loopback port, with a fresh profile per test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from playwright.async_api import BrowserContext, Page, async_playwright

from domain.settings import Settings
from scripts.ensure_chromium import ensure_chromium
from tests.fakes.server import LocalServer

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest_asyncio.fixture
async def live_url(settings: Settings) -> AsyncIterator[str]:
    from web.app import create_app

    async with LocalServer(create_app(settings)) as url:
        yield url


@pytest_asyncio.fixture(scope="session")
async def playwright() -> AsyncIterator[Any]:
    async with async_playwright() as driver:
        yield driver


@pytest_asyncio.fixture
async def page(playwright: Any, tmp_path: Path) -> AsyncIterator[Page]:
    context: BrowserContext = await playwright.chromium.launch_persistent_context(
        user_data_dir=str(tmp_path / "profile"),
        executable_path=str(ensure_chromium()),
        args=CHROMIUM_ARGS,
        headless=True,
        locale="pt-BR",
    )
    page = context.pages[0] if context.pages else await context.new_page()
    page.set_default_timeout(10_000)
    yield page
    await context.close()


@pytest.fixture
def login(page: Page, live_url: str) -> Any:
    async def log_in(email: str, password: str) -> None:
        await page.goto(f"{live_url}/painel")
        await page.get_by_label("E-mail").fill(email)
        await page.get_by_label("Senha").fill(password)
        await page.get_by_role("button", name="Entrar").click()
        await page.wait_for_url(f"{live_url}/painel/**")

    return log_in
