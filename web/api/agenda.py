"""Agenda API (G4): appointments for API users, and a reminder sent now."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from quart import Blueprint, Response, g, jsonify, request
from quart_schema import validate_querystring

from domain.agenda import front_desk
from domain.agenda.listing import list_appointments
from domain.db import TenantDatabase, bind_tenant
from domain.insights import history_import
from domain.insights import service as insights_service
from web.api.auth import acting_company, acting_profile, actor, authenticated
from web.api.schemas import AppointmentsQuery, CompanyQuery
from web.services import services
from web.validation import read_body

bp = Blueprint("agenda", __name__, url_prefix="/api/agenda")


@bp.get("/appointments")
@authenticated("operator")
@validate_querystring(AppointmentsQuery)
async def appointments(query_args: AppointmentsQuery) -> Response:
    """Appointments of a date range with its attendance, in the company's time zone."""
    company = await acting_profile(query_args.company_id)
    async with services().engine.connect() as conn:
        listing = await list_appointments(
            conn,
            company,
            datetime.now(UTC),
            first=query_args.from_,
            last=query_args.to,
            status=query_args.status,
            client=query_args.client,
        )
    return jsonify(listing.as_json())


@bp.post("/appointments/<int:appointment_id>/remind")
@authenticated("operator")
@validate_querystring(CompanyQuery)
async def remind(appointment_id: int, query_args: CompanyQuery) -> tuple[Response, int]:
    """Send a reminder of a future appointment now (G5's "Enviar lembrete agora"): 202 when
    queued; 409 when one went out moments ago or the appointment is past or inactive."""
    company_id = await acting_company(query_args.company_id)
    svc = services()
    reminded = await front_desk.remind_now(
        TenantDatabase(svc.engine, company_id),
        svc.directory,
        svc.settings,
        svc.router,
        appointment_id,
        g.correlation_id,
    )
    return jsonify(sent=True, queued=reminded.queued), 202


@bp.post("/import")
@authenticated("company_admin")
@validate_querystring(CompanyQuery)
async def import_history(query_args: CompanyQuery) -> Response:
    """The clinic's history in (issue 18): CSV (text/csv, a header row) or JSON, UTF-8, up to
    1 MiB. 200 with what was imported and each refused row; 400 for a file that cannot be
    read at all."""
    company = await acting_profile(query_args.company_id)
    body = await read_body(history_import.MAX_BYTES)
    report = await history_import.import_file(
        services().engine,
        company.id,
        ZoneInfo(company.timezone),
        body,
        request.mimetype,
        actor(),
    )
    return jsonify(report.as_json())


@bp.post("/insights/retrain")
@authenticated("company_admin")
@validate_querystring(CompanyQuery)
async def retrain(query_args: CompanyQuery) -> Response:
    """Retrain the company's no-show model now (when its history changed since the last
    training) and rescore its upcoming appointments: the model in use and its evaluation."""
    company = await acting_profile(query_args.company_id)
    async with services().engine.begin() as conn:
        done = await insights_service.refresh(
            await bind_tenant(conn, company.id),
            company.id,
            ZoneInfo(company.timezone),
            datetime.now(UTC),
        )
    return jsonify(done.as_json())
