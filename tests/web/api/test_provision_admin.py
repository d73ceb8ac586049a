"""POST /api/tenants/provision with the first admin's e-mail: the invitation URL, once."""

from __future__ import annotations

from typing import Any

from tests.support.api import bearer
from tests.support.factories import Cast

NEW = {
    "name": "Clínica Sorriso",
    "slug": "sorriso",
    "domain": "sorriso.example.com",
    "plan": "basico",
    "admin_email": "dra.ana@sorriso.example.com",
}


async def test_the_api_returns_the_first_admin_s_invitation_url(client: Any, cast: Cast) -> None:
    admin = await bearer(client, cast.admin, cast.password)
    response = await client.post("/api/tenants/provision", json=NEW, headers=admin)
    assert response.status_code == 201
    done = await response.get_json()
    assert done["admin_email"] == "dra.ana@sorriso.example.com"
    assert done["invitation_url"].startswith("http://")
    path = done["invitation_url"].split("/", 3)[3]
    opened = await client.get(f"/{path}")
    assert opened.status_code == 200 and "Clínica Sorriso" in await opened.get_data(as_text=True)


async def test_a_bad_admin_email_is_a_422_naming_it(client: Any, cast: Cast) -> None:
    admin = await bearer(client, cast.admin, cast.password)
    response = await client.post(
        "/api/tenants/provision", json={**NEW, "admin_email": "x"}, headers=admin
    )
    assert response.status_code in (400, 422)
    assert "admin_email" in str(await response.get_json())
