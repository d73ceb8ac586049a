"""Configurações: a company's Whaticket, Gemini, secretary, business hours and alert URL;
webhook secret rotation and a new URL token (shown once). Company admins (and the platform
admin) only; secrets are write-only and never logged."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from quart import Blueprint, g, render_template, request
from quart_schema import hide

from domain.db import bind_tenant, public_session
from domain.errors import Forbidden, InvalidField
from domain.operations.audit import record
from domain.tenancy import configuration
from domain.tenancy.models import Company
from web.panel.layout import render_panel
from web.panel.sessions import panel_login_required
from web.services import services

bp = Blueprint("settings", __name__, url_prefix="/painel/configuracoes")


@bp.get("")
@hide
@panel_login_required
async def index() -> Any:
    company_id = _company()
    return await _page(company_id)


@bp.post("")
@hide
@panel_login_required
async def save() -> Any:
    company_id = _company()
    form = await request.form
    data: dict[str, Any] = {k: v for k, v in form.items() if k != "csrf_token" and v != ""}
    data["clear"] = form.getlist("clear")
    try:
        wanted = configuration.ConfigurationForm.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        return await _page(company_id, error=f"Campo {field}: {first['msg']}"), 422
    svc = services()
    async with public_session(svc.engine) as session:
        changed = await configuration.save(session, company_id, wanted)
        await session.commit()
    await _audit(company_id, "company.settings", {"changed": changed})
    svc.directory.forget()  # this process sees the change at once; others within seconds
    return await _page(company_id, saved=changed)


@bp.post("/segredo-webhook")
@hide
@panel_login_required
async def rotate_secret() -> Any:
    return await _once("webhook_secret", configuration.rotate_webhook_secret)


@bp.post("/token-url")
@hide
@panel_login_required
async def rotate_url_token() -> Any:
    return await _once("url_token", configuration.new_url_token)


async def _once(kind: str, make: Any) -> Any:
    company_id = _company()
    svc = services()
    async with public_session(svc.engine) as session:
        value = await make(session, company_id)
        company = await session.get(Company, company_id)
        slug = company.slug if company else ""
        await session.commit()
    await _audit(company_id, f"company.rotate_{kind}", {"rotated": kind})
    svc.directory.forget()
    base = svc.settings.public_base_url.rstrip("/")
    return await render_template(
        "panel/_shown_once.html",
        kind=kind,
        value=value,
        url=f"{base}/webhook/whaticket/{slug}/{value}",
    )


async def _page(company_id: int, error: str | None = None, saved: list[str] | None = None) -> Any:
    async with public_session(services().engine) as session:
        company = await session.get(Company, company_id)
        settings = dict(company.settings or {}) if company else {}
    view = configuration.public_view(settings)
    return await render_panel(
        "panel/settings.html", "configuracoes", view=view, error=error, saved=saved
    )


async def _audit(company_id: int, action: str, after: dict[str, Any]) -> None:
    async with services().engine.begin() as conn:
        await record(
            await bind_tenant(conn, company_id),
            actor=f"user:{g.principal.user_id}",
            action=action,
            entity="company",
            entity_id=company_id,
            after=after,
            correlation_id=g.get("correlation_id"),
        )


def _company() -> int:
    principal = g.principal
    if principal.company_id is None:
        raise InvalidField("choose a company first", field="company_id")
    if principal.role not in ("company_admin", "platform_admin"):
        raise Forbidden("only a company admin changes the configuration")
    return int(principal.company_id)
