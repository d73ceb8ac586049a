"""web/headers.py: every response carries the security headers (issue 13): a
Content-Security-Policy without inline script or framing, no MIME sniffing, a Referrer-Policy,
and HSTS when the site is served over https. The browser test shows the panel works under
them (tests/browser/test_content_security_policy.py)."""

from __future__ import annotations

from typing import Any

import pytest

from domain.settings import Settings
from tests.support.factories import Cast
from tests.support.panel import HTMX, log_in


def assert_secured(response: Any, path: str) -> None:
    policy = response.headers.get("Content-Security-Policy", "")
    directives = {d.split()[0]: d.split()[1:] for d in policy.split("; ") if d}
    assert directives["script-src"] == ["'self'"], (path, policy)  # no inline script at all
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy, path
    assert directives["frame-ancestors"] == ["'none'"] and directives["object-src"] == ["'none'"]
    assert response.headers["X-Frame-Options"] == "DENY", path
    assert response.headers["X-Content-Type-Options"] == "nosniff", path
    assert response.headers["Referrer-Policy"] == "same-origin", path


async def test_every_kind_of_response_carries_the_security_headers(client: Any, cast: Cast) -> None:
    anonymous = ["/", "/painel/login", "/painel", "/static/panel.js", "/healthz", "/nowhere"]
    for path in anonymous:
        assert_secured(await client.get(path), path)
    assert_secured(await client.post("/api/nlu/analyze", json={"text": "oi"}), "api 401")
    await log_in(client, cast.owner, cast.password)
    for path in ["/painel/conversas", "/painel/agenda", "/painel/analytics", "/painel/filas"]:
        page = await client.get(path)
        assert page.status_code == 200
        assert_secured(page, path)
        assert "Strict-Transport-Security" not in page.headers  # plain-HTTP development
    fragment = await client.get("/painel/agenda", headers=HTMX)
    assert_secured(fragment, "htmx fragment")
    refused = await client.get("/painel/empresas")  # a company admin: 403 error page
    assert refused.status_code == 403
    assert_secured(refused, "error page")


async def test_saq_s_dashboard_gets_the_headers_with_its_one_inline_script_allowed(
    client: Any, cast: Cast
) -> None:
    to_login = await client.get("/painel/filas/saq/")
    await log_in(client, cast.admin, cast.password)
    dashboard = await client.get("/painel/filas/saq/")
    assert (to_login.status_code, dashboard.status_code) == (302, 200)
    for response in (to_login, dashboard):
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self' 'sha256-" in policy and "'unsafe-inline'" not in policy
        assert "frame-ancestors 'none'" in policy
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("base_url", "scheme", "hsts"),
    [
        ("http://localhost:8080", "http", False),
        ("http://localhost:8080", "https", True),  # TLS up to us
        ("https://painel.example.com", "http", True),  # TLS ends at a proxy in front
    ],
)
async def test_hsts_only_when_the_site_is_served_over_https(
    settings: Settings, base_url: str, scheme: str, hsts: bool
) -> None:
    from web.app import create_app

    app = create_app(settings.model_copy(update={"public_base_url": base_url}))
    async with app.test_app() as test_app:
        response = await test_app.test_client().get("/painel/login", scheme=scheme)
    assert ("Strict-Transport-Security" in response.headers) is hsts
    if hsts:
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
