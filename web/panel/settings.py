"""Configurações: a company's Whaticket, Gemini, secretary, business hours and alert URL;
webhook secret rotation and a new URL token (shown once). Company admins (and the platform
admin) only; secrets are write-only and never logged."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ValidationError
from quart import Blueprint, g, render_template, request
from quart_schema import hide

from domain.db import public_session
from domain.errors import InvalidField
from domain.security.targets import TargetPolicy
from domain.tenancy import service
from domain.tenancy.configuration import ConfigurationForm
from web.panel.access import actor, company_id, form_error
from web.panel.layout import render_panel
from web.panel.messages import message_for
from web.panel.sessions import panel_login_required
from web.services import services
from web.urls import public_base

bp = Blueprint("settings", __name__, url_prefix="/painel/configuracoes")
ADMIN = "company_admin"  # and the platform admin


@bp.get("")
@hide
@panel_login_required
async def index() -> Any:
    return await _page(company_id(ADMIN))


@bp.post("")
@hide
@panel_login_required
async def save() -> Any:
    company = company_id(ADMIN)
    form = await request.form
    data: dict[str, Any] = {k: v for k, v in form.items() if k != "csrf_token" and v != ""}
    data["clear"] = form.getlist("clear")
    try:
        wanted = ConfigurationForm.model_validate(data)
    except ValidationError as error:
        return await _page(company, error=form_error(error).message), 422
    svc = services()
    targets = TargetPolicy(svc.settings.private_targets_allowed)
    try:
        async with public_session(svc.engine) as session:
            changed = await service.change_configuration(
                session, company, wanted, actor(), g.correlation_id, targets
            )
            await session.commit()
    except InvalidField as refused:
        return await _page(company, error=message_for(refused)), 422
    svc.directory.forget()  # this process sees the change at once; others within seconds
    return await _page(company, saved=changed)


@bp.post("/segredo-webhook")
@hide
@panel_login_required
async def rotate_secret() -> Any:
    return await _once("webhook_secret")


@bp.post("/token-url")
@hide
@panel_login_required
async def rotate_url_token() -> Any:
    return await _once("url_token")


async def _once(kind: Literal["webhook_secret", "url_token"]) -> Any:
    company = company_id(ADMIN)
    svc = services()
    async with public_session(svc.engine) as session:
        rotated = await service.rotate(session, company, kind, actor(), g.correlation_id)
        await session.commit()
    svc.directory.forget()
    base = public_base(svc.settings)
    return await render_template(
        "panel/_shown_once.html",
        kind=kind,
        value=rotated.value,
        url=f"{base}/webhook/whaticket/{rotated.slug}/{rotated.value}",
    )


async def _page(company: int, error: str | None = None, saved: list[str] | None = None) -> Any:
    async with public_session(services().engine) as session:
        view = await service.configuration_view(session, company)
    return await render_panel(
        "panel/settings.html", "configuracoes", view=view, error=error, saved=saved
    )
