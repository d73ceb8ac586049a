"""Simulador (N1): the operator writes as a customer; the real pipeline answers, live, and
nothing goes to WhatsApp."""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Response, g, render_template, request
from quart_schema import hide

from domain.conversations import simulator, store
from domain.db import TenantDatabase, bind_tenant
from web.panel.access import company_id, written_text
from web.panel.conversations import REASONS
from web.panel.layout import is_htmx, render_panel
from web.panel.sessions import panel_login_required
from web.services import services

bp = Blueprint("simulator", __name__, url_prefix="/painel/simulador")


@bp.get("")
@hide
@panel_login_required
async def index() -> Any:
    return await _page()


@bp.post("/mensagem")
@hide
@panel_login_required
async def send() -> Any:
    text = await written_text(2000, code="simulator_text")
    svc = services()
    await simulator.send_as_customer(
        TenantDatabase(svc.engine, company_id()),
        svc.router,
        svc.settings,
        g.principal.user_id,
        text,
        g.correlation_id,
    )
    return await _page(part=True)


@bp.post("/reiniciar")
@hide
@panel_login_required
async def restart() -> Any:
    svc = services()
    await simulator.start_over(
        TenantDatabase(svc.engine, company_id()), svc.redis, svc.settings, g.principal.user_id
    )
    return await _page(part=True)


async def _page(part: bool = False) -> Any:
    if g.principal.company_id is None:
        return await render_panel("panel/pick_company.html", "simulador")
    async with services().engine.connect() as conn:
        tenant = await bind_tenant(conn, company_id())
        token = await store.change_token(tenant)
        if is_htmx() and request.args.get("token") == token:
            return Response(status=204)
        messages = await simulator.thread(tenant, g.principal.user_id)
        state = await simulator.current_state(tenant, g.principal.user_id)
    context = {"messages": messages, "token": token, "state": state, "reasons": REASONS}
    if part or (is_htmx() and request.args.get("part") == "thread"):
        return await render_template("panel/_simulator_thread.html", **context)
    return await render_panel("panel/simulator.html", "simulador", **context)
