"""Filas (O5): the company's backlog, its dedicated worker and its dead letters with replay;
the platform admin also gets SAQ's own dashboard (web/panel/saq_dashboard.py)."""

from __future__ import annotations

from typing import Any

from quart import Blueprint, g, redirect, render_template
from quart_schema import hide

from domain.errors import NotFound
from domain.operations.backlog import queue_backlog
from domain.operations.dead_letters import replay
from domain.operations.reasons import failure_reason
from web.panel.layout import is_htmx, render_panel
from web.panel.saq_dashboard import PREFIX
from web.panel.sessions import panel_login_required
from web.services import services

bp = Blueprint("queues", __name__, url_prefix="/painel/filas")

# SAQ's queue names ("sv:default") as a clinic reads them; the namespace is ours, not theirs.
_QUEUES = {"default": "compartilhada (mensagens)", "scheduler": "de agendamentos (lembretes)"}


def queue_label(name: str) -> str:
    """ "sv:default" → "compartilhada (mensagens)", "sv:company-7" → "exclusiva da empresa #7"."""
    short = name.rsplit(":", 1)[-1]
    if short.startswith("company-"):
        return f"exclusiva da empresa #{short.removeprefix('company-')}"
    return _QUEUES.get(short, short)


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
    async with svc.engine.connect() as conn:
        seen = await queue_backlog(
            conn,
            svc.redis,
            svc.settings.redis_namespace,
            principal.company_id,
            every_company=principal.is_platform_admin,
        )
    context = {
        "dead": seen.dead,
        "waiting": seen.waiting,
        "dedicated": seen.dedicated,
        "workers": await svc.live_workers(),
        "saq_url": f"{PREFIX}/" if principal.is_platform_admin else None,
        "failure_reason": failure_reason,
        "queue_label": queue_label,
        # The exception's own text helps whoever runs the platform, not a clinic.
        "show_raw": principal.is_platform_admin,
    }
    if is_htmx():
        return await render_template("panel/_queues_content.html", **context)
    return await render_panel("panel/queues.html", "filas", **context)
