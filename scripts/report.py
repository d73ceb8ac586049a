"""`make report COMPANY_ID=<id> FORMAT=csv|pdf [PERIOD=week|month]`: a usage report file
under reports/, the same as GET /api/analytics/report. With DATABASE_URL unset it reads the
embedded database of `make run` (started for the occasion if it is not running)."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

from domain.billing import analytics, reports
from domain.billing.usage import Prices
from domain.db import create_engine
from domain.settings import Settings
from domain.tenancy.directory import CompanyDirectory
from scripts.run import start_infrastructure


async def build(
    settings: Settings, company_id: int, fmt: reports.Format, period: analytics.Period
) -> tuple[str, bytes]:
    """(file name, contents)."""
    engine = create_engine(settings.async_database_url, pool_size=1, max_overflow=0)
    try:
        company = await CompanyDirectory(engine).profile(company_id)
        if company is None:
            raise SystemExit(f"no company with id {company_id}")
        async with engine.connect() as conn:
            data = await analytics.period_report(
                conn,
                company,
                period,
                Prices.from_settings(settings),
                datetime.now(UTC),
            )
    finally:
        await engine.dispose()
    file = await reports.report_file(data, company.slug, fmt)
    return file.name, file.body


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--company-id", type=int, required=True)
    parser.add_argument("--format", choices=("csv", "pdf"), default="csv")
    parser.add_argument("--period", choices=tuple(analytics.PERIOD_DAYS), default="month")
    parser.add_argument("--out", type=Path, default=Path("reports"))
    args = parser.parse_args(argv)
    with ExitStack() as stack:
        os.environ.update(start_infrastructure(Settings(), stack))
        name, body = asyncio.run(build(Settings(), args.company_id, args.format, args.period))
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / name
    path.write_bytes(body)
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
