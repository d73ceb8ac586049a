"""Filas (O5): the company's backlog, its dedicated worker and its dead letters with replay;
the platform admin also gets SAQ's own dashboard (web/panel/saq_dashboard.py)."""

from __future__ import annotations

from typing import Any

from quart import Blueprint, g, redirect, render_template
from quart_schema import hide

from domain import queues
from domain.conversations.messages import backlog
from domain.db import bind_tenant
from domain.errors import NotFound
from domain.operations.dead_letters import replay
from domain.operations.store import list_dead_letters
from web.panel.layout import is_htmx, render_panel
from web.panel.saq_dashboard import PREFIX
from web.panel.sessions import panel_login_required
from web.services import services

bp = Blueprint("queues", __name__, url_prefix="/painel/filas")


@bp.get("")
@hide
@panel_login_required
async def index() -> Any:
    return await _page()


@bp.post("/reenviar/<int:dead_letter_id>")
@hide
@panel_login_required
async def replay_one(dead_letter_id: int) -> Any:
    svc = services()
    principal = g.principal
    only = None if principal.is_platform_admin else principal.company_id
    queue = await svc.router.queue_for(only) if only is not None else svc.queue
    if not await replay(svc.engine, queue, dead_letter_id, only):
        raise NotFound("no such dead letter, or already replayed")
    return await _page() if is_htmx() else redirect("/painel/filas")


async def _page() -> Any:
    svc = services()
    principal = g.principal
    company_id = principal.company_id
    only = None if principal.is_platform_admin else company_id
    waiting = None
    dedicated = None
    async with svc.engine.connect() as conn:
        dead = await list_dead_letters(conn, company_id=only)
        if company_id is not None:
            waiting = await backlog(await bind_tenant(conn, company_id))
    if company_id is not None:
        raw = await svc.redis.get(queues.dedicated_key(svc.settings.redis_namespace, company_id))
        dedicated = raw.decode() if isinstance(raw, bytes) else raw
    live = await svc.live_workers()
    context = {
        "dead": dead,
        "waiting": waiting,
        "dedicated": dedicated,
        "workers": live,
        "saq_url": f"{PREFIX}/" if principal.is_platform_admin else None,
    }
    if is_htmx():
        return await render_template("panel/_queues_content.html", **context)
    return await render_panel("panel/queues.html", "filas", **context)
