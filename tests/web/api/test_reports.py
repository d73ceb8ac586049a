"""GET /api/analytics/report and make report: CSV and PDF, by API token or panel session."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.settings import Settings
from tests.support.api import bearer
from tests.support.chat import a_conversation
from tests.support.factories import Cast
from tests.support.panel import log_in
from tests.support.paths import ROOT


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


async def test_make_report_writes_the_file(cast: Cast, settings: Settings, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url or "",
        "REDIS_URL": settings.redis_url or "",
    }
    args = [
        sys.executable,
        "-m",
        "scripts.report",
        "--company-id",
        str(cast.a.company.id),
        "--format",
        "pdf",
        "--out",
        str(tmp_path),
    ]
    done = await asyncio.to_thread(
        subprocess.run, args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    written = Path(done.stdout.strip())
    assert written.parent == tmp_path and written.name.startswith("consumo-acme-")
    assert written.read_bytes().startswith(b"%PDF-")
