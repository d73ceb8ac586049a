"""Filas: backlog, dead letters with replay per company, and SAQ's dashboard for the
platform admin behind the panel login."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.operations.store import add_dead_letter
from tests.support.factories import Cast
from tests.support.panel import htmx_headers, log_in


async def dead_letters(engine: AsyncEngine, cast: Cast) -> tuple[int, int]:
    ids = []
    async with engine.begin() as conn:
        for company in (cast.a, cast.b):
            ids.append(
                await add_dead_letter(
                    conn,
                    company_id=company.company.id,
                    queue="default",
                    function="send_usage_alert",
                    job_key=f"alert:{company.company.id}",
                    kwargs={"company_id": company.company.id, "alert_id": 1},
                    error="Traceback ...\nHookFailed: HTTP 503",
                    attempts=6,
                )
            )
    return ids[0], ids[1]


async def test_a_company_sees_and_replays_only_its_dead_letters(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    mine, theirs = await dead_letters(engine, cast)
    await log_in(client, cast.member, cast.password)
    page = await (await client.get("/painel/filas")).get_data(as_text=True)
    assert "Filas" in page and "worker compartilhado" in page
    # The reason in Portuguese; the exception's own text only for the platform admin.
    assert "O endereço de avisos da empresa não aceitou o aviso (HTTP 503)" in page
    assert "HookFailed" not in page and "sv:" not in page
    assert (
        f"/painel/filas/reenviar/{mine}" in page and f"/painel/filas/reenviar/{theirs}" not in page
    )
    assert "Painel do SAQ" not in page
    headers = await htmx_headers(client, "/painel/filas")
    assert (
        await client.post(f"/painel/filas/reenviar/{theirs}", headers=headers)
    ).status_code == 404
    replayed = await client.post(f"/painel/filas/reenviar/{mine}", headers=headers)
    assert replayed.status_code == 200
    assert "Nenhuma falha definitiva" in await replayed.get_data(as_text=True)
    refused = await client.get("/painel/filas/saq/")
    shown = await refused.get_data(as_text=True)
    assert refused.status_code == 403 and refused.content_type.startswith("text/html")
    assert (
        "Só o administrador da plataforma" in shown and 'href="/painel">Voltar ao painel' in shown
    )


async def test_the_platform_admin_gets_the_saq_dashboard_under_the_panel(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    await dead_letters(engine, cast)
    anonymous = await client.get("/painel/filas/saq/")
    assert anonymous.status_code == 302 and "/painel/login" in anonymous.headers["Location"]
    await log_in(client, cast.admin, cast.password)
    page = await (await client.get("/painel/filas")).get_data(as_text=True)
    assert page.count("/painel/filas/reenviar/") == 2 and "Painel do SAQ" in page
    assert "Detalhe técnico" in page and "HookFailed: HTTP 503" in page
    assert "Workers ativos na fila compartilhada (mensagens)" in page
    dashboard = await client.get("/painel/filas/saq/")
    html = await dashboard.get_data(as_text=True)
    assert dashboard.status_code == 200 and "/painel/filas/saq" in html, html[:500]
    # SAQ's own page, with our way back to the panel on top (its length adjusted).
    assert '<a href="/painel/filas">← Voltar ao painel</a>' in html
    assert int(dashboard.headers["Content-Length"]) == len(html.encode())
    asset = re.search(r'(/painel/filas/saq/static/[^"\']+)', html).group(1)
    assert (await client.get(asset, headers={"Accept-Encoding": "gzip"})).status_code == 200
    api = await (await client.get("/painel/filas/saq/api/queues")).get_json()
    names = {q["name"] for q in api["queues"]}
    assert any(n.endswith(":default") for n in names) and any(
        n.endswith(":company-1") for n in names
    )
    cross = await client.post(
        "/painel/filas/saq/api/queues/x/jobs/y/retry", headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert cross.status_code == 403


async def test_an_unreachable_whaticket_is_told_in_portuguese(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    async with engine.begin() as conn:
        for number, detail in enumerate(
            (
                "ConnectError('[Errno -2] Name or service not known')",
                "ConnectError('[Errno 111] Connection refused')",
            )
        ):
            await add_dead_letter(
                conn,
                company_id=cast.a.company.id,
                queue="default",
                function="deliver_message",
                job_key=f"deliver:{number}",
                kwargs={"company_id": cast.a.company.id, "message_id": number},
                error=f"Traceback ...\nDeliveryFailed: Whaticket unreachable: {detail}",
                attempts=6,
            )
    await log_in(client, cast.member, cast.password)
    page = await (await client.get("/painel/filas")).get_data(as_text=True)
    assert "Whaticket inacessível (endereço não encontrado)" in page
    assert "Whaticket inacessível (conexão recusada)" in page
    assert "enviar mensagem" in page
    assert "DeliveryFailed" not in page and "Errno" not in page and "ConnectError" not in page
