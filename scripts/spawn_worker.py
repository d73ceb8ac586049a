"""A worker dedicated to one company: `python scripts/spawn_worker.py --company-id <id>
[--queue NAME] [--burst]`.

While it runs, the company's new messages go to its own queue (a Redis heartbeat tells the
web and the sweeper); companies without one are served by the shared worker. With
DATABASE_URL / REDIS_URL unset it attaches to the embedded servers of a running `make run`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from contextlib import ExitStack
from pathlib import Path

# Runnable as a path (`python scripts/spawn_worker.py`), as the provisioning answer says.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import uvloop
from saq import Worker
from sqlalchemy import select

from domain import queues
from domain.db import create_engine
from domain.settings import Settings
from domain.tenancy.models import Company
from scripts.run import start_infrastructure
from tasks import worker as worker_settings


async def company_exists(settings: Settings, company_id: int) -> bool:
    engine = create_engine(settings.async_database_url, pool_size=1, max_overflow=0)
    try:
        async with engine.connect() as conn:
            found = await conn.scalar(select(Company.id).where(Company.id == company_id))
    finally:
        await engine.dispose()
    return found is not None


async def run(settings: Settings, company_id: int, queue: str, burst: bool) -> None:
    config = worker_settings.settings(settings, queue=queue, burst=burst, company_id=company_id)
    worker = Worker(**config)
    await worker.queue.connect()
    try:
        await worker.start()
    finally:
        await worker.queue.disconnect()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--company-id", type=int, required=True)
    parser.add_argument("--queue", help="queue name (default: company-<id>)")
    parser.add_argument("--burst", action="store_true", help="stop when the queue is empty")
    args = parser.parse_args(argv)
    with ExitStack() as stack:
        os.environ.update(start_infrastructure(Settings(), stack))
        settings = Settings()
        if not asyncio.run(company_exists(settings, args.company_id)):
            print(f"no company with id {args.company_id}", file=sys.stderr)
            return 2
        queue = args.queue or queues.company_queue(args.company_id)
        uvloop.run(run(settings, args.company_id, queue, args.burst))  # as tasks/__main__.py
    return 0


if __name__ == "__main__":
    sys.exit(main())
