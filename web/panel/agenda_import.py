"""Agenda › Importar histórico (issue 18, item 1): a company admin uploads the CSV or JSON
its former system exported; the answer says how many appointments came in and, line by line,
why each refused one was refused, in Portuguese. The same import as POST /api/agenda/import."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from quart import Blueprint, render_template, request
from quart_schema import hide

from domain.errors import InvalidInput
from domain.insights import history_import
from web.deadline import within_read_timeout
from web.panel.access import actor, company
from web.panel.layout import is_htmx, render_panel
from web.panel.messages import import_problem
from web.panel.sessions import panel_login_required
from web.services import services

bp = Blueprint("agenda_import", __name__, url_prefix="/painel/agenda/importar")


@bp.get("")
@hide
@panel_login_required
async def page() -> Any:
    await company("company_admin")
    return await render_panel("panel/agenda_import.html", "agenda", report=None, problems=[])


@bp.post("")
@hide
@panel_login_required
@within_read_timeout
async def upload() -> Any:
    profile = await company("company_admin")
    sent = (await request.files).get("file")
    if sent is None or not sent.filename:
        raise InvalidInput("choose a file", code="import_no_file", field="file")
    kind = "application/json" if sent.filename.lower().endswith(".json") else "text/csv"
    report = await history_import.import_file(
        services().engine, profile.id, ZoneInfo(profile.timezone), sent.read(), kind, actor()
    )
    problems = [
        (r.line, import_problem(r.code, r.field))
        for r in report.rejected[: history_import.MAX_REPORTED]
    ]
    context = {"report": report, "problems": problems}
    if is_htmx():
        return await render_template("panel/_agenda_import_result.html", **context)
    return await render_panel("panel/agenda_import.html", "agenda", **context)
