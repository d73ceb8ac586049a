"""Pós-Atendimento for the tab and the API (G7, N6): the summary, the filtered list, its CSV
and the charts, computed from the answers by the pure stats and charts modules."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from domain import queues
from domain.billing.reports import spreadsheet_csv
from domain.db import bind_tenant
from domain.feedback import charts, followups, stats, store
from domain.operations.audit import record
from domain.settings import Settings
from domain.tenancy.directory import CompanyProfile

# The NPS card reads a longer period than the others: a clinic gets few NPS answers a month.
NPS_DAYS = 90
CSV_LIMIT = 10_000
CSV_COLUMNS = [
    "Data",
    "Pergunta",
    "Nota",
    "Sentimento",
    "Comentário",
    "Cliente",
    "Telefone",
    "Atendimento",
    "Profissional",
]
# As the tab says them (and the CSV, which people read in a spreadsheet).
SENTIMENTS = {"positive": "positivo", "neutral": "neutro", "negative": "negativo"}
KINDS = {"csat": "Satisfação", "nps": "NPS"}
LOCAL_MINUTE = "%d/%m/%Y %H:%M"


def today(timezone: str, now: datetime) -> date:
    """The company's local date at `now`."""
    return now.astimezone(ZoneInfo(timezone)).date()


def period(
    since: date | None, until: date | None, timezone: str, now: datetime
) -> tuple[datetime, datetime]:
    """[since, until] as local days -> [start, end) instants; default: the last 30 days."""
    zone = ZoneInfo(timezone)
    last = until or today(timezone, now)
    first = since or last - timedelta(days=29)
    start = datetime.combine(first, time(), zone)
    end = datetime.combine(last + timedelta(days=1), time(), zone)
    return start, end


async def summary(
    conn: AsyncConnection, company_id: int, timezone: str, now: datetime, days: int = 30
) -> dict[str, Any]:
    """Response rate, median time to answer, average CSAT and NPS (with its sample and 95 %
    interval) of the last `days` days (NPS: NPS_DAYS at least)."""
    since = now - timedelta(days=days)
    nps_since = now - timedelta(days=max(days, NPS_DAYS))
    answers = await store.scored(conn, min(since, nps_since))
    recent = [a for a in answers if a.created_at >= since]
    sent = await store.sent_count(conn, company_id, since)
    answered = len(recent)  # one answer row per follow-up
    wait = stats.median_wait((a.sent_at, a.created_at) for a in recent)
    csat = [a.score for a in recent if a.kind == "csat" and a.score is not None]
    nps = stats.nps(
        a.score
        for a in answers
        if a.kind == "nps" and a.score is not None and a.created_at >= nps_since
    )
    return {
        "days": days,
        "sent": sent,
        "answered": answered,
        "response_rate": stats.response_rate(answered, sent),
        "median_answer_seconds": wait.total_seconds() if wait is not None else None,
        # "Negativas" sits in the CSAT card: the negative CSAT answers (NPS detractors are in
        # the NPS card); the top-level count keeps every negative answer, as the API said.
        "csat": {
            "average": stats.csat_average(csat),
            "n": len(csat),
            "negative": sum(1 for a in recent if a.kind == "csat" and a.sentiment == "negative"),
        },
        "nps": {**asdict(nps), "days": max(days, NPS_DAYS), "interval_shown": nps.low is not None},
        "negative": sum(1 for a in recent if a.sentiment == "negative"),
    }


async def figures(conn: AsyncConnection, timezone: str, now: datetime) -> dict[str, dict[str, Any]]:
    """The 30-day satisfaction chart and the 12-month NPS trend."""
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()
    first_month = stats.months_back(today, 12)[0]
    answers = await store.scored(conn, datetime.combine(first_month, time(), zone))
    local = [(a.created_at.astimezone(zone).date(), a) for a in answers if a.score is not None]
    csat = [(day, a.score) for day, a in local if a.kind == "csat"]
    nps = [(day, a.score) for day, a in local if a.kind == "nps"]
    return {
        "satisfaction": charts.satisfaction_figure(stats.daily_csat(csat, today)),
        "nps": charts.nps_figure(stats.monthly_nps(nps, today)),
    }


def as_json(row: Any) -> dict[str, Any]:
    """One answer as the API and the CSV give it."""
    return {
        "id": row.id,
        "followup_id": row.followup_id,
        "kind": row.kind,
        "score": row.score,
        "sentiment": row.sentiment,
        "comment": row.comment,
        "appointment_id": row.appointment_id,
        "appointment_start": row.start_at.isoformat() if row.start_at else None,
        "contact_id": row.contact_id,
        "customer": row.name,
        "phone": row.phone,
        "professional": row.professional,
        "event_type_id": row.event_type_id,
        "sent_at": row.sent_at.isoformat(),
        "created_at": row.created_at.isoformat(),
    }


async def csv_bytes(conn: AsyncConnection, filters: store.Filters, timezone: str) -> bytes:
    """The filtered answers, newest first, as the product's other CSVs are written for a
    Brazilian spreadsheet (domain/billing/reports.spreadsheet_csv): Portuguese headers and
    labels, local dd/mm/aaaa times."""
    zone = ZoneInfo(timezone)
    rows = await store.events(
        conn, store.Filters(**{**asdict(filters), "limit": CSV_LIMIT, "offset": 0})
    )
    return spreadsheet_csv(
        CSV_COLUMNS,
        [
            [
                row.created_at.astimezone(zone).strftime(LOCAL_MINUTE),
                KINDS.get(row.kind, row.kind),
                "" if row.score is None else str(row.score),
                SENTIMENTS.get(row.sentiment, row.sentiment or ""),
                _cell(row.comment),
                _cell(row.name),
                row.phone or "",
                row.start_at.astimezone(zone).strftime(LOCAL_MINUTE) if row.start_at else "",
                _cell(row.professional),
            ]
            for row in rows
        ],
    )


def _cell(text: str | None) -> str:
    """A customer's words in a spreadsheet cell: a leading =, +, - or @ would be read as a
    formula by Excel or Sheets (CSV injection; a leading tab or carriage return too), so it is
    quoted with an apostrophe."""
    value = text or ""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


async def resend_now(
    engine: AsyncEngine,
    company: CompanyProfile,
    settings: Settings,
    router: queues.QueueRouter,
    followup_id: int,
    actor: str,
    correlation_id: str,
) -> bool:
    """ "Reenviar follow-up": written and audited in one transaction, queued for delivery
    once committed. Whether it was queued (else the sweeper or the outbox takes it)."""
    now = datetime.now(UTC)
    async with engine.begin() as conn:
        message_id, status = await followups.resend(conn, company, settings, followup_id, now)
        await record(
            await bind_tenant(conn, company.id),
            actor=actor,
            action="followup.resent",
            entity="followup",
            entity_id=followup_id,
            after={"message_id": message_id},
            correlation_id=correlation_id,
        )
    if status != "pending":
        return True
    unqueued = await queues.enqueue_deliveries(
        router, settings.redis_namespace, [(company.id, message_id)], correlation_id
    )
    return not unqueued
