"""Configurações › Pós-Atendimento: on or off, the delay, the text, the quiet hours and how
often NPS is asked are per company, audited by name, and refused clearly when malformed."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.feedback.policy import DEFAULT_TEXT, policy_for
from domain.settings import Settings
from domain.tenancy.directory import CompanyDirectory
from tests.support.factories import Cast
from tests.support.panel import csrf, log_in

PAGE = "/painel/configuracoes"


async def test_follow_up_settings_are_per_company(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    a = cast.a.company.id
    before = policy_for(await CompanyDirectory(engine).profile(a), Settings())  # type: ignore[arg-type]
    assert before.enabled and before.delay == timedelta(minutes=60) and before.text == DEFAULT_TEXT
    assert before.quiet == (time(21), time(8)) and before.nps_every == 5
    await log_in(client, cast.owner, cast.password)
    token = await csrf(client, PAGE)
    form = {
        "csrf_token": token,
        "followup_enabled": "off",
        "followup_delay_minutes": "0",
        "followup_text": "Oi {cliente}! Como foi hoje?",
        "followup_quiet_hours": "22:00 - 07:30",
        "followup_nps_every": "0",
    }
    page = await (await client.post(PAGE, form=form)).get_data(as_text=True)
    assert "follow-up ligado ou desligado" in page and "horário de silêncio do follow-up" in page
    assert 'value="22:00-07:30"' in page and '<option value="off" selected>' in page
    after = policy_for(await CompanyDirectory(engine).profile(a), Settings())  # type: ignore[arg-type]
    assert (after.enabled, after.delay, after.text) == (
        False,
        timedelta(0),
        "Oi {cliente}! Como foi hoje?",
    )
    assert after.quiet == (time(22), time(7, 30)) and after.nps_every == 0
    b = policy_for(await CompanyDirectory(engine).profile(cast.b.company.id), Settings())  # type: ignore[arg-type]
    assert b.enabled and b.nps_every == 5  # the other company keeps the defaults
    again = await (await client.post(PAGE, form=form)).get_data(as_text=True)
    assert "Nada mudou." in again
    bad = await client.post(PAGE, form={"csrf_token": token, "followup_quiet_hours": "noite"})
    explained = "Horário de silêncio: não está no formato esperado."
    assert bad.status_code == 422 and explained in await bad.get_data(as_text=True)
