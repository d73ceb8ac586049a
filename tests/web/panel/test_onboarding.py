"""Nova Empresa with its first admin: the invitation link is shown once with the provisioning
result; the admin sets a password, logs in and lands in their company, whose agenda is on."""

from __future__ import annotations

import re
from typing import Any

from tests.support.factories import Cast
from tests.support.panel import HTMX, csrf, htmx_headers, log_in
from tests.support.waiting import eventually

NEW = {
    "name": "Clínica Sorriso",
    "slug": "sorriso",
    "domain": "sorriso.example.com",
    "plan_slug": "basico",
    "admin_email": "dra.ana@sorriso.example.com",
    "admin_name": "Dra. Ana",
}


async def provisioned(client: Any, form: dict[str, str]) -> str:
    headers = await htmx_headers(client, "/painel/empresas")
    started = await (await client.post("/painel/empresas", form=form, headers=headers)).get_data(
        as_text=True
    )
    job = re.search(r"/painel/empresas/provisionamento/([\w-]+)", started).group(1)

    async def finished() -> str | None:
        body = await (
            await client.get(f"/painel/empresas/provisionamento/{job}", headers=HTMX)
        ).get_data(as_text=True)
        return body if "Token de API</dt>" in body or "Não foi possível" in body else None

    return await eventually(finished)


async def test_the_first_admin_sets_a_password_and_lands_in_their_company(
    app: Any, client: Any, cast: Cast
) -> None:
    await log_in(client, cast.admin, cast.password)
    done = await provisioned(client, NEW)
    assert done.count("<strong>pronto</strong>") == 5
    match = re.search(r'id="invitation-link" href="http://[^/"]+(/painel/convite/[\w-]+)"', done)
    assert match and "dra.ana@sorriso.example.com" in done

    admin = app.test_client()
    path = match.group(1)
    form = {
        "csrf_token": await csrf(admin, path),
        "password": "sorriso-2026!",
        "password_confirmation": "sorriso-2026!",
    }
    assert "Senha definida" in await (await admin.post(path, form=form)).get_data(as_text=True)
    await log_in(admin, "dra.ana@sorriso.example.com", "sorriso-2026!")
    settings = await (await admin.get("/painel/configuracoes")).get_data(as_text=True)
    assert "Clínica Sorriso" in settings and "administrador" in settings
    assert 'name="local" checked' in settings
    assert 'id="mon-open" name="mon_open" type="time" value="08:00"' in settings
    assert 'id="sat-open" name="sat_open" type="time" value=""' in settings


async def test_a_bad_admin_email_is_explained(client: Any, cast: Cast) -> None:
    await log_in(client, cast.admin, cast.password)
    token = await csrf(client, "/painel/empresas")
    refused = await client.post(
        "/painel/empresas", form={"csrf_token": token, **NEW, "admin_email": "ana-sem-arroba"}
    )
    assert refused.status_code == 422
    assert "E-mail do administrador da empresa: tem um valor inválido." in (
        await refused.get_data(as_text=True)
    )
