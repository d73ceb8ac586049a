"""Panel login and logout (T5): the same credentials and throttle as the API, kept in a
session cookie instead of a bearer token; and the invitation page, where someone invited sets
their password before logging in for the first time."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from quart import Blueprint, g, redirect, render_template, request
from quart_schema import hide

from domain.auth import invitations
from domain.db import public_session
from domain.errors import DomainError, InvalidField, InvalidInput, NotFound
from domain.tenancy import service, store
from domain.tenancy.directory import company_number
from web.panel.layout import TABS
from web.panel.messages import message_for
from web.panel.sessions import end_session, panel_login_required, start_session
from web.services import services

bp = Blueprint("login", __name__, url_prefix="/painel")


@bp.get("/login")
@hide
async def login_form() -> str:
    return await render_template("login.html", next=_next(), email="", error=None)


@bp.post("/login")
@hide
async def login_submit() -> Any:
    form = await request.form
    email, password = form.get("email", ""), form.get("password", "")
    company = form.get("company_id") or None
    try:
        principal = await services().log_in(
            email,
            password,
            company_number(company or ""),
            request.remote_addr or "unknown",
        )
    except DomainError as error:
        choices = await _companies(email) if error.code == "company_required" else []
        message = "Escolha a empresa." if choices else message_for(error)
        page = await render_template(
            "login.html", next=_next(form), email=email, error=message, companies=choices
        )
        return page, 200 if choices else error.status
    await start_session(principal)
    return redirect(_next(form))


@bp.get("/convite/<token>")
@hide
async def invitation(token: str) -> Any:
    try:
        async with public_session(services().engine) as session:
            invited = await invitations.pending(session, token[:100])
    except NotFound as gone:
        return await render_template("invitation.html", error=message_for(gone), invited=None), 404
    return await render_template("invitation.html", invited=invited, error=None)


@bp.post("/convite/<token>")
@hide
async def accept_invitation(token: str) -> Any:
    """Set the password, spend the link, then the login form with the e-mail filled in."""
    form = await request.form
    try:
        async with public_session(services().engine) as session:
            invited = await invitations.pending(session, token[:100])
            email = await invitations.accept(
                session,
                services().throttle(),
                request.remote_addr or "unknown",
                token[:100],
                form.get("password", ""),
                form.get("password_confirmation", ""),
            )
            await session.commit()
    except NotFound as gone:
        return await render_template("invitation.html", error=message_for(gone), invited=None), 404
    except InvalidField as refused:
        page = await render_template("invitation.html", invited=invited, error=message_for(refused))
        return page, 422
    except DomainError as refused:  # too many wrong passwords: the login's throttle
        page = await render_template("invitation.html", invited=invited, error=message_for(refused))
        return page, refused.status
    notice = (
        "Senha definida. Entre com seu e-mail e a nova senha."
        if invited.mode == "set_password"
        else f"Convite aceito: a {invited.company_name} já aparece para você. Entre com sua senha."
    )
    return await render_template(
        "login.html", next="/painel", email=email, error=None, notice=notice
    )


@bp.post("/logout")
@hide
async def logout() -> Any:
    await end_session()
    return redirect("/painel/login")


@bp.get("")
@hide
@panel_login_required
async def home() -> Any:
    return redirect(TABS[0].path)


@bp.post("/empresa")
@hide
@panel_login_required
async def switch_company() -> Any:
    """The company switcher: the same user, acting in another of its companies."""
    wanted = (await request.form).get("company_id", "")
    number = company_number(wanted)
    if number is None:
        raise InvalidInput("choose a company", code="company_required")
    async with public_session(services().engine) as session:
        principal = await service.act_in(session, g.principal, number)
    await start_session(principal, same_session=True)
    return redirect(_back())


def _back() -> str:
    """The panel page the switch came from (only a path of ours)."""
    path = urlsplit(request.headers.get("Referer", "")).path
    return path if path.startswith("/painel/") and local_path(path) else TABS[0].path


def _next(form: Any = None) -> str:
    """Where to go after logging in: only a path of ours, never another site."""
    wanted = (form or request.args).get("next") or ""
    return wanted if local_path(wanted) else "/painel"


def local_path(target: str) -> bool:
    """Whether a redirect to `target` stays on this site. Browsers read `//x`, `/\\x` and
    `\\x` as another host, and drop tabs and newlines first (`/<TAB>/x` is `//x`), so only a
    plain absolute path of printable ASCII passes (our own `next` values are URL-quoted)."""
    if not target.startswith("/") or target.startswith("//") or len(target) > 2000:
        return False
    return all("!" <= c <= "~" and c != "\\" for c in target)


async def _companies(email: str) -> list[tuple[int, str]]:
    async with services().engine.connect() as conn:
        return await store.companies_of_email(conn, email)
