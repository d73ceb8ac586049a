"""At a phone's width (390 px) no panel page scrolls sideways: the header band spans the
screen, tables become cards or scroll inside their own box, and the Agenda's action buttons
are on screen without a hidden inner scroll."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from playwright.async_api import Page
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.operations.store import add_dead_letter
from tests.support import factories
from tests.support.factories import Cast, configure

SP = ZoneInfo("America/Sao_Paulo")
PHONE = {"width": 390, "height": 844}
PAGES = (
    "/painel/conversas",
    "/painel/agenda",
    "/painel/agenda/semana",
    "/painel/simulador",
    "/painel/analytics",
    "/painel/empresas",
    "/painel/filas",
    "/painel/configuracoes",
    "/painel/configuracoes/usuarios",
)


async def test_no_panel_page_scrolls_sideways_on_a_phone(
    page: Page, login: Any, live_url: str, engine: AsyncEngine, cast: Cast
) -> None:
    company_id = cast.a.company.id
    await configure(engine, company_id, agenda={"local": True})
    soon = datetime.now(SP) + timedelta(hours=1)
    await factories.appointment(
        engine, company_id, soon, cal_uid="soon", name="Maria Aparecida dos Santos Oliveira"
    )
    # One in the week grid's last column, within its hours: its hidden status label (placed
    # where the cell is, far right in the grid) once widened the whole page.
    today = datetime.now(SP)
    sunday = today + timedelta(days=6 - today.weekday())  # the grid's last column
    morning = sunday.replace(hour=10, minute=0, second=0, microsecond=0)
    await factories.appointment(engine, company_id, morning, cal_uid="morning", name="Ana Lima")
    async with engine.begin() as conn:
        await add_dead_letter(
            conn,
            company_id=company_id,
            queue="default",
            function="deliver_message",
            job_key="deliver:1",
            kwargs={"company_id": company_id, "message_id": 1},
            error="DeliveryFailed: Whaticket unreachable: ConnectError('cannot resolve "
            "whaticket.clinica-sorriso-exemplo.com.br [Errno -2] Name or service not known')",
            attempts=6,
        )
    await page.set_viewport_size(PHONE)
    await login(cast.admin, cast.password)
    await page.locator("#company-switch").select_option(label="Acme")
    await page.wait_for_load_state("networkidle")
    wide = {}
    for path in PAGES:
        await page.goto(f"{live_url}{path}")
        await page.wait_for_load_state("networkidle")
        width = await page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide[path] = width
    assert wide == {}

    # The Agenda's actions are on screen, not inside a row's own sideways scroll.
    await page.goto(f"{live_url}/painel/agenda")
    row = page.locator("#agenda-list tr", has_text="Maria Aparecida")
    for name in ("Editar", "Cancelar"):
        box = await row.get_by_role("link", name=name).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
