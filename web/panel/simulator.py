"""Simulador (N1): the operator writes as a customer; the real pipeline answers, live, and
nothing goes to WhatsApp."""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Response, g, render_template, request
from quart_schema import hide

from domain import queues
from domain.conversations import simulator, store
from domain.db import bind_tenant
from domain.errors import InvalidField
from domain.secretary.memory import Memory
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
    text = ((await request.form).get("text") or "").strip()
    if not text or len(text) > 2000:
        raise InvalidField("write a message of up to 2000 characters", field="text")
    svc = services()
    company_id = _company()
    message_id = await simulator.simulate_inbound(
        svc.engine, company_id, g.principal.user_id, text, g.correlation_id
    )
    queue = await svc.router.queue_for(company_id)
    await queues.enqueue_inbound(
        queue, svc.settings.redis_namespace, company_id, message_id, g.correlation_id
    )
    return await _page(part=True)


@bp.post("/reiniciar")
@hide
@panel_login_required
async def restart() -> Any:
    svc = services()
    company_id = _company()
    async with svc.engine.begin() as conn:
        await simulator.restart(await bind_tenant(conn, company_id), g.principal.user_id)
    settings = svc.settings
    memory = Memory(svc.redis, settings.redis_namespace, settings.memory_turns, 60)
    await memory.forget(company_id, simulator.simulator_phone(g.principal.user_id))
    return await _page(part=True)


async def _page(part: bool = False) -> Any:
    if g.principal.company_id is None:
        return await render_panel("panel/pick_company.html", "simulador")
    company_id = g.principal.company_id
    async with services().engine.connect() as conn:
        tenant = await bind_tenant(conn, company_id)
        token = await store.change_token(tenant)
        if is_htmx() and request.args.get("token") == token:
            return Response(status=204)
        messages = await simulator.thread(tenant, g.principal.user_id)
    context = {"messages": messages, "token": token}
    if part or (is_htmx() and request.args.get("part") == "thread"):
        return await render_template("panel/_simulator_thread.html", **context)
    return await render_panel("panel/simulator.html", "simulador", **context)


def _company() -> int:
    if g.principal.company_id is None:
        raise InvalidField("choose a company first", field="company_id")
    return int(g.principal.company_id)
