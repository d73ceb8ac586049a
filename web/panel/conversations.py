"""Conversas (N1, P7): conversations and their threads, live; take over, give back, reply."""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Response, g, redirect, render_template, request
from quart_schema import hide

from domain.conversations import handoffs, outbox, service, store
from domain.db import TenantDatabase, bind_tenant
from domain.errors import NotFound
from domain.operations.reasons import failure_reason
from domain.secretary.config import whaticket_config
from web.panel.access import actor, company, company_id, written_text
from web.panel.layout import is_htmx, render_panel
from web.panel.sessions import panel_login_required
from web.services import services

bp = Blueprint("conversations", __name__, url_prefix="/painel/conversas")
REASONS = {
    "customer_request": "o cliente pediu uma pessoa",
    "unsupported_request": "cliente insatisfeito",
    "pending_clarification": "o robô não entendeu",
    "missing_knowledge": "o robô não soube responder",
    "tool_failure": "falha da IA",
    "usage_limit": "limite do plano atingido",
    "subscription_inactive": "assinatura cancelada ou em atraso",
    "operator": "assumida por um operador",
    "negative_feedback": "avaliação negativa no pós-atendimento",
}


@bp.get("")
@hide
@panel_login_required
async def index() -> Any:
    return await _page(None)


@bp.get("/<int:conversation_id>")
@hide
@panel_login_required
async def show(conversation_id: int) -> Any:
    return await _page(conversation_id)


@bp.post("/<int:conversation_id>/assumir")
@hide
@panel_login_required
async def take_over(conversation_id: int) -> Any:
    async with services().engine.begin() as conn:
        await handoffs.take_over(await bind_tenant(conn, company_id()), conversation_id, actor())
    return await _after_action(conversation_id)


@bp.post("/<int:conversation_id>/devolver")
@hide
@panel_login_required
async def give_back(conversation_id: int) -> Any:
    async with services().engine.begin() as conn:
        await handoffs.release(await bind_tenant(conn, company_id()), conversation_id, actor())
    return await _after_action(conversation_id)


@bp.post("/<int:conversation_id>/responder")
@hide
@panel_login_required
async def reply(conversation_id: int) -> Any:
    text = await written_text(4000, code="reply_text")
    svc = services()
    profile = await company()
    await service.reply_as_operator(
        TenantDatabase(svc.engine, profile.id),
        svc.redis,
        svc.router,
        svc.settings,
        profile,
        conversation_id,
        text,
        actor(),
        g.correlation_id,
    )
    return await _after_action(conversation_id)


async def _page(selected: int | None, part: str | None = None) -> Any:
    """The list and the open thread; for htmx, only the part asked for, or 204 when nothing
    changed since the token the page holds."""
    if g.principal.company_id is None:
        return await render_panel("panel/pick_company.html", "conversas")
    status = request.args.get("status") or None
    # Simulações: the Simulador's conversations, listed apart from the customers'.
    origin = "simulacao" if request.args.get("origem") == "simulacao" else None
    async with services().engine.connect() as conn:
        tenant = await bind_tenant(conn, company_id())
        token = await store.change_token(tenant)
        if is_htmx() and request.args.get("token") == token:
            return Response(status=204)
        rows = await handoffs.conversations(tenant, status, 100, simulated=origin is not None)
        thread = await _thread(tenant, selected) if selected else None
        waiting = await outbox.waiting_count(tenant)
        undelivered = await outbox.undelivered_count(tenant)
    configured = await _whaticket_configured()
    context = {
        "conversations": rows,
        "selected": selected,
        "thread": thread,
        "token": token,
        "status": status,
        "origin": origin,
        "reasons": REASONS,
        # Replies that wait because Whaticket is not configured: said, or nobody would know.
        "outbox_waiting": waiting if waiting and not configured else 0,
        # ... and replies a configured Whaticket keeps refusing or cannot be reached for.
        "undelivered": undelivered if configured else 0,
        "failure_reason": failure_reason,
        "admin": g.principal.role in ("company_admin", "platform_admin"),
    }
    part = part or request.args.get("part")
    if is_htmx() and part in ("list", "thread"):
        return await render_template(f"panel/_conversation_{part}.html", **context)
    return await render_panel("panel/conversations.html", "conversas", **context)


async def _whaticket_configured() -> bool:
    return whaticket_config(await company(), services().settings).configured


async def _thread(tenant: Any, conversation_id: int) -> dict[str, Any]:
    found = await handoffs.conversations(tenant, None, 1, conversation_id)
    if not found:
        raise NotFound("no such conversation")
    state = found[0]
    return {"conversation": state, "messages": await store.thread(tenant, conversation_id)}


async def _after_action(conversation_id: int) -> Any:
    if is_htmx():
        return await _page(conversation_id, part="thread")
    return redirect(f"/painel/conversas/{conversation_id}")
