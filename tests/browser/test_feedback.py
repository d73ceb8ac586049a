"""Journey in a real browser from an appointment to the satisfaction chart (G7): the
operator checks the customer in, the scheduler sends the follow-up an hour after the end,
the customer answers on WhatsApp, and Pós-Atendimento shows the answer, the cards and the
charts drawn by plotly; a filter narrows the list; an unanswered one is sent again."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from playwright.async_api import Dialog, Page, expect
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.feedback import followups
from domain.settings import Settings
from tests.support import factories
from tests.support.agenda import Clinic
from tests.support.chat import MARIA
from tests.support.factories import Cast, configure
from tests.support.feedback import OTHER, dispatch_followups

SP = ZoneInfo("America/Sao_Paulo")


async def test_from_appointment_to_chart(
    page: Page,
    login: Any,
    live_url: str,
    engine: AsyncEngine,
    settings: Settings,
    cast: Cast,
    client: Any,
) -> None:
    a = cast.a.company.id
    # No quiet hours: the real clock may be at night.
    await configure(engine, a, agenda={"local": True}, followup={"quiet_hours": "00:00-00:00"})
    now = datetime.now(UTC).replace(microsecond=0)
    start = now - timedelta(hours=2)
    for phone, name, uid in ((MARIA, "Maria Souza", "maria"), (OTHER, "Paulo Reis", "paulo")):
        appointment = await factories.appointment(
            engine, a, start, cal_uid=uid, phone=phone, name=name
        )
        async with engine.begin() as conn:  # what booking plans (domain/agenda/reminders.plan)
            await followups.plan(conn, a, appointment, start, start + timedelta(minutes=30), start)

    # The operator checks both customers in.
    await login(cast.member, cast.password)
    await page.goto(
        f"{live_url}/painel/agenda?from={(start.astimezone(SP) - timedelta(days=1)).date()}"
    )
    listing = page.locator("#agenda-list")

    async def accept(dialog: Dialog) -> None:
        await dialog.accept()

    for name in ("Maria Souza", "Paulo Reis"):
        page.once("dialog", accept)
        row = listing.locator("tr", has_text=name)
        await row.get_by_role("button", name="Chegou").click()
        # This row's check-in committed (the notice alone may be the previous one's).
        await expect(row.get_by_role("button", name="Chegou")).to_have_count(0)
        await expect(listing).to_contain_text("Presença registrada")

    # An hour after the end the scheduler sends the follow-ups; Maria answers.
    clinic = Clinic(engine, settings, a)
    assert (await dispatch_followups(clinic, datetime.now(UTC))).counts == {"sent": 2}
    reply = await clinic.chat(client).say("5 😍 a doutora foi um amor, recomendo")
    assert "obrigada pela sua avaliação" in reply.lower()

    await page.get_by_role("link", name="Pós-Atendimento").click()
    await expect(page.get_by_role("heading", name="Pós-Atendimento", level=1)).to_be_visible()
    await expect(page.locator("#csat-average")).to_have_text("5,00")
    await expect(page.locator("#response-rate")).to_have_text("50%")
    answers = page.locator("#feedback-list")
    await expect(answers).to_contain_text("a doutora foi um amor")
    await expect(answers).to_contain_text("Maria Souza")
    # plotly drew both charts (served from /static; the figures come from charts.py).
    await expect(page.locator("#chart-satisfaction .main-svg").first).to_be_visible()
    await expect(page.locator("#chart-nps .main-svg").first).to_be_visible()
    await expect(page.locator("#chart-satisfaction")).to_contain_text("Satisfação por dia")

    # A filter narrows the list (the fragment is swapped in place).
    await page.get_by_label("Nota máxima").fill("2")
    await page.get_by_role("button", name="Filtrar").click()
    await expect(page.locator("#feedback-content")).to_contain_text(
        "Nenhuma resposta no período com estes filtros"
    )
    # The address bar holds the page with its filter, not the fragment's address.
    await expect(page).to_have_url(re.compile(r"/painel/pos-atendimento\?max_score=2$"))
    await page.get_by_label("Nota máxima").fill("")
    await page.get_by_role("button", name="Filtrar").click()
    await expect(page.locator("#feedback-list")).to_contain_text("a doutora foi um amor")

    # Paulo did not answer: the follow-up goes to him once more, and only once.
    waiting = page.locator("#feedback-waiting tr", has_text="Paulo Reis")
    await waiting.get_by_role("button", name="Reenviar follow-up").click()
    await expect(page.locator("#feedback-content")).to_contain_text("Follow-up reenviado.")
    await expect(waiting.get_by_role("button", name="Reenviar follow-up")).to_have_count(0)
    await expect(waiting).to_contain_text("reenviado em")
