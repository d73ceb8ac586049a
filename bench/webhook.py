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
import contextlib
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import psutil

from bench.load import Results, Target, load, percentile
from bench.stack import Stack, company_id_of, cpu_seconds, spawned_stack
from domain.settings import Settings


async def verify(database_url: str, company_id: int, ids: list[str], timeout: float) -> dict:
    """Wait until every accepted message is processed; return what was found."""
    dsn = database_url.replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(dsn)
    try:
        started = time.perf_counter()
        at_end_of_load = None
        query = (
            f"SELECT count(*) FILTER (WHERE true), "
            f"count(*) FILTER (WHERE status = 'processed') "
            f"FROM tenant_{company_id}.messages WHERE external_id = ANY($1::text[])"
        )
        while True:
            stored, processed = await conn.fetchrow(query, ids)
            if at_end_of_load is None:
                at_end_of_load = processed
            if processed == len(ids) or time.perf_counter() - started >= timeout:
                return {
                    "accepted": len(ids),
                    "stored": stored,
                    "processed": processed,
                    "processed_during_load": at_end_of_load,
                    "drain_seconds": round(time.perf_counter() - started, 2),
                }
            await asyncio.sleep(0.25)
    finally:
        await conn.close()


def cpu_now(stack: Stack | None) -> dict[str, float]:
    """CPU seconds so far per part of the product, and of this process (the load generator)."""
    own = psutil.Process().cpu_times()
    return (cpu_seconds(stack) if stack else {}) | {"bench": own.user + own.system}


def web_pids(stack: Stack) -> list[int]:
    """The processes that serve HTTP: the web server's workers (or the server itself)."""
    found = []
    for pid in stack.pids:
        with contextlib.suppress(psutil.NoSuchProcess):
            for child in psutil.Process(pid).children():
                if "web.asgi" in " ".join(child.cmdline()):
                    workers = [
                        w
                        for w in child.children(recursive=True)
                        if "resource_tracker" not in " ".join(w.cmdline())
                    ]
                    found += [w.pid for w in workers] or [child.pid]
    return found


@contextlib.contextmanager
def profiled(stack: Stack | None, out: Path | None) -> Iterator[None]:
    """py-spy (sampling, idle time left out) on every web process while the load runs:
    one flame graph per process, `out` with the pid appended."""
    if stack is None or out is None:
        yield
        return
    spy = Path(sys.executable).with_name("py-spy")
    records = [
        subprocess.Popen(
            [
                str(spy),
                "record",
                "--pid",
                str(pid),
                "--rate",
                "200",
                "--format",
                "raw",
                "--output",
                f"{out}.{pid}.txt",
                "--nonblocking",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for pid in web_pids(stack)
    ]
    try:
        yield
    finally:
        for record in records:
            record.send_signal(2)  # SIGINT: py-spy writes what it sampled and exits
            record.wait(30)


def report(
    results: Results,
    elapsed: float,
    check: dict,
    args: argparse.Namespace,
    cpu: dict[str, float],
) -> bool:
    accepted = len(results.accepted_ids)
    lat_ms = [v * 1000 for v in results.latencies]
    lost = check["accepted"] - (check["processed"] if args.drain_timeout else check["stored"])
    print(
        f"requests: {len(results.latencies)}  concurrency: {args.concurrency}  "
        f"wall: {elapsed:.2f} s  statuses: {results.statuses}  errors: {results.errors}"
    )
    print(f"accepted/s: {accepted / elapsed:.0f}")
    print(
        f"latency ms: p50 {percentile(lat_ms, 50):.1f}  p95 {percentile(lat_ms, 95):.1f}  "
        f"p99 {percentile(lat_ms, 99):.1f}  max {max(lat_ms):.1f}"
    )
    per = ", ".join(
        f"{role} {seconds * 1000 / max(accepted, 1):.2f}" for role, seconds in sorted(cpu.items())
    )
    cores = ", ".join(f"{role} {seconds / elapsed:.2f}" for role, seconds in sorted(cpu.items()))
    print(f"CPU ms per accepted webhook: {per}")
    print(f"CPU cores busy during the load: {cores}")
    print(
        f"check: accepted {check['accepted']}, stored {check['stored']}, processed "
        f"{check['processed']} ({check['processed_during_load']} by the end of the load, "
        f"drained {check['drain_seconds']} s after it), lost {lost}"
    )
    return lost == 0 and check["stored"] == check["accepted"] and results.errors == 0


async def run(
    args: argparse.Namespace, url: str, secret: str, database_url: str, stack: Stack | None = None
) -> bool:
    company_id = await company_id_of(database_url, args.domain)
    target = Target(url, secret, args.domain)
    if args.warmup:
        await load(target, args.warmup, args.concurrency, uuid.uuid4().hex[:8])
    before = cpu_now(stack)
    with profiled(stack, args.profile):
        results, elapsed = await load(target, args.requests, args.concurrency, uuid.uuid4().hex[:8])
        after = cpu_now(stack)
    cpu = {role: used - before.get(role, 0.0) for role, used in after.items()}
    check = await verify(database_url, company_id, results.accepted_ids, args.drain_timeout)
    return report(results, elapsed, check, args, cpu)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="load a running server instead of starting one")
    parser.add_argument("--secret", default=os.environ.get("SHARED_SECRET", ""))
    parser.add_argument("--domain", help="X-Company-Domain (default: the demo company)")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--warmup", type=int, default=1_000)
    parser.add_argument(
        "--web-workers",
        type=int,
        default=Settings().web_workers,
        help="WEB_WORKERS (default: the product's setting)",
    )
    parser.add_argument(
        "--env", action="append", default=[], metavar="NAME=VALUE", help="more product settings"
    )
    parser.add_argument(
        "--profile", type=Path, help="py-spy each web process during the load: PROFILE.<pid>.txt"
    )
    parser.add_argument(
        "--drain-timeout",
        type=float,
        default=300,
        help="seconds to wait for the worker to process every accepted message "
        "(0: only check that each is stored, for quick CPU measurements)",
    )
    args = parser.parse_args()

    if args.url:
        if not args.database_url:
            parser.error("--url needs --database-url (or DATABASE_URL) to check for losses")
        ok = asyncio.run(run(args, args.url, args.secret, args.database_url))
    else:
        env = dict(item.split("=", 1) for item in args.env)
        with spawned_stack("bench", args.web_workers, env) as stack:
            print(f"stack: {stack.url} ({args.web_workers} web workers, 1 SAQ worker, scheduler)")
            ok = asyncio.run(run(args, stack.url, stack.secret, stack.database_url, stack))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
