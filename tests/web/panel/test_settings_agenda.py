"""Configurações › Agenda: the local calendar's hours, Cal.com with a write-only key, and
"Testar conexão" for Cal.com and Whaticket (the fakes at the HTTP boundary); Portuguese
field errors; the outbox banner in Conversas while Whaticket is not configured."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.operations.models import AuditLog
from domain.tenancy.models import Company
from tests.fakes.calcom import FakeCalcom
from tests.fakes.server import LocalServer
from tests.support import reads
from tests.support.factories import Cast
from tests.support.panel import csrf, htmx_headers, log_in

SETTINGS = "/painel/configuracoes"
WEEK = {
    **{f"{d}_open": "09:00" for d in ("mon", "tue", "wed", "thu", "fri")},
    **{f"{d}_close": "17:00" for d in ("mon", "tue", "wed", "thu", "fri")},
    "slot_minutes": "60",
    "local": "on",
    "national_holidays": "on",
    "closed_days": "24/12/2026",
}


async def stored(engine: AsyncEngine, company_id: int) -> dict[str, Any]:
    return await reads.value(engine, Company.settings, where=Company.id == company_id)


@pytest.fixture
async def calcom() -> AsyncIterator[tuple[FakeCalcom, str]]:
    fake = FakeCalcom()
    async with LocalServer(fake.app()) as url:
        yield fake, url


async def test_the_admin_sets_hours_and_sees_them_again(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    await log_in(client, cast.owner, cast.password)
    page = await (await client.get(SETTINGS)).get_data(as_text=True)
    assert "Agenda local ativada" in page and 'href="/painel/configuracoes/usuarios"' in page
    token = await csrf(client, SETTINGS)
    saved = await client.post(f"{SETTINGS}/agenda", form={"csrf_token": token, **WEEK})
    body = await saved.get_data(as_text=True)
    assert saved.status_code == 200 and "Agenda salva." in body
    assert 'id="mon-open" name="mon_open" type="time" value="09:00"' in body
    assert "24/12/2026" in body
    agenda = (await stored(engine, cast.a.company.id))["agenda"]
    assert agenda["hours"]["mon"] == ["09:00-17:00"] and agenda["hours"]["sat"] == []
    assert agenda["slot_minutes"] == 60 and agenda["holidays"] == ["2026-12-24"]
    audited = await reads.values(
        engine,
        AuditLog.after,
        tenant=cast.a.company.id,
        where=AuditLog.action == "company.settings",
    )
    assert any("agenda.hours" in str(a) for a in audited)


async def test_impossible_hours_are_a_portuguese_field_error_and_the_form_is_kept(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    await log_in(client, cast.owner, cast.password)
    token = await csrf(client, SETTINGS)
    form = {"csrf_token": token, **WEEK, "tue_close": "07:00"}
    refused = await client.post(f"{SETTINGS}/agenda", form=form)
    body = await refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Terça: fecha: precisa ser depois do horário de abrir." in body
    assert 'name="tue_close" type="time" value="07:00"' in body  # what was typed stays
    assert "agenda" not in await stored(engine, cast.a.company.id)


async def test_calcom_key_is_write_only_and_the_connection_test_counts_event_types(
    client: Any, engine: AsyncEngine, cast: Cast, calcom: tuple[FakeCalcom, str]
) -> None:
    fake, url = calcom
    await log_in(client, cast.owner, cast.password)
    token = await csrf(client, SETTINGS)
    form = {
        "csrf_token": token,
        "cal_base_url": f"{url}/v2",
        "cal_api_key": fake.api_key,
        "cal_username": "dra-ana",
        "cal_event_types": str(fake.event_type_id),
        "cal_webhook_secret": "whsec-123",
    }
    saved = await client.post(f"{SETTINGS}/calcom", form=form)
    body = await saved.get_data(as_text=True)
    assert "Cal.com salvo." in body and fake.api_key not in body and "whsec-123" not in body
    assert 'Chave da API do Cal.com <span class="muted">(configurada' in body
    cal = (await stored(engine, cast.a.company.id))["cal"]
    assert cal["api_key"] == fake.api_key and cal["event_type_id"] == fake.event_type_id

    headers = await htmx_headers(client, SETTINGS)
    checked = await client.post(f"{SETTINGS}/calcom/testar", headers=headers)
    assert "Conexão OK: 2 tipos de evento." in await checked.get_data(as_text=True)
    assert fake.calls("GET", "/v2/event-types")[0]["args"] == {"username": "dra-ana"}

    fake.api_key = "another-key"  # Cal.com no longer takes the saved key
    refused = await client.post(f"{SETTINGS}/calcom/testar", headers=headers)
    assert "Falhou: " in (text := await refused.get_data(as_text=True))
    assert "recusou a chave de API" in text


async def test_calcom_test_without_settings_says_what_is_missing(client: Any, cast: Cast) -> None:
    await log_in(client, cast.owner, cast.password)
    headers = await htmx_headers(client, SETTINGS)
    checked = await client.post(f"{SETTINGS}/calcom/testar", headers=headers)
    said = await checked.get_data(as_text=True)
    assert "Falhou: Agenda automática não configurada: falta a chave de API do Cal.com" in said
    assert "faltam a URL" not in said  # the URL is optional: never called missing


async def test_whaticket_connection_test(client: Any, cast: Cast, whaticket: Any) -> None:
    await log_in(client, cast.owner, cast.password)
    headers = await htmx_headers(client, SETTINGS)
    missing = await client.post(f"{SETTINGS}/whaticket/testar", headers=headers)
    assert "O Whaticket não está configurado" in await missing.get_data(as_text=True)

    async def save_token(token: str) -> None:
        form = {"csrf_token": await csrf(client, SETTINGS), "whaticket_token": token}
        form["whaticket_base_url"] = whaticket.url
        assert (await client.post(SETTINGS, form=form)).status_code == 200

    await save_token(whaticket.token)
    ok = await client.post(f"{SETTINGS}/whaticket/testar", headers=headers)
    assert "Conexão OK: o Whaticket aceitou" in await ok.get_data(as_text=True)
    await save_token("a-token-whaticket-refuses")
    wrong = await client.post(f"{SETTINGS}/whaticket/testar", headers=headers)
    assert "O Whaticket recusou as credenciais" in await wrong.get_data(as_text=True)


async def test_operators_cannot_test_or_change_the_agenda(client: Any, cast: Cast) -> None:
    await log_in(client, cast.member, cast.password)
    headers = await htmx_headers(client, "/painel/conversas")
    assert (await client.post(f"{SETTINGS}/calcom/testar", headers=headers)).status_code == 403
    assert (await client.post(f"{SETTINGS}/agenda", headers=headers)).status_code == 403


async def test_conversas_warns_while_replies_wait_for_whaticket(
    client: Any, engine: AsyncEngine, cast: Cast, conversation: int, whaticket: Any
) -> None:
    await log_in(client, cast.member, cast.password)
    page = await (await client.get("/painel/conversas")).get_data(as_text=True)
    assert "1 resposta aguardando: configure o Whaticket em Configurações" in page
    assert "peça a um administrador" in page  # an operator cannot open Configurações

    await log_in(client, cast.owner, cast.password)
    listed = await (await client.get("/painel/conversas")).get_data(as_text=True)
    assert 'configure o Whaticket em <a href="/painel/configuracoes">' in listed
    form = {"csrf_token": await csrf(client, SETTINGS), "whaticket_token": whaticket.token}
    form["whaticket_base_url"] = whaticket.url
    await client.post(SETTINGS, form=form)
    configured = await (await client.get("/painel/conversas")).get_data(as_text=True)
    assert "aguardando: configure o Whaticket" not in configured
