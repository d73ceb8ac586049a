"""Panel sessions (T5): quart-auth signed cookies (HttpOnly, SameSite=Lax, Secure outside
development) holding who is logged in to which company with which role, and the id of the
session's record in Redis (domain/auth/sessions.py). Each request checks that record (logout
deletes it, so a replayed cookie is refused) and the membership again (removing or
deactivating a user takes effect at once)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

from quart import Quart, Response, g, redirect, request
from quart_auth import AuthUser, QuartAuth, current_user, login_user, logout_user
from werkzeug.wrappers.response import Response as WerkzeugResponse

from domain.auth.principal import Principal
from domain.auth.sessions import PanelSessions
from domain.db import public_session
from domain.settings import Settings
from domain.tenancy import service
from web.services import services

Handler = TypeVar("Handler", bound=Callable[..., Awaitable[Any]])
DURATION = 8 * 3600  # of the cookie and of its record


def install(app: Quart, settings: Settings) -> bool:
    """Configure the session cookie; returns whether cookies are Secure-only."""
    secure = settings.env == "production" or (settings.public_base_url or "").startswith("https://")
    app.secret_key = settings.secret_key.get_secret_value() if settings.secret_key else None
    app.config.update(
        QUART_AUTH_COOKIE_NAME="sv_session",
        QUART_AUTH_COOKIE_SECURE=secure,
        QUART_AUTH_COOKIE_HTTP_ONLY=True,
        QUART_AUTH_COOKIE_SAMESITE="Lax",
        QUART_AUTH_DURATION=DURATION,
        QUART_AUTH_SALT="secretaria-virtual-panel",
    )
    app.extensions["panel_auth"] = QuartAuth(app)
    return secure


def _sessions() -> PanelSessions:
    svc = services()
    return PanelSessions(svc.redis, svc.settings.redis_namespace, DURATION)


async def start_session(principal: Principal, *, same_session: bool = False) -> None:
    """Log the principal in: a new session, or (switching company) the current one."""
    current = _parse(current_user.auth_id)
    if same_session and current is not None:
        session_id = current[1]
    else:
        if current is not None:  # logging in again replaces the browser's earlier session
            await _sessions().close(current[1])
        session_id = await _sessions().open(principal.user_id or 0)
    company = "" if principal.company_id is None else str(principal.company_id)
    login_user(AuthUser(f"{principal.user_id}:{company}:{principal.role}:{session_id}"))


async def end_session() -> None:
    """Log out here and on the server: the cookie, even replayed, no longer opens the panel."""
    current = _parse(current_user.auth_id)
    if current is not None:
        await _sessions().close(current[1])
    logout_user()


async def panel_principal() -> Principal | None:
    """The logged-in principal, if the session is valid and the membership still holds."""
    return await principal_for(current_user.auth_id)


async def principal_for(auth_id: str | None) -> Principal | None:
    """The principal a session's auth id names, checked against Redis and the database now."""
    parsed = _parse(auth_id)
    if parsed is None:
        return None
    principal, session_id = parsed
    if not await _sessions().alive(session_id, principal.user_id or 0):
        return None
    async with public_session(services().engine) as session:
        return principal if await service.still_holds(session, principal) else None


def _parse(auth_id: str | None) -> tuple[Principal, str] | None:
    """(principal, session id) of a cookie's auth id; None for none or an older format."""
    try:
        user_id, company, role, session_id = (auth_id or "").split(":")
        principal = Principal(int(company) if company else None, role, user_id=int(user_id))
    except ValueError:
        return None
    return principal, session_id


def panel_login_required(handler: Handler) -> Handler:
    """Anonymous (or revoked) visitors go to /painel/login and come back after."""

    @wraps(handler)
    async def guarded(*args: Any, **kwargs: Any) -> Any:
        principal = await panel_principal()
        if principal is None:
            return _to_login()
        g.principal = principal
        g.company_id = principal.company_id
        return await handler(*args, **kwargs)

    return guarded  # type: ignore[return-value]


def _to_login() -> Response | WerkzeugResponse:
    """To the login page, and back here after it."""
    if request.headers.get("HX-Request") != "true":
        return redirect(f"/painel/login?next={quote(request.full_path.rstrip('?'))}")
    # htmx would swap the login page into the part it updates: the whole page goes there
    # instead, coming back to the page (not the fragment) the person was on.
    page = urlsplit(request.headers.get("HX-Current-URL", ""))
    back = page.path + (f"?{page.query}" if page.query else "")
    back = back if page.path.startswith("/painel/") else "/painel"
    target = f"/painel/login?next={quote(back)}"
    return Response(status=401, headers={"HX-Redirect": target})
