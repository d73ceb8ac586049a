"""Configurações › Usuários (company admins and the platform admin): the company's people
with role and standing; inviting someone by e-mail (the link is shown once), changing a role,
deactivating and reactivating. The rules (no self-demotion, a last admin stays) live in
domain/tenancy/members.py."""

from __future__ import annotations

from typing import Any

from quart import Blueprint, g, request
from quart_schema import hide

from domain.db import public_session
from domain.errors import DomainError
from domain.tenancy import members
from domain.tenancy.progress import invitation_url
from web.panel.access import company_id
from web.panel.layout import render_panel
from web.panel.messages import message_for
from web.panel.sessions import panel_login_required
from web.services import services
from web.urls import public_base

# users.id is an integer column: a larger id names nobody (404), never a driver error.
USER_ID = "<int(max=2147483647):user_id>"

bp = Blueprint("users", __name__, url_prefix="/painel/configuracoes/usuarios")
ADMIN = "company_admin"  # and the platform admin


@bp.get("")
@hide
@panel_login_required
async def index() -> Any:
    return await _page(company_id(ADMIN))


@bp.post("/convidar")
@hide
@panel_login_required
async def invite() -> Any:
    company = company_id(ADMIN)
    form = await request.form
    try:
        async with public_session(services().engine) as session:
            invited = await members.invite(
                session,
                company,
                form.get("email", ""),
                form.get("name", ""),
                form.get("role", ""),
                g.principal.user_id,
            )
            await session.commit()
    except DomainError as refused:
        return await _page(company, error=message_for(refused), form=form), refused.status
    link = invitation_url(public_base(services().settings), invited.token)
    return await _page(company, invited=invited, link=link)


@bp.post(f"/{USER_ID}/papel")
@hide
@panel_login_required
async def change_role(user_id: int) -> Any:
    company = company_id(ADMIN)
    role = (await request.form).get("role", "")
    return await _change(company, "Papel alterado.", members.change_role, user_id, role)


@bp.post(f"/{USER_ID}/desativar")
@hide
@panel_login_required
async def deactivate(user_id: int) -> Any:
    company = company_id(ADMIN)
    return await _change(company, "Usuário desativado.", members.set_active, user_id, False)


@bp.post(f"/{USER_ID}/reativar")
@hide
@panel_login_required
async def reactivate(user_id: int) -> Any:
    company = company_id(ADMIN)
    return await _change(company, "Usuário reativado.", members.set_active, user_id, True)


async def _change(company: int, done: str, change: Any, user_id: int, value: Any) -> Any:
    try:
        async with public_session(services().engine) as session:
            await change(session, company, g.principal.user_id, user_id, value)
            await session.commit()
    except DomainError as refused:
        return await _page(company, error=message_for(refused)), refused.status
    return await _page(company, notice=done)


async def _page(company: int, **context: Any) -> Any:
    async with public_session(services().engine) as session:
        people = await members.members(session, company)
    context.setdefault("form", {})
    return await render_panel(
        "panel/users.html", "configuracoes", people=people, me=g.principal.user_id, **context
    )
