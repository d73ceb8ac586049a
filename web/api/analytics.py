"""Analytics API (N2): usage summary and daily history from the real-time aggregates."""

from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

from quart import Blueprint, Response, jsonify, request
from quart_schema import document_querystring

from domain.billing import analytics, reports
from domain.billing.usage import Prices
from domain.errors import InvalidField, NotFound
from domain.tenancy.directory import CompanyProfile
from web.api.auth import acting_company, authenticated
from web.api.schemas import CompanyQuery, HistoryQuery, ReportQuery
from web.services import services

bp = Blueprint("analytics", __name__, url_prefix="/api/analytics")
HISTORY_DAYS = {"week": 7, "month": 30}


@bp.get("/summary")
@document_querystring(CompanyQuery)
@authenticated("operator")
async def summary() -> Response:
    company = await _company()
    svc = services()
    today = datetime.now(ZoneInfo(company.timezone)).date()
    async with svc.engine.connect() as conn:
        body = await analytics.summary(
            conn, company.id, today, company.limits, Prices.from_settings(svc.settings)
        )
    return jsonify(company_id=company.id, date=today.isoformat(), currency="BRL", **body)


@bp.get("/history")
@document_querystring(HistoryQuery)
@authenticated("operator")
async def history() -> Response:
    wanted = request.args.get("period", "week")
    if wanted not in HISTORY_DAYS:
        raise InvalidField("period must be week or month", field="period")
    company = await _company()
    today = datetime.now(ZoneInfo(company.timezone)).date()
    svc = services()
    async with svc.engine.connect() as conn:
        days = await analytics.last_days(conn, company.id, today, HISTORY_DAYS[wanted])
    price = Prices.from_settings(svc.settings)
    return jsonify(
        company_id=company.id,
        period=wanted,
        days=[{"date": day.isoformat(), **totals.as_json(price)} for day, totals in days],
    )


async def _company() -> CompanyProfile:
    company = await services().directory.profile(await acting_company())
    if company is None:
        raise NotFound("no such company")
    return company


@bp.get("/report")
@document_querystring(ReportQuery)
@authenticated("operator", session=True)
async def report() -> Response:
    wanted = request.args.get("format", "csv")
    if wanted not in ("csv", "pdf"):
        raise InvalidField("format must be csv or pdf", field="format")
    days = HISTORY_DAYS.get(request.args.get("period", "month"))
    if days is None:
        raise InvalidField("period must be week or month", field="period")
    company = await _company()
    svc = services()
    today = datetime.now(ZoneInfo(company.timezone)).date()
    async with svc.engine.connect() as conn:
        data = await analytics.usage_report(
            conn, company, today, days, Prices.from_settings(svc.settings)
        )
    if wanted == "csv":
        body, mimetype = reports.csv_report(data), "text/csv; charset=utf-8"
    else:  # CPU work: off the event loop
        body, mimetype = await asyncio.to_thread(reports.pdf_report, data), "application/pdf"
    name = f"consumo-{company.slug}-{today.isoformat()}.{wanted}"
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
