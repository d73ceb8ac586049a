"""Empresas (T2, platform admin): companies with plan, subscription and usage; "Nova Empresa"
provisions one in the background while the page shows each step, then shows the initial
token, webhook URLs, worker command and the first admin's invitation link once."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import ValidationError
from quart import Blueprint, current_app, g, render_template, request
from quart_schema import hide

from domain.billing.store import companies_with_usage
from domain.errors import NotFound
from domain.tenancy.progress import ProvisioningProgress
from domain.tenancy.provisioning import ProvisionRequest
from web.panel.access import form_error
from web.panel.layout import is_htmx, render_panel
from web.panel.messages import PROBLEMS, field_problem, for_code
from web.panel.sessions import panel_login_required
from web.services import Services, services
from web.urls import public_base

bp = Blueprint("companies", __name__, url_prefix="/painel/empresas")
STEPS = (
    ("plan", "Plano"),
    ("schema", "Empresa, assinatura e schema do banco"),
    ("api_token", "Token de API inicial"),
    ("admin", "Administrador da empresa (convite)"),
    ("redis", "Namespace no Redis e fila"),
)


@bp.get("")
@hide
@panel_login_required
async def index() -> Any:
    _require_admin()
    return await render_panel(
        "panel/companies.html", "empresas", company_rows=await _companies(), form={}, error=None
    )


@bp.post("")
@hide
@panel_login_required
async def create() -> Any:
    _require_admin()
    form = await request.form
    plan: Any = {"slug": form.get("plan_slug", "").strip().lower()}
    if form.get("plan_name", "").strip():  # "Básico": a slug cannot carry the accent
        plan["name"] = form.get("plan_name", "").strip()
    if form.get("monthly_messages"):
        plan["monthly_messages"] = form.get("monthly_messages")
        plan["overage"] = form.get("overage") or "block"
    try:
        wanted = ProvisionRequest.model_validate(
            {
                "name": form.get("name", ""),
                "slug": form.get("slug", ""),
                "domain": form.get("domain", ""),
                "plan": plan,
                "manual_billing": form.get("manual_billing") == "on",
                "admin_email": form.get("admin_email", ""),
                "admin_name": form.get("admin_name", ""),
            }
        )
    except ValidationError as error:
        refused = form_error(error)
        if is_htmx():
            raise refused from None  # told where the admin is looking (web/errors.py)
        page = await render_panel(
            "panel/companies.html",
            "empresas",
            company_rows=await _companies(),
            form=form,
            error=refused.message,
        )
        return page, 422
    svc = services()
    watched = _progress(svc)
    job = await watched.start()
    base = public_base(svc.settings)  # webhook URLs and the first admin's invitation link
    current_app.add_background_task(watched.run, job, svc.engine, wanted, base)
    return await render_template(
        "panel/_provisioning.html", job=job, state={"steps": []}, steps=STEPS
    )


@bp.get("/provisionamento/<job>")
@hide
@panel_login_required
async def progress(job: str) -> Any:
    _require_admin()
    state = await _progress(services()).read_once(job)
    if state is None:
        raise NotFound("no such provisioning (results are shown once)", code="provisioning_gone")
    if state.get("error"):
        refused = state["error"]
        field = refused.get("field")
        state["error"] = (
            field_problem(field, refused["code"], None)
            if field and refused["code"] in PROBLEMS
            else for_code(refused["code"], refused["status"])
        )
    return await render_template("panel/_provisioning.html", job=job, state=state, steps=STEPS)


def _progress(svc: Services) -> ProvisioningProgress:
    return ProvisioningProgress(svc.redis, svc.settings.redis_namespace)


def _require_admin() -> None:
    g.principal.require("platform_admin")


async def _companies() -> list[Any]:
    async with services().engine.connect() as conn:
        return await companies_with_usage(conn, date.today().replace(day=1))
