"""Panel sessions (T5, S2): login and logout with CSRF tokens and safe cookie flags."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.settings import Settings
from tests.support.factories import Cast, deactivate, join, leave
from tests.support.panel import csrf, log_in


async def test_anonymous_visitors_are_sent_to_the_login_page(client: Any) -> None:
    response = await client.get("/painel")
    assert response.status_code == 302
    assert response.headers["Location"] == "/painel/login?next=/painel"


async def test_login_sets_a_safe_session_cookie_and_opens_the_panel(
    client: Any, cast: Cast
) -> None:
    form_page = await client.get("/painel/login")
    seed_cookie = form_page.headers["Set-Cookie"]
    assert (
        "sv_csrf=" in seed_cookie and "HttpOnly" in seed_cookie and "SameSite=Strict" in seed_cookie
    )
    response = await log_in(client, cast.owner, cast.password, next="/painel")
    assert response.status_code == 302 and response.headers["Location"] == "/painel"
    session_cookie = response.headers["Set-Cookie"]
    assert "sv_session=" in session_cookie
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
    assert "Secure" not in session_cookie  # plain-HTTP development
    assert (await client.get("/painel")).headers["Location"] == "/painel/conversas"
    page = await (await client.get("/painel/conversas")).get_data(as_text=True)
    assert "Acme" in page and "administrador" in page


async def test_forms_without_the_right_csrf_token_are_refused(client: Any, cast: Cast) -> None:
    await client.get("/painel/login")  # the browser has its seed cookie
    form = {"email": cast.owner, "password": cast.password}
    assert (await client.post("/painel/login", form=form)).status_code == 403
    forged = {**form, "csrf_token": "0" * 64}
    assert (await client.post("/painel/login", form=forged)).status_code == 403
    assert (await log_in(client, cast.owner, cast.password)).status_code == 302
    assert (await client.post("/painel/logout", form={})).status_code == 403
    token = await csrf(client, "/painel/conversas")
    logout = await client.post("/painel/logout", form={"csrf_token": token})
    assert logout.status_code == 302
    assert (await client.get("/painel")).status_code == 302  # logged out


async def test_wrong_password_shows_the_form_again_and_counts(client: Any, cast: Cast) -> None:
    response = await log_in(client, cast.owner, "wrong")
    assert response.status_code == 401
    assert "E-mail ou senha incorretos" in await response.get_data(as_text=True)


async def test_users_of_several_companies_choose_one(
    client: Any, cast: Cast, engine: AsyncEngine
) -> None:
    await join(engine, cast.owner, cast.b.company.id, "operator")
    first = await log_in(client, cast.owner, cast.password)
    page = await first.get_data(as_text=True)
    assert first.status_code == 200 and "Escolha a empresa" in page and "Globex" in page
    chosen = await log_in(client, cast.owner, cast.password, company_id=str(cast.b.company.id))
    assert chosen.status_code == 302
    assert "operador" in await (await client.get("/painel/conversas")).get_data(as_text=True)


async def test_a_removed_member_is_logged_out_at_once(
    client: Any, cast: Cast, engine: AsyncEngine
) -> None:
    await log_in(client, cast.member, cast.password)
    assert (await client.get("/painel/conversas")).status_code == 200
    await leave(engine, cast.member, cast.a.company.id)
    assert (await client.get("/painel/conversas")).status_code == 302


async def test_a_deactivated_user_is_logged_out_at_once(
    client: Any, cast: Cast, engine: AsyncEngine
) -> None:
    await log_in(client, cast.owner, cast.password)
    assert (await client.get("/painel/conversas")).status_code == 200
    await deactivate(engine, cast.owner)
    assert (await client.get("/painel/conversas")).status_code == 302


def session_cookie(response: Any) -> str:
    """The `Cookie` header that replays the session cookie a response set."""
    set_cookie = response.headers["Set-Cookie"]
    assert set_cookie.startswith("sv_session="), set_cookie
    return set_cookie.split(";", 1)[0]


async def test_a_session_cookie_replayed_after_logout_is_refused(
    app: Any, client: Any, cast: Cast
) -> None:
    stolen = session_cookie(await log_in(client, cast.owner, cast.password))
    elsewhere = app.test_client()  # another browser, holding a copy of the cookie
    replayed = await elsewhere.get("/painel/conversas", headers={"Cookie": stolen})
    assert replayed.status_code == 200  # the copy works while the session lasts
    token = await csrf(client, "/painel/conversas")
    assert (await client.post("/painel/logout", form={"csrf_token": token})).status_code == 302
    after = await elsewhere.get("/painel/conversas", headers={"Cookie": stolen})
    assert after.status_code == 302 and after.headers["Location"].startswith("/painel/login")


async def test_logging_in_again_ends_the_browser_s_earlier_session(
    app: Any, client: Any, cast: Cast
) -> None:
    first = session_cookie(await log_in(client, cast.owner, cast.password))
    await log_in(client, cast.member, cast.password)  # someone else, same browser
    elsewhere = app.test_client()
    replayed = await elsewhere.get("/painel/conversas", headers={"Cookie": first})
    assert replayed.status_code == 302


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example.com/x",
        "/\\evil.example",
        "\\\\evil.example",
        "\\/evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "/painel\r\nSet-Cookie: sv_session=x",
        "https://evil.example/painel",
        "javascript:alert(document.cookie)",
        "evil.example",
        "/painel/\u3002evil",
    ],
)
async def test_next_never_leaves_the_site(client: Any, cast: Cast, target: str) -> None:
    response = await log_in(client, cast.owner, cast.password, next=target)
    assert response.status_code == 302 and response.headers["Location"] == "/painel"


async def test_next_comes_back_to_the_page_asked_for(client: Any, cast: Cast) -> None:
    asked = "/painel/agenda?de=2026-03-01&cliente=Jo%C3%A3o"
    response = await log_in(client, cast.owner, cast.password, next=asked)
    assert response.headers["Location"] == asked
    form = await (await client.get(f"/painel/login?next={quote(asked)}")).get_data(as_text=True)
    assert 'name="next" value="/painel/agenda?de=2026-03-01&amp;cliente=Jo%C3%A3o"' in form


@pytest.mark.filterwarnings("ignore:Secure cookies will be ignored on insecure requests")
async def test_cookies_are_secure_outside_development(settings: Settings, cast: Cast) -> None:
    from web.app import create_app

    production = settings.model_copy(
        update={"env": "production", "public_base_url": "https://painel.example.com"}
    )
    app = create_app(production)
    async with app.test_app() as test_app:
        client = test_app.test_client()
        assert "Secure" in (await client.get("/painel/login")).headers["Set-Cookie"]
        response = await log_in(client, cast.owner, cast.password)
        assert "Secure" in response.headers["Set-Cookie"]


async def test_the_company_switcher_changes_company_and_role(
    client: Any, cast: Cast, engine: AsyncEngine
) -> None:
    await join(engine, cast.owner, cast.b.company.id, "operator")
    await log_in(client, cast.owner, cast.password, company_id=str(cast.a.company.id))
    page = await (await client.get("/painel/conversas")).get_data(as_text=True)
    assert 'id="company-switch"' in page and "Globex" in page
    token = await csrf(client, "/painel/conversas")
    switched = await client.post(
        "/painel/empresa",
        form={"csrf_token": token, "company_id": str(cast.b.company.id)},
        headers={"Referer": "http://localhost/painel/analytics"},
    )
    assert switched.status_code == 302 and switched.headers["Location"] == "/painel/analytics"
    page = await (await client.get("/painel/conversas")).get_data(as_text=True)
    assert "operador" in page and f'value="{cast.b.company.id}" selected' in page
    outsider_company = await client.post(
        "/painel/empresa", form={"csrf_token": token, "company_id": "999"}
    )
    assert outsider_company.status_code == 403


async def test_the_company_switcher_goes_back_only_to_a_panel_page_of_ours(
    client: Any, cast: Cast, engine: AsyncEngine
) -> None:
    await join(engine, cast.owner, cast.b.company.id, "operator")
    await log_in(client, cast.owner, cast.password, company_id=str(cast.a.company.id))
    token = await csrf(client, "/painel/conversas")
    for referer in (
        "https://evil.example/",
        "http://localhost//evil.example/painel/x",
        "http://localhost/\\evil.example/painel/x",
        "http://localhost/painel/\\evil.example",
    ):
        switched = await client.post(
            "/painel/empresa",
            form={"csrf_token": token, "company_id": str(cast.b.company.id)},
            headers={"Referer": referer},
        )
        assert switched.headers["Location"] == "/painel/conversas", referer
