"""Errors people see: an htmx action refused answers a Portuguese fragment (the page shows it in
its message area) with the right status; a whole panel page refused is a Portuguese HTML page
with a way back; the JSON API and webhooks keep their JSON errors."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio

from domain.settings import Settings
from tests.support.api import bearer
from tests.support.factories import Cast
from tests.support.panel import HTMX, log_in, logged_in
from tests.support.webhooks import post_webhook, text_body


def refusal(body: str) -> str:
    """The text of the fragment the page's script shows."""
    match = re.search(r"<p class=\"error\" role=\"alert\" data-panel-error[^>]*>(.*?)</p>", body)
    assert match, body
    return match.group(1)


async def test_an_empty_reply_is_refused_in_portuguese_naming_the_field(
    client: Any, conversation: int, cast: Cast
) -> None:
    headers = await logged_in(client, cast.member, cast.password, "/painel/conversas")
    empty = await client.post(
        f"/painel/conversas/{conversation}/responder", form={"text": "  "}, headers=headers
    )
    body = await empty.get_data(as_text=True)
    assert empty.status_code == 422 and empty.content_type.startswith("text/html")
    assert refusal(body) == "Escreva a resposta antes de enviar (até 4.000 caracteres)."
    assert 'data-field="text"' in body and "<html" not in body


async def test_giving_back_a_conversation_the_bot_has_is_a_409_in_portuguese(
    client: Any, conversation: int, cast: Cast
) -> None:
    headers = await logged_in(client, cast.member, cast.password, "/painel/conversas")
    again = await client.post(f"/painel/conversas/{conversation}/devolver", headers=headers)
    assert again.status_code == 409
    assert refusal(await again.get_data(as_text=True)) == "Esta conversa já está com o robô."


async def test_an_htmx_action_without_the_csrf_token_says_to_reload(
    client: Any, conversation: int, cast: Cast
) -> None:
    await logged_in(client, cast.member, cast.password, "/painel/conversas")
    forged = await client.post(f"/painel/conversas/{conversation}/assumir", headers=HTMX)
    assert forged.status_code == 403
    assert refusal(await forged.get_data(as_text=True)).startswith(
        "Esta página ficou desatualizada"
    )


async def test_a_company_form_with_a_bad_domain_is_refused_in_portuguese(
    client: Any, cast: Cast
) -> None:
    headers = await logged_in(client, cast.admin, cast.password, "/painel/empresas")
    form = {"name": "Clínica", "slug": "clinica", "domain": "sem-ponto", "plan_slug": "pro"}
    refused = await client.post("/painel/empresas", form=form, headers=headers)
    body = await refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert refusal(body) == "Domínio: não está no formato esperado."
    assert 'data-field="domain"' in body


async def test_another_companys_conversation_is_a_portuguese_404_page(
    client: Any, conversation: int, cast: Cast
) -> None:
    await log_in(client, cast.outsider, cast.password)
    page = await client.get(
        f"/painel/conversas/{conversation}",
        headers={"Referer": "http://localhost/painel/conversas"},
    )
    body = await page.get_data(as_text=True)
    assert page.status_code == 404 and page.content_type.startswith("text/html")
    assert "<html" in body and "Não encontrado" in body and "outra empresa" in body
    assert '<a href="/painel/conversas">Voltar</a>' in body
    unknown = await client.get("/painel/nada-aqui")
    assert unknown.status_code == 404
    assert "Página não encontrada." in await unknown.get_data(as_text=True)


async def test_a_form_without_the_csrf_token_is_a_portuguese_403_page(
    client: Any, cast: Cast
) -> None:
    await log_in(client, cast.owner, cast.password)
    refused = await client.post("/painel/configuracoes", form={"secretary_name": "Ana"})
    body = await refused.get_data(as_text=True)
    assert refused.status_code == 403 and "<html" in body
    assert "Acesso recusado" in body and "Recarregue a página" in body
    assert '<a href="/painel">Voltar</a>' in body


async def test_too_many_failed_logins_are_told_in_portuguese(
    client: Any, cast: Cast, settings: Settings
) -> None:
    for _ in range(settings.login_max_failures):
        assert (await log_in(client, cast.member, "guess")).status_code == 401
    locked = await log_in(client, cast.member, cast.password)
    assert locked.status_code == 429
    assert "Muitas tentativas" in await locked.get_data(as_text=True)


async def test_an_expired_session_sends_htmx_to_the_login_page(client: Any) -> None:
    polled = await client.get(
        "/painel/conversas?part=list",
        headers={**HTMX, "HX-Current-URL": "http://localhost/painel/conversas?status=open"},
    )
    assert polled.status_code == 401
    assert polled.headers["HX-Redirect"] == "/painel/login?next=/painel/conversas%3Fstatus%3Dopen"


@pytest_asyncio.fixture
async def crashing(settings: Settings) -> AsyncIterator[Any]:
    """The app with one panel and one API route that fail unexpectedly."""
    from web.app import create_app

    app = create_app(settings)

    async def crash() -> str:
        raise RuntimeError("a bug")

    app.add_url_rule("/painel/quebrado", "panel_crash", crash)
    app.add_url_rule("/api/quebrado", "api_crash", crash)
    async with app.test_app() as test_app:
        yield test_app.test_client()


async def test_a_crash_in_the_panel_is_a_portuguese_page_with_a_reference(crashing: Any) -> None:
    page = await crashing.get("/painel/quebrado", headers={"X-Correlation-ID": "abc-123"})
    body = await page.get_data(as_text=True)
    assert page.status_code == 500 and "<html" in body
    assert "Algo deu errado do nosso lado" in body and "<code>abc-123</code>" in body
    fragment = await crashing.get("/painel/quebrado", headers=HTMX)
    assert fragment.status_code == 500
    assert refusal(await fragment.get_data(as_text=True)).startswith("Algo deu errado")
    api = await crashing.get("/api/quebrado")
    assert (api.status_code, await api.get_json()) == (
        500,
        {"error": "internal_error", "message": "unexpected server error"},
    )


async def test_api_and_webhook_errors_stay_json(client: Any, conversation: int, cast: Cast) -> None:
    outsider = await bearer(client, cast.outsider, cast.password)
    missing = await client.post(f"/api/conversations/{conversation}/handoff", headers=outsider)
    assert missing.status_code == 404
    assert await missing.get_json() == {"error": "not_found", "message": "no such conversation"}
    anonymous = await client.get("/api/conversations")
    assert anonymous.status_code == 401 and anonymous.headers["WWW-Authenticate"]
    assert (await anonymous.get_json())["error"] == "missing_token"
    unsigned = await post_webhook(client, text_body("x1", "oi"), secret="wrong")
    assert unsigned.status_code == 401
    assert (await unsigned.get_json())["error"] == "invalid_signature"
    nowhere = await client.get("/api/nada-aqui")
    assert (nowhere.status_code, (await nowhere.get_json())["error"]) == (404, "not_found")


async def test_a_browser_that_navigates_to_the_api_gets_a_portuguese_page(client: Any) -> None:
    """The panel's "baixar CSV" link after the session ended: a page, not raw JSON."""
    browser = {"Sec-Fetch-Mode": "navigate", "Accept": "text/html,*/*;q=0.8"}
    for url in ("/api/analytics/report?format=csv", "/api/nada-aqui"):
        response = await client.get(url, headers=browser)
        page = await response.get_data(as_text=True)
        assert response.status_code in (401, 404) and response.content_type.startswith("text/html")
        assert 'lang="pt-BR"' in page and 'href="/painel"' in page, page
