"""The panel as a browser uses it: the login form with its CSRF token, and the headers htmx
sends (every unsafe request carries the page's token)."""

from __future__ import annotations

import re
from typing import Any

HTMX = {"HX-Request": "true"}


async def csrf(client: Any, path: str = "/painel/login") -> str:
    """The CSRF token of the form on the page at `path`."""
    page = await (await client.get(path)).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', page)
    assert match, page
    return match.group(1)


async def log_in(client: Any, email: str, password: str, **extra: str) -> Any:
    """Fill and submit the login form (extra fields: `next`, `company_id`)."""
    token = await csrf(client)
    form = {"csrf_token": token, "email": email, "password": password, **extra}
    return await client.post("/painel/login", form=form)


async def htmx_headers(client: Any, page: str) -> dict[str, str]:
    """What htmx sends from `page`: its request marker and the page's CSRF token."""
    return {**HTMX, "X-CSRF-Token": await csrf(client, page)}


async def logged_in(client: Any, email: str, password: str, page: str) -> dict[str, str]:
    """Log in, then the htmx headers of the actions on `page`."""
    await log_in(client, email, password)
    return await htmx_headers(client, page)
