"""Webhook benchmark (`make bench`): signed Whaticket webhooks at a chosen concurrency.

Prints accepted/s and p50/p95/p99 latency, then checks in PostgreSQL that every accepted
message is stored and processed (none lost).

By default it starts the whole product itself (bench/stack.py: `scripts.run` with Hypercorn, a SAQ
worker and the scheduler, embedded PostgreSQL and Redis under var/bench/) on a free port and
stops it at the end. With `--url` it loads a server that is already running; then
`--database-url` (or DATABASE_URL) is needed for the check and `--secret` must be that server's
webhook secret. The client is bench/load.py: raw HTTP/1.1 with keep-alive, cheap on CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
import uuid

import asyncpg

from bench.load import Results, Target, load, percentile
from bench.stack import company_id_of, spawned_stack


async def verify(database_url: str, company_id: int, ids: list[str], timeout: float) -> dict:
    """Wait until every accepted message is processed; return what was found."""
    dsn = database_url.replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(dsn)
    try:
        started = time.perf_counter()
        query = (
            f"SELECT count(*) FILTER (WHERE true), "
            f"count(*) FILTER (WHERE status = 'processed') "
            f"FROM tenant_{company_id}.messages WHERE external_id = ANY($1::text[])"
        )
        while True:
            stored, processed = await conn.fetchrow(query, ids)
            if processed == len(ids) or time.perf_counter() - started > timeout:
                return {
                    "accepted": len(ids),
                    "stored": stored,
                    "processed": processed,
                    "drain_seconds": round(time.perf_counter() - started, 2),
                }
            await asyncio.sleep(0.25)
    finally:
        await conn.close()


def report(results: Results, elapsed: float, check: dict, args: argparse.Namespace) -> bool:
    accepted = len(results.accepted_ids)
    lat_ms = [v * 1000 for v in results.latencies]
    lost = check["accepted"] - check["processed"]
    print(
        f"requests: {len(results.latencies)}  concurrency: {args.concurrency}  "
        f"wall: {elapsed:.2f} s  statuses: {results.statuses}  errors: {results.errors}"
    )
    print(f"accepted/s: {accepted / elapsed:.0f}")
    print(
        f"latency ms: p50 {percentile(lat_ms, 50):.1f}  p95 {percentile(lat_ms, 95):.1f}  "
        f"p99 {percentile(lat_ms, 99):.1f}  max {max(lat_ms):.1f}"
    )
    print(
        f"check: accepted {check['accepted']}, stored {check['stored']}, processed "
        f"{check['processed']} (drained {check['drain_seconds']} s after the load), lost {lost}"
    )
    return lost == 0 and check["stored"] == check["accepted"] and results.errors == 0


async def run(args: argparse.Namespace, url: str, secret: str, database_url: str) -> bool:
    company_id = await company_id_of(database_url, args.domain)
    target = Target(url, secret, args.domain)
    if args.warmup:
        await load(target, args.warmup, args.concurrency, uuid.uuid4().hex[:8])
    results, elapsed = await load(target, args.requests, args.concurrency, uuid.uuid4().hex[:8])
    check = await verify(database_url, company_id, results.accepted_ids, args.drain_timeout)
    return report(results, elapsed, check, args)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="load a running server instead of starting one")
    parser.add_argument("--secret", default=os.environ.get("SHARED_SECRET", ""))
    parser.add_argument("--domain", help="X-Company-Domain (default: the demo company)")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--warmup", type=int, default=1_000)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--drain-timeout", type=float, default=300)
    args = parser.parse_args()

    if args.url:
        if not args.database_url:
            parser.error("--url needs --database-url (or DATABASE_URL) to check for losses")
        ok = asyncio.run(run(args, args.url, args.secret, args.database_url))
    else:
        with spawned_stack("bench", args.web_workers) as stack:
            print(f"stack: {stack.url} ({args.web_workers} web workers, 1 SAQ worker, scheduler)")
            ok = asyncio.run(run(args, stack.url, stack.secret, stack.database_url))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
