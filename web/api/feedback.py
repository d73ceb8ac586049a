"""Pós-Atendimento API (G7): the answers to the follow-ups, filtered, and their summary."""

from __future__ import annotations

from datetime import UTC, datetime

from quart import Blueprint, Response, jsonify
from quart_schema import validate_querystring

from domain.db import tenant_engine
from domain.errors import InvalidField
from domain.feedback import service, store
from domain.tenancy.directory import CompanyProfile
from web.api.auth import acting_profile, authenticated
from web.api.schemas import FeedbackExportQuery, FeedbackQuery, FeedbackSummaryQuery
from web.services import services

bp = Blueprint("feedback", __name__, url_prefix="/api/feedback")


def filters(query: FeedbackQuery, company: CompanyProfile) -> store.Filters:
    """The validated query as the store's filters (the period in the company's days). A
    `since` after today without `until` is refused like `since` after `until`: the period
    would end (today) before it starts."""
    now = datetime.now(UTC)
    if query.since and query.until is None and query.since > service.today(company.timezone, now):
        raise InvalidField(
            "since: must not be after today when until is not given",
            field="since",
            code="since_after_today",
        )
    since, until = service.period(query.since, query.until, company.timezone, now)
    return store.Filters(
        since=since,
        until=until,
        kind=query.kind,
        min_score=query.min_score,
        max_score=query.max_score,
        professional=query.professional,
        limit=query.limit,
        offset=query.offset,
    )


@bp.get("")
@authenticated("operator")
@validate_querystring(FeedbackQuery)
async def listing(query_args: FeedbackQuery) -> Response:
    """The answers, newest first: score, sentiment, comment, customer, professional."""
    company = await acting_profile(query_args.company_id)
    async with tenant_engine(services().engine, company.id).connect() as conn:
        rows = await store.events(conn, filters(query_args, company))
    return jsonify({"items": [service.as_json(row) for row in rows], "count": len(rows)})


@bp.get("/summary")
@authenticated("operator")
@validate_querystring(FeedbackSummaryQuery)
async def summary(query_args: FeedbackSummaryQuery) -> Response:
    """Response rate, median time to answer, average CSAT, NPS with its sample and interval."""
    company = await acting_profile(query_args.company_id)
    async with tenant_engine(services().engine, company.id).connect() as conn:
        body = await service.summary(
            conn, company.id, company.timezone, datetime.now(UTC), query_args.days
        )
    return jsonify(body)


@bp.get("/export")
@authenticated("operator", session=True)
@validate_querystring(FeedbackExportQuery)
async def export(query_args: FeedbackExportQuery) -> Response:
    """The filtered answers as a CSV download (the panel's "Exportar CSV")."""
    company = await acting_profile(query_args.company_id)
    async with tenant_engine(services().engine, company.id).connect() as conn:
        body = await service.csv_bytes(conn, filters(query_args, company), company.timezone)
    name = f"pos-atendimento-{company.slug}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
