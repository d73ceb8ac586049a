"""Empresas (T2, platform admin): companies with plan, subscription and usage; "Nova Empresa"
provisions one in the background while the page shows each step, then shows the initial
token, webhook URLs and worker command once."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

import orjson
from pydantic import ValidationError
from quart import Blueprint, current_app, g, render_template, request
from quart_schema import hide

from domain.billing.store import companies_with_usage
from domain.errors import DomainError, NotFound
from domain.tenancy.provisioning import ProvisionRequest, provision
from web.panel.access import form_error
from web.panel.layout import is_htmx, render_panel
from web.panel.messages import message_for
from web.panel.sessions import panel_login_required
from web.services import Services, services

bp = Blueprint("companies", __name__, url_prefix="/painel/empresas")
STEPS = (
    ("plan", "Plano"),
    ("schema", "Empresa, assinatura e schema do banco"),
    ("api_token", "Token de API inicial"),
    ("redis", "Namespace no Redis e fila"),
)
STATE_TTL = 600  # the result (with secrets) is kept this long, and shown once


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
    plan: Any = form.get("plan_slug", "").strip().lower()
    if form.get("monthly_messages"):
        plan = {
            "slug": plan,
            "monthly_messages": form.get("monthly_messages"),
            "overage": form.get("overage") or "block",
        }
    try:
        wanted = ProvisionRequest.model_validate(
            {
                "name": form.get("name", ""),
                "slug": form.get("slug", ""),
                "domain": form.get("domain", ""),
                "plan": plan,
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
    job = secrets.token_urlsafe(12)
    svc = services()
    await _save(svc, job, {"steps": [], "done": False})
    current_app.add_background_task(_provision, svc, job, wanted)
    return await render_template(
        "panel/_provisioning.html", job=job, state={"steps": []}, steps=STEPS
    )


@bp.get("/provisionamento/<job>")
@hide
@panel_login_required
async def progress(job: str) -> Any:
    _require_admin()
    svc = services()
    key = _key(svc, job)
    raw = await svc.redis.get(key)
    if raw is None:
        raise NotFound("no such provisioning (results are shown once)", code="provisioning_gone")
    state = orjson.loads(raw)
    if state.get("done"):
        await svc.redis.delete(key)  # the token and secrets are shown this once
    return await render_template("panel/_provisioning.html", job=job, state=state, steps=STEPS)


async def _provision(svc: Services, job: str, wanted: ProvisionRequest) -> None:
    steps: list[str] = []

    async def step(name: str) -> None:
        steps.append(name)
        await _save(svc, job, {"steps": steps, "done": False})

    try:
        done = await provision(svc.engine, svc.redis, svc.settings.redis_namespace, wanted, step)
    except DomainError as error:
        await _save(svc, job, {"steps": steps, "done": True, "error": message_for(error)})
        return
    base = svc.settings.public_base_url.rstrip("/")
    await _save(
        svc,
        job,
        {
            "steps": steps,
            "done": True,
            "result": {
                "company_id": done.company_id,
                "name": wanted.name,
                "domain": done.domain,
                "api_token": done.api_token,
                "webhook_secret": done.webhook_secret,
                "webhook_url": f"{base}/webhook/whaticket",
                "webhook_url_token": f"{base}/webhook/whaticket/{done.slug}/{done.url_token}",
                "worker_command": f"python scripts/spawn_worker.py --company-id {done.company_id}",
            },
        },
    )


def _key(svc: Services, job: str) -> str:
    return f"{svc.settings.redis_namespace}:provisioning:{job}"


async def _save(svc: Services, job: str, state: dict[str, Any]) -> None:
    await svc.redis.set(_key(svc, job), orjson.dumps(state), ex=STATE_TTL)


def _require_admin() -> None:
    g.principal.require("platform_admin")


async def _companies() -> list[Any]:
    async with services().engine.connect() as conn:
        return await companies_with_usage(conn, date.today().replace(day=1))
