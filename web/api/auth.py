"""Bearer authentication for the JSON API: access tokens (JWT) or company API keys."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any, TypeVar

from quart import g, request

from domain.auth.access_tokens import read_access_token
from domain.auth.principal import Principal
from domain.auth.service import looks_like_api_key, principal_for_key
from domain.db import public_session
from domain.errors import NotFound, Unauthorized
from domain.tenancy.directory import CompanyProfile
from web.services import services

Handler = TypeVar("Handler", bound=Callable[..., Awaitable[Any]])


def authenticated(role: str = "operator", *, session: bool = False) -> Callable[[Handler], Handler]:
    """The handler runs only for a valid credential holding `role` (or higher);
    the principal is in `g.principal`. With `session`, a panel session works too (for
    downloads started from the panel)."""

    def decorate(handler: Handler) -> Handler:
        @wraps(handler)
        async def guarded(*args: Any, **kwargs: Any) -> Any:
            principal = await _principal(session)
            principal.require(role)
            g.principal = principal
            g.company_id = principal.company_id
            return await handler(*args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorate


async def _principal(session: bool = False) -> Principal:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if session and not token:
        from web.panel.sessions import panel_principal

        found = await panel_principal()
        if found is not None:
            return found
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("send Authorization: Bearer <token>", code="missing_token")
    svc = services()
    if looks_like_api_key(token):
        async with public_session(svc.engine) as db:
            principal = await principal_for_key(db, token)
            await db.commit()
        return principal
    principal = read_access_token(token, svc.settings.signing_key)
    await svc.standing.confirm(principal)
    return principal


async def acting_company(requested: int | None) -> int:
    """The company this request acts on: the credential's own, or any existing one
    `requested` (`?company_id=`) by a platform admin (others get 403 for a company not
    theirs)."""
    company_id = g.principal.company(requested)
    foreign = company_id != g.principal.company_id
    if foreign and await services().directory.profile(company_id) is None:
        raise NotFound("no such company")
    return company_id


async def acting_profile(requested: int | None) -> CompanyProfile:
    """The profile (time zone, settings, plan limits) of the company this request acts on."""
    company = await services().directory.profile(await acting_company(requested))
    if company is None:
        raise NotFound("no such company")
    return company


def actor() -> str:
    """Who acts, as the audit log names them."""
    principal = g.principal
    if principal.api_key_id is not None:
        return f"api_key:{principal.api_key_id}"
    return f"user:{principal.user_id}"
