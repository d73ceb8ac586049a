"""Analytics API (N2, N3): usage summary, daily history and reports from the real-time
aggregates."""

from __future__ import annotations

from datetime import UTC, datetime

from quart import Blueprint, Response, jsonify
from quart_schema import validate_querystring

from domain.billing import analytics, reports
from domain.billing.usage import Prices
from web.api.auth import acting_profile, authenticated
from web.api.schemas import CompanyQuery, HistoryQuery, ReportQuery
from web.services import services

bp = Blueprint("analytics", __name__, url_prefix="/api/analytics")


@bp.get("/summary")
@authenticated("operator")
@validate_querystring(CompanyQuery)
async def summary(query_args: CompanyQuery) -> Response:
    """Today, this week and this month, with the plan's usage and alerts."""
    company = await acting_profile(query_args.company_id)
    svc = services()
    async with svc.engine.connect() as conn:
        body = await analytics.usage_summary(
            conn, company, Prices.from_settings(svc.settings), datetime.now(UTC)
        )
    return jsonify(body)


@bp.get("/history")
@authenticated("operator")
@validate_querystring(HistoryQuery)
async def history(query_args: HistoryQuery) -> Response:
    """The totals of each day of the last week or month."""
    company = await acting_profile(query_args.company_id)
    svc = services()
    async with svc.engine.connect() as conn:
        body = await analytics.usage_history(
            conn, company, query_args.period, Prices.from_settings(svc.settings), datetime.now(UTC)
        )
    return jsonify(body)


@bp.get("/report")
@authenticated("operator", session=True)
@validate_querystring(ReportQuery)
async def report(query_args: ReportQuery) -> Response:
    """The last week or month as a CSV or PDF download."""
    company = await acting_profile(query_args.company_id)
    svc = services()
    async with svc.engine.connect() as conn:
        data = await analytics.period_report(
            conn, company, query_args.period, Prices.from_settings(svc.settings), datetime.now(UTC)
        )
    file = await reports.report_file(data, company.slug, query_args.format)
    return Response(
        file.body,
        mimetype=file.mimetype,
        headers={"Content-Disposition": f'attachment; filename="{file.name}"'},
    )
