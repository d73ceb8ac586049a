"""Pós-Atendimento (G7, N6): satisfaction, NPS, what customers said, the follow-ups still
unanswered (with "Reenviar follow-up") and the CSV export; live."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import orjson
from pydantic import ValidationError
from quart import Blueprint, g, render_template, request
from quart_schema import hide

from domain.agenda.phones import shown
from domain.db import tenant_engine
from domain.feedback import service, store
from domain.feedback.policy import policy_for
from domain.tenancy.directory import CompanyProfile
from web.api.feedback import filters
from web.api.schemas import FeedbackQuery
from web.deadline import within_read_timeout
from web.panel.access import actor, company, form_error
from web.panel.layout import is_htmx, render_panel
from web.panel.sessions import panel_login_required
from web.services import services

bp = Blueprint("feedback", __name__, url_prefix="/painel/pos-atendimento")
FILTERS = ("kind", "min_score", "max_score", "since", "until", "professional")
FILTER_FORM = "feedback-filters"  # the filters' form id (feedback.html)


@bp.get("")
@hide
@panel_login_required
async def index() -> Any:
    if g.principal.company_id is None:
        return await render_panel("panel/pick_company.html", "pos-atendimento")
    return await _page()


@bp.post("/<int:followup_id>/reenviar")
@hide
@panel_login_required
@within_read_timeout
async def resend(followup_id: int) -> Any:
    """ "Reenviar follow-up": once, to a customer who has not answered yet. Refused (409 when
    answered, already sent again or closed; 404 when not the company's) like the panel's
    other htmx actions: web/errors.py answers the Portuguese fragment static/panel.js shows."""
    profile = await company()
    svc = services()
    await service.resend_now(
        svc.engine, profile, svc.settings, svc.router, followup_id, actor(), g.correlation_id
    )
    return await _page(notice="Follow-up reenviado.")


def _query() -> FeedbackQuery:
    """The list's filters from the query string; a refused one is a 422 naming it."""
    given = {k: v for k, v in request.args.items() if k in FILTERS}
    try:
        return FeedbackQuery.model_validate(given)
    except ValidationError as error:
        raise form_error(error) from None


async def _page(error: str | None = None, notice: str | None = None) -> Any:
    """The page, or (htmx) its content."""
    profile = await company()
    query = _query()
    now = datetime.now(UTC)
    async with tenant_engine(services().engine, profile.id).connect() as conn:
        summary = await service.summary(conn, profile.id, profile.timezone, now)
        figures = await service.figures(conn, profile.timezone, now)
        events = await store.events(conn, filters(query, profile))
        waiting = await store.unanswered(conn, profile.id, now)
        professionals = await store.professionals(conn)
    context = _context(profile, query, summary, figures, events, waiting, professionals)
    policy = policy_for(profile, services().settings)
    context |= {
        "error": error,
        "notice": notice,
        "followup_on": policy.enabled,
        "delay_text": delay_text(policy.delay),
    }
    if is_htmx() and (request.args.get("part") == "content" or request.method == "POST"):
        fragment = await render_template("panel/_feedback_content.html", **context)
        if request.headers.get("HX-Trigger") == FILTER_FORM:
            # The address bar gets the page's address with the filters chosen, not the
            # fragment's (`part=content`, empty fields): it can be bookmarked or shared.
            address = f"{bp.url_prefix}?{context['query']}" if context["query"] else bp.url_prefix
            return fragment, 200, {"HX-Push-Url": address}
        return fragment
    return await render_panel("panel/feedback.html", "pos-atendimento", **context)


def plural(count: int, one: str, many: str) -> str:
    """ "1 promotor", "2 promotores", "0 respostas"."""
    return f"{count} {one if count == 1 else many}"


def delay_text(delay: timedelta) -> str:
    """The company's follow-up delay as the tab's intro says it, before "cada atendimento":
    "Logo após", "30 minutos depois de", "1 hora depois de", "1 h 30 min depois de"."""
    minutes = int(delay.total_seconds() // 60)
    hours, rest = divmod(minutes, 60)
    if minutes == 0:
        return "Logo após"
    if hours == 0:
        return f"{plural(minutes, 'minuto', 'minutos')} depois de"
    if rest == 0:
        return f"{plural(hours, 'hora', 'horas')} depois de"
    return f"{hours} h {rest} min depois de"


def _context(
    profile: CompanyProfile,
    query: FeedbackQuery,
    summary: dict[str, Any],
    figures: dict[str, Any],
    events: list[Any],
    waiting: list[Any],
    professionals: list[str],
) -> dict[str, Any]:
    chosen = {k: v for k, v in query.model_dump(include=set(FILTERS)).items() if v is not None}
    return {
        "summary": summary,
        "figures": {key: orjson.dumps(figure).decode() for key, figure in figures.items()},
        "events": events,
        "waiting": waiting,
        "professionals": professionals,
        "chosen": chosen,
        "query": urlencode({k: str(v) for k, v in chosen.items()}),
        "zone": ZoneInfo(profile.timezone),
        "sentiments": service.SENTIMENTS,
        "phone_text": shown,
        "plural": plural,
    }
