"""Credentials for the JSON API."""

from __future__ import annotations

from typing import Any


async def bearer(client: Any, email: str, password: str, **extra: Any) -> dict[str, str]:
    """Authorization header of a fresh access token."""
    response = await client.post(
        "/api/auth/token", json={"email": email, "password": password, **extra}
    )
    assert response.status_code == 200, await response.get_data(as_text=True)
    return {"Authorization": f"Bearer {(await response.get_json())['access_token']}"}
