"""Configurações: write-only secrets, audited changes, secret rotation with a grace period."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.operations.models import AuditLog
from domain.settings import Settings
from domain.tenancy.models import Company
from tests.support import reads
from tests.support.factories import Cast
from tests.support.panel import csrf, log_in, logged_in
from tests.support.webhooks import post_webhook, text_body

TOKEN = "wt-secret-token-123456"


async def settings_of(engine: AsyncEngine, company_id: int) -> dict[str, Any]:
    """The company's settings as stored."""
    return await reads.value(engine, Company.settings, where=Company.id == company_id)


async def test_secrets_are_write_only_and_changes_are_audited(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    await log_in(client, cast.owner, cast.password)
    token = await csrf(client, "/painel/configuracoes")
    form = {
        "csrf_token": token,
        "whaticket_base_url": "https://whaticket.acme.example.com/",
        "whaticket_token": TOKEN,
        "gemini_api_key": "AIza-acme-key",
        "secretary_name": "Ana",
        "secretary_tone": "formal",
        "business_hours": "seg a sex, 8h às 18h",
    }
    saved = await client.post("/painel/configuracoes", form=form)
    page = await saved.get_data(as_text=True)
    assert saved.status_code == 200 and "Configurações salvas: URL do Whaticket" in page
    assert TOKEN not in page and "AIza-acme-key" not in page and "configurado" in page
    stored = await settings_of(engine, cast.a.company.id)
    assert stored["whaticket"] == {"base_url": "https://whaticket.acme.example.com", "token": TOKEN}
    assert stored["secretary"]["tone"] == "formal"

    # Empty secret fields keep the secrets; "remover" clears one.
    kept = await client.post(
        "/painel/configuracoes",
        form={
            "csrf_token": token,
            "secretary_name": "Ana",
            "secretary_tone": "formal",
            "business_hours": "seg a sex, 8h às 18h",
            "whaticket_base_url": "https://whaticket.acme.example.com",
        },
    )
    assert "Nada mudou" in await kept.get_data(as_text=True)
    await client.post(
        "/painel/configuracoes",
        form={
            "csrf_token": token,
            "clear": "gemini.api_key",
            "secretary_tone": "formal",
            "secretary_name": "Ana",
            "business_hours": "seg a sex, 8h às 18h",
            "whaticket_base_url": "https://whaticket.acme.example.com",
        },
    )
    assert (await settings_of(engine, cast.a.company.id))["gemini"]["api_key"] is None
    assert (await settings_of(engine, cast.a.company.id))["whaticket"]["token"] == TOKEN

    changed = AuditLog.action == "company.settings"
    audited = await reads.values(engine, AuditLog.after, tenant=cast.a.company.id, where=changed)
    audit = [str(after) for after in audited]
    assert any("whaticket.token" in a for a in audit)
    assert all(TOKEN not in a and "AIza" not in a for a in audit)

    bad = await client.post(
        "/painel/configuracoes", form={"csrf_token": token, "whaticket_base_url": "not a url"}
    )
    assert bad.status_code == 422
    assert "URL do Whaticket: não é um endereço válido" in await bad.get_data(as_text=True)


async def test_rotating_the_webhook_secret_keeps_the_old_one_for_a_while(
    client: Any, cast: Cast
) -> None:
    headers = await logged_in(client, cast.owner, cast.password, "/painel/configuracoes")
    shown = await (
        await client.post("/painel/configuracoes/segredo-webhook", headers=headers)
    ).get_data(as_text=True)
    new_secret = re.search(r"<code>([\w-]{40,})</code>", shown).group(1)
    assert (await post_webhook(client, text_body("r1", "oi"), secret=new_secret)).status_code == 202
    assert (
        await post_webhook(client, text_body("r2", "oi"), secret="secret-acme")
    ).status_code == 202  # grace
    assert (
        await post_webhook(client, text_body("r3", "oi"), secret="never-valid")
    ).status_code == 401

    url = re.search(
        r"<code>https?://[^/]+(/webhook/whaticket/acme/[\w-]+)</code>",
        await (await client.post("/painel/configuracoes/token-url", headers=headers)).get_data(
            as_text=True
        ),
    ).group(1)
    ok = await client.post(
        url, data=text_body("u1", "oi"), headers={"Content-Type": "application/json"}
    )
    assert ok.status_code == 202
    old = f"/webhook/whaticket/acme/{cast.a.url_token}"
    assert (
        await client.post(
            old, data=text_body("u2", "oi"), headers={"Content-Type": "application/json"}
        )
    ).status_code == 401


async def test_operators_cannot_change_the_configuration(client: Any, cast: Cast) -> None:
    await log_in(client, cast.member, cast.password)
    refused = await client.get("/painel/configuracoes")
    assert refused.status_code == 403
    assert "Seu perfil não tem permissão para isso." in await refused.get_data(as_text=True)
    page = await (await client.get("/painel/conversas")).get_data(as_text=True)
    assert "/painel/configuracoes" not in page


def test_the_view_hides_payment_secrets_and_a_rotated_out_webhook_secret() -> None:
    from domain.tenancy.configuration import public_view

    view = public_view(
        {
            "whaticket": {"base_url": "https://w.example.com", "token": TOKEN},
            "billing": {"stripe_webhook_secret": "whsec_x"},
            "previous_webhook_secret": {
                "secret": "old-secret",
                "until": "2026-11-26T00:00:00+00:00",
            },
            "alert_url": "https://a.example.com",
        }
    )
    assert view == {
        "whaticket": {"base_url": "https://w.example.com", "token": True},
        "alert_url": "https://a.example.com",
    }


async def test_reminder_offsets_and_no_show_grace_are_per_company(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    """G5: "24, 2" hours in Configurações become the company's reminder offsets."""
    from domain.agenda.reminders import policy_for
    from domain.settings import Settings
    from domain.tenancy.directory import CompanyDirectory

    await log_in(client, cast.owner, cast.password)
    token = await csrf(client, "/painel/configuracoes")
    form = {"csrf_token": token, "reminder_hours": "2, 24", "no_show_grace_minutes": "0"}
    page = await (await client.post("/painel/configuracoes", form=form)).get_data(as_text=True)
    assert "lembretes antes do horário" in page and 'value="24, 2"' in page
    stored = await settings_of(engine, cast.a.company.id)
    assert stored["agenda"] == {"reminders": [1440, 120], "no_show_grace_minutes": 0}
    company = await CompanyDirectory(engine).profile(cast.a.company.id)
    policy = policy_for(company, Settings())
    assert policy.offsets == (1440, 120) and policy.no_show_grace.total_seconds() == 0
    bad = await client.post(
        "/painel/configuracoes", form={"csrf_token": token, "reminder_hours": "amanhã"}
    )
    explained = (
        "Lembretes antes do horário: não está no formato esperado; use horas separadas por vírgula"
    )
    assert bad.status_code == 422 and explained in await bad.get_data(as_text=True)


@pytest.fixture
async def production_client(settings: Settings) -> AsyncIterator[Any]:
    """The panel of a production deployment (private targets not allowed)."""
    from web.app import create_app

    production = settings.model_copy(update={"allow_private_targets": False})
    async with create_app(production).test_app() as app:
        yield app.test_client()


@pytest.mark.parametrize(
    ("field", "label", "url"),
    [
        ("alert_url", "URL dos alertas de consumo", "http://127.0.0.1:6379"),
        ("alert_url", "URL dos alertas de consumo", "http://169.254.169.254/latest/meta-data/"),
        ("alert_url", "URL dos alertas de consumo", "http://[::1]:5432/"),
        ("alert_url", "URL dos alertas de consumo", "http://2130706433/"),
        ("alert_url", "URL dos alertas de consumo", "http://metadata.google.internal/"),
        ("alert_url", "URL dos alertas de consumo", "http://10.0.0.5/hooks"),
        ("alert_url", "URL dos alertas de consumo", "http://localhost:8080/"),
        ("whaticket_base_url", "URL do Whaticket", "http://127.0.0.1:8080"),
        ("whaticket_base_url", "URL do Whaticket", "http://localhost"),
        ("whaticket_base_url", "URL do Whaticket", "http://[::ffff:7f00:1]:3000"),
        ("whaticket_base_url", "URL do Whaticket", "http://0x7f.1:3000"),
    ],
)
async def test_urls_leading_inside_our_network_are_refused_naming_the_field(
    production_client: Any, engine: AsyncEngine, cast: Cast, field: str, label: str, url: str
) -> None:
    await log_in(production_client, cast.owner, cast.password)
    token = await csrf(production_client, "/painel/configuracoes")
    refused = await production_client.post(
        "/painel/configuracoes", form={"csrf_token": token, field: url}
    )
    page = await refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert f"{label}: precisa ser um endereço público da internet" in page
    assert await settings_of(engine, cast.a.company.id) == {}


async def test_public_urls_are_saved_in_production(
    production_client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    await log_in(production_client, cast.owner, cast.password)
    token = await csrf(production_client, "/painel/configuracoes")
    saved = await production_client.post(
        "/painel/configuracoes",
        form={
            "csrf_token": token,
            "whaticket_base_url": "https://93.184.215.14:8443",
            "alert_url": "https://hooks.acme.example/alertas",  # resolves nowhere here: kept
        },
    )
    assert saved.status_code == 200
    stored = await settings_of(engine, cast.a.company.id)
    assert stored["whaticket"]["base_url"] == "https://93.184.215.14:8443"
    assert stored["alert_url"] == "https://hooks.acme.example/alertas"
