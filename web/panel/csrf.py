"""CSRF protection for the panel's forms and htmx requests (S2).

A random seed lives in an HttpOnly, SameSite=Strict cookie; the token every form carries (and
htmx sends as X-CSRF-Token) is HMAC(SECRET_KEY, seed). A cross-site page can neither read the
cookie nor compute the token, so an unsafe request to /painel without the right token is
refused, logged in or not (the login form included).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from quart import Quart, Response, current_app, g, request

from domain.errors import Forbidden

COOKIE = "sv_csrf"
FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


def _seed() -> str:
    if "csrf_seed" not in g:
        presented = request.cookies.get(COOKIE, "")
        g.csrf_new = len(presented) != 43
        g.csrf_seed = secrets.token_urlsafe(32) if g.csrf_new else presented
    return str(g.csrf_seed)


def csrf_token() -> str:
    """The token for this browser (a template global)."""
    key = str(current_app.secret_key or "").encode()
    return hmac.new(key, _seed().encode(), hashlib.sha256).hexdigest()


async def check_csrf() -> None:
    """Refuse an unsafe panel request without the right token."""
    if request.method not in UNSAFE or not request.path.startswith("/painel"):
        return
    form = await request.form
    presented = request.headers.get(HEADER) or form.get(FIELD) or ""
    if request.cookies.get(COOKIE) is None or not hmac.compare_digest(presented, csrf_token()):
        raise Forbidden("missing or invalid CSRF token; reload the page", code="csrf")


def install(app: Quart, secure: bool) -> None:
    app.before_request(check_csrf)
    app.jinja_env.globals["csrf_token"] = csrf_token

    @app.after_request
    async def set_seed(response: Response) -> Response:
        if g.get("csrf_new"):
            response.set_cookie(
                COOKIE, g.csrf_seed, httponly=True, samesite="Strict", secure=secure, path="/"
            )
        return response
