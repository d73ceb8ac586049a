"""Empresas: the platform admin lists companies and provisions one, watching each step; the
token and secrets are shown once."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.tenancy.models import Company
from tests.support import reads
from tests.support.factories import Cast
from tests.support.panel import HTMX, htmx_headers, log_in, logged_in
from tests.support.waiting import eventually

NEW = {
    "name": "Clínica Sorriso",
    "slug": "sorriso",
    "domain": "sorriso.example.com",
    "plan_slug": "pro",
    "plan_name": "Pró Clínicas",
    "monthly_messages": "500",
    "overage": "allow",
}


async def test_the_platform_admin_provisions_a_company_step_by_step(
    client: Any, cast: Cast
) -> None:
    await log_in(client, cast.admin, cast.password)
    page = await (await client.get("/painel/empresas")).get_data(as_text=True)
    assert "Acme" in page and "Globex" in page and "Nova Empresa" in page
    headers = await htmx_headers(client, "/painel/empresas")
    started = await (await client.post("/painel/empresas", form=NEW, headers=headers)).get_data(
        as_text=True
    )
    job = re.search(r"/painel/empresas/provisionamento/([\w-]+)", started).group(1)

    async def finished() -> str | None:
        body = await (
            await client.get(f"/painel/empresas/provisionamento/{job}", headers=HTMX)
        ).get_data(as_text=True)
        return body if "Token de API</dt>" in body else None

    done = await eventually(finished)
    assert done.count("<strong>pronto</strong>") == 4
    assert re.search(r"<code>sv_[0-9a-f]{8}_", done) and "spawn_worker.py --company-id 3" in done
    again = await client.get(f"/painel/empresas/provisionamento/{job}", headers=HTMX)
    assert again.status_code == 404  # shown once
    listed = await (await client.get("/painel/empresas")).get_data(as_text=True)
    assert "Clínica Sorriso" in listed and "0 de 500" in listed
    assert "Pró Clínicas" in listed  # the plan's name as typed, accents and all


async def test_taken_slug_and_bad_input_are_explained(client: Any, cast: Cast) -> None:
    headers = await logged_in(client, cast.admin, cast.password, "/painel/empresas")
    bad = await client.post("/painel/empresas", form={**NEW, "slug": "Não Pode"}, headers=headers)
    explained = "Identificador (slug): não está no formato esperado."
    assert bad.status_code == 422 and explained in await bad.get_data(as_text=True)
    # Which of the two is taken, said by its field's name.
    for form, said in (
        ({**NEW, "slug": "acme"}, "Identificador (slug): já é usado por outra empresa."),
        ({**NEW, "domain": "globex.example.com"}, "Domínio: já é usado por outra empresa."),
    ):
        taken = await (await client.post("/painel/empresas", form=form, headers=headers)).get_data(
            as_text=True
        )
        job = re.search(r"/painel/empresas/provisionamento/([\w-]+)", taken).group(1)

        async def failed(job: str = job) -> str | None:
            body = await (
                await client.get(f"/painel/empresas/provisionamento/{job}", headers=HTMX)
            ).get_data(as_text=True)
            return body if "Não foi possível" in body else None

        assert said in await eventually(failed)


async def test_only_the_platform_admin_sees_empresas(client: Any, cast: Cast) -> None:
    await log_in(client, cast.owner, cast.password)
    assert (await client.get("/painel/empresas")).status_code == 403
    page = await (await client.get("/painel/conversas")).get_data(as_text=True)
    assert "/painel/empresas" not in page  # no tab either


async def test_manual_billing_is_ticked_by_the_platform_admin_when_creating_a_company(
    client: Any, cast: Cast, engine: AsyncEngine
) -> None:
    headers = await logged_in(client, cast.admin, cast.password, "/painel/empresas")
    form = await (await client.get("/painel/empresas")).get_data(as_text=True)
    assert 'name="manual_billing"' in form and "Cobrança manual" in form
    ticked = {**NEW, "manual_billing": "on"}
    started = await (await client.post("/painel/empresas", form=ticked, headers=headers)).get_data(
        as_text=True
    )
    job = re.search(r"/painel/empresas/provisionamento/([\w-]+)", started).group(1)

    async def created() -> Any:
        progress = await client.get(f"/painel/empresas/provisionamento/{job}", headers=HTMX)
        if "Token de API</dt>" not in await progress.get_data(as_text=True):
            return None
        return await reads.value(engine, Company.settings, where=Company.slug == "sorriso")

    assert (await eventually(created))["billing"] == {"manual": True}
