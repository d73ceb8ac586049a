"""Configurações › Pós-Atendimento: on or off, the delay, the text, the quiet hours and how
often NPS is asked are per company, audited by name, and refused clearly when malformed."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.feedback.policy import DEFAULT_TEXT, policy_for
from domain.settings import Settings
from domain.tenancy.directory import CompanyDirectory
from tests.support.factories import Cast, configure
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
    explained = "Horário de silêncio: não está no formato esperado; use HH:MM-HH:MM, por exemplo 21:00-08:00."
    assert bad.status_code == 422 and explained in await bad.get_data(as_text=True)


async def policy_of(engine: AsyncEngine, company_id: int) -> Any:
    return policy_for(await CompanyDirectory(engine).profile(company_id), Settings())  # type: ignore[arg-type]


async def test_a_text_with_an_unknown_placeholder_or_a_stray_brace_is_refused(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    await log_in(client, cast.owner, cast.password)
    token = await csrf(client, PAGE)
    allowed = "{cliente}, {profissional} e {empresa}"
    for text, why in (
        ("Olá {nome}!", "Texto do follow-up: usa {nome}, que não existe"),
        ("Oi {Cliente}, tudo bem?", "usa {Cliente}, que não existe"),
        ("Olá {cliente", "tem uma chave “{” ou “}” sem par"),
        ("Olá cliente}!", "sem par"),
        ("Olá {{cliente}}", "sem par"),
        ("   ", "não pode ter só espaços"),
    ):
        form = {"csrf_token": token, "followup_text": text}
        refused = await client.post(PAGE, form=form)
        page = await refused.get_data(as_text=True)
        assert refused.status_code == 422, text
        assert why in page and allowed in page, text
    assert (await policy_of(engine, cast.a.company.id)).text == DEFAULT_TEXT
    fine = {"csrf_token": token, "followup_text": "Oi {cliente}! Como foi na {empresa}?"}
    assert (await client.post(PAGE, form=fine)).status_code == 200


async def test_a_stored_text_with_a_raw_placeholder_is_never_sent_as_is(
    engine: AsyncEngine, cast: Cast
) -> None:
    # Saved before the check (or by hand): the default text rather than "{nome}".
    await configure(engine, cast.a.company.id, followup={"text": "Olá {nome}! Como foi?"})
    assert (await policy_of(engine, cast.a.company.id)).text == DEFAULT_TEXT


async def test_a_refused_save_keeps_everything_the_user_typed(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    await log_in(client, cast.owner, cast.password)
    token = await csrf(client, PAGE)
    # Every kind of field (text, choice, number, list) changed, and one malformed.
    form = dict(
        csrf_token=token,
        secretary_name="Júlia Nova",
        secretary_tone="formal",
        address="Rua Nova, 5",
        reminder_hours="48, 2",
        followup_enabled="off",
        followup_delay_minutes="15",
        followup_text="Oi {cliente}!",
        followup_quiet_hours="22h às 7h",
        followup_nps_every="3",
    )
    refused = await client.post(PAGE, form=form)
    page = await refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "use HH:MM-HH:MM, por exemplo 21:00-08:00" in page
    for typed in ("Júlia Nova", "Rua Nova, 5", "48, 2", "15", "Oi {cliente}!", "22h às 7h", "3"):
        assert f'value="{typed}"' in page, typed
    assert '<option value="formal" selected>' in page
    assert '<option value="off" selected>' in page
    assert 'pattern="' in page and 'placeholder="21:00-08:00"' in page
    # Nothing was saved.
    assert (await policy_of(engine, cast.a.company.id)).delay == timedelta(minutes=60)
    # A fresh page shows what is saved again.
    fresh = await (await client.get(PAGE)).get_data(as_text=True)
    assert 'value="Júlia Nova"' not in fresh


async def test_a_refused_choice_names_the_field_as_the_screen_does(client: Any, cast: Cast) -> None:
    await log_in(client, cast.owner, cast.password)
    token = await csrf(client, PAGE)
    refused = await client.post(PAGE, form={"csrf_token": token, "followup_enabled": "talvez"})
    page = await refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Follow-up depois do atendimento: não é uma das opções." in page
    assert "followup_enabled" not in page.split('name="followup_enabled"')[0]
