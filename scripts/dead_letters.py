"""The dead-letter queue from the command line (the panel comes later).

    python -m scripts.dead_letters list [--all]
    python -m scripts.dead_letters replay ID [ID ...]
    python -m scripts.dead_letters replay --all

Uses DATABASE_URL / REDIS_URL (or the servers of a running `make run`).
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from domain import queues
from domain.db import create_engine
from domain.operations.dead_letters import replay
from domain.operations.store import list_dead_letters
from domain.settings import Settings
from tasks.worker import make_queue


async def main_async(args: argparse.Namespace, settings: Settings) -> int:
    engine = create_engine(settings.async_database_url, pool_size=1, max_overflow=0)
    try:
        async with engine.connect() as conn:
            rows = await list_dead_letters(
                conn, include_replayed=args.command == "list" and args.all
            )
        if args.command == "list":
            for row in rows:
                state = f"replayed {row.replayed_at:%Y-%m-%d %H:%M}" if row.replayed_at else "dead"
                print(
                    f"{row.id}\t{row.failed_at:%Y-%m-%d %H:%M:%S}\tcompany {row.company_id}\t"
                    f"{row.function}\t{row.attempts} attempts\t{state}\t"
                    f"{(row.error or '').strip().splitlines()[-1:] or ['']}"
                )
            print(f"{len(rows)} dead letter(s)")
            return 0
        ids = [row.id for row in rows] if args.all else args.ids
        queue = make_queue(settings, queues.SHARED)
        try:
            replayed = [i for i in ids if await replay(engine, queue, i)]
        finally:
            await queue.redis.aclose()
        print(f"replayed: {replayed or 'none'}")
        return 0 if len(replayed) == len(ids) else 1
    finally:
        await engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description="List and replay dead-letter jobs")
    sub = parser.add_subparsers(dest="command", required=True)
    listing = sub.add_parser("list")
    listing.add_argument("--all", action="store_true", help="include replayed ones")
    replaying = sub.add_parser("replay")
    replaying.add_argument("ids", nargs="*", type=int)
    replaying.add_argument("--all", action="store_true", help="every dead letter not replayed")
    args = parser.parse_args()
    if args.command == "replay" and not (args.ids or args.all):
        parser.error("replay needs IDs or --all")
    return asyncio.run(main_async(args, Settings()))


if __name__ == "__main__":
    sys.exit(main())
