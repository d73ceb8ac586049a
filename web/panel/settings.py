"""Configurações: a company's Whaticket, Gemini, secretary, business hours and alert URL;
its agenda (local calendar hours, Cal.com) with "Testar conexão" for Cal.com and Whaticket;
webhook secret rotation and a new URL token (shown once). Company admins (and the platform
admin) only; secrets are write-only and never logged. Users are in web/panel/users.py."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ValidationError
from quart import Blueprint, g, render_template, request
from quart_schema import hide

from domain.db import public_session
from domain.errors import InvalidField
from domain.integrations.whaticket import WhaticketClient
from domain.security.targets import TargetPolicy
from domain.tenancy import agenda_settings, connections, service
from domain.tenancy.configuration import ConfigurationForm
from domain.tenancy.directory import DEMO_SLUG
from web.deadline import within_read_timeout
from web.panel.access import actor, company, company_id, form_error
from web.panel.layout import render_panel
from web.panel.messages import for_code, message_for
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
        return await _page(company, error=form_error(error).message, typed=form), 422
    svc = services()
    targets = TargetPolicy(svc.settings.private_targets_allowed)
    try:
        async with public_session(svc.engine) as session:
            changed = await service.change_configuration(
                session, company, wanted, actor(), g.correlation_id, targets
            )
            await session.commit()
    except InvalidField as refused:
        return await _page(company, error=message_for(refused), typed=form), 422
    svc.directory.forget()  # this process sees the change at once; others within seconds
    return await _page(company, saved=changed)


@bp.post("/agenda")
@hide
@panel_login_required
async def save_agenda() -> Any:
    """The local calendar: on or off, hours per weekday, slot length, closed days."""
    profile = await company(ADMIN)
    form = await request.form
    current = (profile.settings or {}).get("agenda") or {}
    try:
        wanted = agenda_settings.local_from_form(form, current)
    except InvalidField as refused:
        return await _page(profile.id, error=message_for(refused), agenda_form=form), 422
    return await _store(profile.id, "agenda", wanted, "Agenda salva.")


@bp.post("/calcom")
@hide
@panel_login_required
async def save_calcom() -> Any:
    """Cal.com: API URL and key, user, event types, webhook secret (secrets write-only)."""
    profile = await company(ADMIN)
    form = await request.form
    current = (profile.settings or {}).get("cal") or {}
    targets = TargetPolicy(services().settings.private_targets_allowed)
    try:
        wanted = await agenda_settings.cal_from_form(form, form.getlist("clear"), current, targets)
    except InvalidField as refused:
        return await _page(profile.id, error=message_for(refused)), 422
    return await _store(profile.id, "cal", wanted, "Cal.com salvo.")


@bp.post("/calcom/testar")
@hide
@panel_login_required
@within_read_timeout
async def test_calcom() -> Any:
    svc = services()
    checked = await connections.check_calcom(await company(ADMIN), svc.settings, svc.calcom)
    return await _checked(checked, f"Conexão OK: {checked.count} tipos de evento.")


@bp.post("/whaticket/testar")
@hide
@panel_login_required
@within_read_timeout
async def test_whaticket() -> Any:
    svc = services()
    client = WhaticketClient(svc.http, svc.redis, svc.settings.redis_namespace)
    checked = await connections.check_whaticket(await company(ADMIN), svc.settings, client)
    return await _checked(checked, "Conexão OK: o Whaticket aceitou o endereço e as credenciais.")


async def _checked(checked: connections.Checked, ok: str) -> Any:
    text = ok if checked.ok else "Falhou: " + for_code(checked.code, 400)
    return await render_template("panel/_connection_check.html", ok=checked.ok, text=text)


async def _store(company_id: int, section: str, value: dict[str, Any], done: str) -> Any:
    svc = services()
    async with public_session(svc.engine) as session:
        changed = await agenda_settings.save(session, company_id, section, value)
        await service.audit_settings(session, company_id, changed, actor(), g.correlation_id)
        await session.commit()
    svc.directory.forget()  # this process sees the change at once; others within seconds
    return await _page(company_id, notice=done if changed else "Nada mudou.")


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


async def _page(
    company: int,
    error: str | None = None,
    saved: list[str] | None = None,
    agenda_form: Any = None,
    typed: Any = None,
    **context: Any,
) -> Any:
    """The page; after a refused save, `typed` (the submitted form) fills the general form, so
    the other fields the user changed are not lost with the one refused (secrets excepted:
    never written back into a page)."""
    async with public_session(services().engine) as session:
        view = await service.configuration_view(session, company)
    profile = await services().directory.profile(company)
    demo = profile is not None and profile.slug == DEMO_SLUG
    return await render_panel(
        "panel/settings.html",
        "configuracoes",
        view=view,
        error=error,
        saved=saved,
        local=(
            agenda_settings.echo_view(agenda_form)
            if agenda_form is not None
            else agenda_settings.local_view(view.get("agenda") or {}, demo)
        ),
        typed=typed,
        days=DAY_LABELS,
        slot_choices=agenda_settings.SLOT_CHOICES,
        **context,
    )


DAY_LABELS = (
    ("mon", "Segunda"),
    ("tue", "Terça"),
    ("wed", "Quarta"),
    ("thu", "Quinta"),
    ("fri", "Sexta"),
    ("sat", "Sábado"),
    ("sun", "Domingo"),
)
