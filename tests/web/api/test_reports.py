"""GET /api/analytics/report: CSV and PDF, by API token or panel session."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.settings import Settings
from tests.support.api import bearer
from tests.support.chat import a_conversation
from tests.support.factories import Cast
from tests.support.panel import log_in


async def test_reports_download_as_csv_and_pdf(
    client: Any, engine: AsyncEngine, settings: Settings, cast: Cast
) -> None:
    await a_conversation(client, engine, settings, cast.a.company.id)
    headers = await bearer(client, cast.member, cast.password)
    as_csv = await client.get("/api/analytics/report?format=csv&period=week", headers=headers)
    assert as_csv.status_code == 200 and as_csv.mimetype == "text/csv"
    assert 'filename="consumo-acme-' in as_csv.headers["Content-Disposition"]
    text = (await as_csv.get_data()).decode("utf-8-sig")
    assert text.count("\r\n") == 1 + 7 + 1  # header, 7 days, total
    assert ";1;" in text.splitlines()[-2]  # today's one reply
    as_pdf = await client.get("/api/analytics/report?format=pdf", headers=headers)
    assert as_pdf.mimetype == "application/pdf" and (await as_pdf.get_data()).startswith(b"%PDF-")
    bad = await client.get("/api/analytics/report?format=xls", headers=headers)
    assert (bad.status_code, (await bad.get_json())["field"]) == (422, "format")
    assert (await client.get("/api/analytics/report")).status_code == 401
    outsider = await bearer(client, cast.outsider, cast.password)
    foreign = await client.get(
        f"/api/analytics/report?company_id={cast.a.company.id}", headers=outsider
    )
    assert foreign.status_code == 403


async def test_the_panel_session_downloads_too(client: Any, cast: Cast) -> None:
    await log_in(client, cast.member, cast.password)
    response = await client.get("/api/analytics/report?format=pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
