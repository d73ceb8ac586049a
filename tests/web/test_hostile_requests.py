"""Requests anyone can send outside the webhooks (issue 13): a static file name the filesystem
cannot look up and odd company numbers in the login forms answer 4xx, never 500."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.api import bearer
from tests.support.factories import Cast
from tests.support.panel import csrf, log_in, logged_in


@pytest.mark.parametrize("name", ["a" * 5000, "a/" * 200 + "b" * 300, "%00", "x%00.js", "é" * 300])
async def test_a_static_name_the_filesystem_refuses_is_not_found(client: Any, name: str) -> None:
    response = await client.get(f"/static/{name}")
    assert response.status_code == 404
    assert (await response.get_json())["error"] == "not_found"


async def test_static_files_are_still_served(client: Any) -> None:
    assert (await client.get("/static/panel.js")).status_code == 200


@pytest.mark.parametrize("company_id", ["²", "١", "99999999999999999999999999", "-1", "1e3"])
async def test_an_odd_company_at_login_is_no_company_chosen(
    client: Any, cast: Cast, company_id: str
) -> None:
    response = await log_in(client, cast.owner, cast.password, company_id=company_id)
    assert response.status_code in (200, 302, 303, 400, 401, 403, 422)


@pytest.mark.parametrize("company_id", ["²", "99999999999999999999999999", ""])
async def test_an_odd_company_in_the_switcher_is_refused(
    client: Any, cast: Cast, company_id: str
) -> None:
    await log_in(client, cast.owner, cast.password)
    token = await csrf(client, "/painel/conversas")
    response = await client.post(
        "/painel/empresa", form={"csrf_token": token, "company_id": company_id}
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("delete", "/api/keys/14811543453"),  # api_keys.id is an integer column
        ("post", "/api/conversations/99999999999999999999/handoff"),  # past bigint
        ("post", "/api/agenda/appointments/0/remind"),
    ],
)
async def test_an_id_past_its_column_names_nothing(
    client: Any, cast: Cast, method: str, path: str
) -> None:
    headers = await bearer(client, cast.owner, cast.password)
    response = await getattr(client, method)(path, headers=headers)
    assert response.status_code == 404


@pytest.mark.parametrize("body", [b"\xff\xfe", b'{"email": "\xc3"}', b"\x00"])
async def test_a_json_body_that_is_not_utf8_is_not_json(client: Any, body: bytes) -> None:
    response = await client.post(
        "/api/auth/token", data=body, headers={"Content-Type": "application/json"}
    )
    assert (response.status_code, (await response.get_json())["error"]) == (400, "invalid_json")


async def test_nul_in_api_input_is_refused_by_name(client: Any, cast: Cast) -> None:
    login = {"email": "a\u0000@b.c", "password": "x"}
    refused = await client.post("/api/auth/token", json=login)
    assert (refused.status_code, (await refused.get_json())["field"]) == (422, "email")
    headers = await bearer(client, cast.owner, cast.password)
    listed = await client.get("/api/agenda/appointments?client=%00", headers=headers)
    assert (listed.status_code, (await listed.get_json())["field"]) == (422, "client")


@pytest.mark.parametrize(
    ("path", "form"),
    [
        ("/painel/simulador/mensagem", {"text": "oi\x00"}),
        ("/painel/agenda", {"name": "A\x00", "phone": "11999999999", "start": "2030-01-01T10:00"}),
        ("/painel/configuracoes", {"secretary_name": "A\x00"}),
    ],
)
async def test_nul_in_a_panel_form_is_refused_by_name(
    client: Any, cast: Cast, path: str, form: dict[str, str]
) -> None:
    headers = await logged_in(client, cast.owner, cast.password, "/painel/conversas")
    response = await client.post(path, form=form, headers=headers)
    assert response.status_code == 422
    assert "Confira o campo" in await response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/webhook/whaticket/%00/token", "/webhook/whaticket/acme/%00"])
async def test_nul_in_a_path_names_nothing(client: Any, cast: Cast, path: str) -> None:
    response = await client.post(path, data=b"{}")
    assert response.status_code == 404


@pytest.mark.parametrize("company_id", ["2147483648", "9223372036854775808", "9" * 30])
async def test_a_company_id_past_its_column_names_no_company(
    client: Any, cast: Cast, engine: Any, company_id: str
) -> None:
    """companies.id is an integer column: a larger number is refused or names nothing."""
    from tests.support.calcom import signed

    admin = await bearer(client, cast.admin, cast.password)
    for url in ("/api/conversations", "/api/keys", "/api/analytics/summary"):
        response = await client.get(f"{url}?company_id={company_id}", headers=admin)
        assert (response.status_code, (await response.get_json())["field"]) == (422, "company_id")
    body = b'{"triggerEvent": "PING"}'
    cal = await client.post(
        "/api/agenda/webhook/cal", data=body, headers=signed(body, company=company_id)
    )
    assert cal.status_code == 404
    token = await client.post(
        "/api/auth/token",
        json={"email": cast.owner, "password": cast.password, "company_id": int(company_id)},
    )
    assert token.status_code < 500
    login = await log_in(client, cast.owner, cast.password, company_id=company_id)
    assert login.status_code < 500
