"""`make bench-compare`: webhook ingest of the seed's Flask + RQ stack and of this project, side
by side, under the same wrk load, one after the other (issue 16).

1. The seed stack (`../shared/bench/seed_stack/`, or --seed-dir / SEED_STACK_DIR) through its
   own run_bench.sh, in its best configuration (RQ SimpleWorker x2) unless told otherwise.
2. The project as `make run` starts it, with its defaults (bench/stack.py: scripts.run on a
   free port, embedded PostgreSQL and Redis under var/compare/), driven by the same wrk load
   (pre-signed unique raw Baileys webhooks, bench/wrk_webhooks.lua); then it waits until every
   accepted message is processed and counts the lost ones in PostgreSQL.

Before the first run it waits (up to --quiet-timeout) for the 1-minute load average to fall
below --max-load, and as long before the second when the first found it quiet (else a minute):
on a shared machine only a ratio measured on a quiet one means anything. It prints
one table with the ratios project/seed, and the figures as JSON on the last line; it exits 1
when either stack lost an accepted message, 2 when the seed stack is not there.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import math
import os
import sys
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

import asyncpg
import psutil

from bench import seed
from bench.stack import ROOT, Stack, company_id_of, cpu_seconds, spawned_stack
from bench.wrk import Load, Report, ensure_wrk, parse, run_wrk, write_requests
from domain.settings import Settings

DEMO_DOMAIN = "demo.localhost"  # the demo company `make run` provisions
FILES = ROOT / "var" / "compare-files"  # request files, the seed's results line


@dataclass(frozen=True)
class Figures:
    """One stack's row of the table."""

    stack: str
    accepted: int
    accepted_per_s: float
    p50_ms: float
    p99_ms: float
    processed_during_load: int
    lost: int
    load_average: float  # 1-minute load average when the run started
    cpu_load_s: dict[str, float]  # core-seconds per part during the load


def wait_quiet(max_load: float, timeout: float) -> float:
    """Wait until the 1-minute load average is below `max_load` (0: don't); return it."""
    deadline = time.monotonic() + timeout
    while (load := os.getloadavg()[0]) >= max_load > 0 and time.monotonic() < deadline:
        print(f"[compare] load average {load:.2f} >= {max_load}: waiting 30 s", flush=True)
        time.sleep(30)
    if load >= max_load > 0:
        print(f"[compare] still {load:.2f} after {timeout:.0f} s: measuring anyway", flush=True)
    return math.floor(load * 100) / 100  # rounded down: 0.998 must still read as below 1.0


def seed_figures(args: argparse.Namespace, folder: Path, load: Load, loadavg: float) -> Figures:
    """Run the seed stack once; its row."""
    worker_class = "" if args.seed_worker_class == "default" else args.seed_worker_class
    label = "RQ SimpleWorker" if worker_class == seed.BEST_WORKER_CLASS else "RQ Worker"
    venv = Path(args.seed_venv)
    result = seed.run_seed(folder, venv, load, worker_class, FILES / "seed_results.jsonl")
    return Figures(
        stack=f"seed stack, Gunicorn gthread 2x4 + {label} x2",
        accepted=result["accepted"],
        accepted_per_s=result["accepted_per_s"],
        p50_ms=result["p50_ms"],
        p99_ms=result["p99_ms"],
        processed_during_load=result["processed_during_load"],
        lost=result["rows_inserted"] - result["processed"],
        load_average=loadavg,
        cpu_load_s=_seed_cpu(result.get("cpu_load_s", {})),
    )


def _seed_cpu(cpu: dict[str, float]) -> dict[str, float]:
    """run_bench.sh's CPU per part, with the machine's busy core-s named as ours is."""
    parts = {k: v for k, v in cpu.items() if not k.startswith("_")}
    return parts | ({"machine": cpu["_busy_all"]} if "_busy_all" in cpu else {})


def busy_seconds() -> float:
    """Core-seconds the whole machine has been busy (not idle, not waiting on the disk)."""
    times = psutil.cpu_times()  # as run_bench.sh counts it: guest time is already in user
    return float(sum(times[:8]) - times.idle - times.iowait)


async def counts(database_url: str, company_id: int, id_prefix: str) -> tuple[int, int]:
    """(rows, processed rows) among the messages whose WhatsApp id starts with `id_prefix`."""
    conn = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        row = await conn.fetchrow(
            "SELECT count(*), count(*) FILTER (WHERE status = 'processed') "
            f"FROM tenant_{company_id}.messages WHERE external_id LIKE $1",
            id_prefix + "%",
        )
        return int(row[0]), int(row[1])
    finally:
        await conn.close()


def drained(stack: Stack, company_id: int, id_prefix: str, timeout: float) -> tuple[int, int]:
    """Wait until every stored message of the run is processed (or `timeout`); the counts."""
    deadline = time.monotonic() + timeout
    while True:
        rows, processed = asyncio.run(counts(stack.database_url, company_id, id_prefix))
        if processed >= rows or time.monotonic() > deadline:
            return rows, processed
        time.sleep(0.5)


def project_figures(args: argparse.Namespace, load: Load, loadavg: float) -> Figures:
    """Start the project as `make run` does, load it as the seed was loaded; its row."""
    web = Settings().web_workers
    with spawned_stack("compare", None, quiet=False) as stack:
        company_id = asyncio.run(company_id_of(stack.database_url, DEMO_DOMAIN))
        run_id = uuid.uuid4().hex[:8].upper()
        if load.warmup != "0":  # as run_bench.sh: other ids, drained before the measured run
            write_requests(FILES / "warmup.tsv", 20_000, stack.secret, f"W{run_id}-")
            run_wrk(stack.url, FILES / "warmup.tsv", load, DEMO_DOMAIN, load.warmup)
            drained(stack, company_id, f"W{run_id}-", args.drain_timeout)
        prefix = f"C{run_id}-"
        write_requests(FILES / "requests.tsv", load.requests, stack.secret, prefix)
        cpu_before, busy_before = cpu_seconds(stack), busy_seconds()
        text = run_wrk(stack.url, FILES / "requests.tsv", load, DEMO_DOMAIN)
        _, during = asyncio.run(counts(stack.database_url, company_id, prefix))
        cpu = {k: round(v - cpu_before.get(k, 0.0), 2) for k, v in cpu_seconds(stack).items()}
        cpu["machine"] = round(busy_seconds() - busy_before, 2)
        print(text, end="", flush=True)
        rows, processed = drained(stack, company_id, prefix, args.drain_timeout)
    report = parse(text)
    _warn(report, rows)
    return Figures(
        stack=f"project, `make run` defaults ({web} web process{'es' if web > 1 else ''})",
        accepted=report.accepted(rows),
        accepted_per_s=round(report.accepted(rows) / report.seconds, 1),
        p50_ms=report.p50_ms,
        p99_ms=report.p99_ms,
        processed_during_load=during,
        lost=rows - processed,
        load_average=loadavg,
        cpu_load_s=cpu,
    )


def _warn(report: Report, rows: int) -> None:
    if report.non_2xx or report.socket_errors != "none":
        print(f"[compare] non-2xx {report.non_2xx}, socket errors: {report.socket_errors}")
    if rows < report.requests - report.non_2xx:
        print("[compare] fewer rows than 2xx answers: wrk ran out of requests; raise --requests")


def cpu_line(row: Figures) -> str:
    """Where the CPU went during the load, and the stack's own CPU per accepted webhook."""
    parts = ", ".join(f"{k} {v:.1f}" for k, v in sorted(row.cpu_load_s.items()))
    own = sum(v for k, v in row.cpu_load_s.items() if k not in ("machine", "wrk"))
    per = f"{1000 * own / row.accepted:.2f} ms" if row.accepted else "-"
    return f"CPU during the load (core-s), {row.stack}: {parts}; {per} per accepted webhook"


def _ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}x" if theirs else "-"


def table(seed_row: Figures, ours: Figures) -> str:
    """The comparison as a Markdown table (the README's form)."""
    lines = [
        "| run | accepted/s | p50 | p99 | processed during the load | lost | load avg |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in (seed_row, ours):
        lines.append(
            f"| {row.stack} | {row.accepted_per_s:,.1f} | {row.p50_ms:.1f} ms | "
            f"{row.p99_ms:.1f} ms | {row.processed_during_load:,} | {row.lost} | "
            f"{row.load_average:.2f} |"
        )
    lines.append(
        f"| project / seed | {_ratio(ours.accepted_per_s, seed_row.accepted_per_s)} | "
        f"{_ratio(ours.p50_ms, seed_row.p50_ms)} | {_ratio(ours.p99_ms, seed_row.p99_ms)} | "
        f"{_ratio(ours.processed_during_load, seed_row.processed_during_load)} | | |"
    )
    return "\n".join(lines)


def summary(seed_row: Figures, ours: Figures, load: Load) -> dict:
    """Everything in the table, for the last line."""
    return {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "wrk": asdict(load),
        "seed": asdict(seed_row),
        "project": asdict(ours),
        "ratios": {
            key: round(getattr(ours, key) / getattr(seed_row, key), 3)
            for key in ("accepted_per_s", "p50_ms", "p99_ms", "processed_during_load")
            if getattr(seed_row, key)
        },
    }


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    folder = seed.locate(args.seed_dir)
    if folder is None:
        where = args.seed_dir or seed.DEFAULT_DIR
        print(f"no seed stack at {where} (no run_bench.sh): set --seed-dir or SEED_STACK_DIR")
        return 2
    load = Load(args.threads, args.connections, args.duration, args.requests, args.warmup)
    # Installing comes first: it must not load the machine during a measured run.
    ensure_wrk()
    seed.ensure_venv(Path(args.seed_venv))
    FILES.mkdir(parents=True, exist_ok=True)
    seed_row = seed_figures(args, folder, load, wait_quiet(args.max_load, args.quiet_timeout))
    # The second run waits as long only when the first found the machine quiet; when others
    # keep it busy, a minute lets our own run's after-effects settle and the runs stay close.
    quiet = seed_row.load_average < args.max_load
    loadavg = wait_quiet(args.max_load, args.quiet_timeout if quiet else 60)
    ours = project_figures(args, load, loadavg)
    for row in (seed_row, ours):
        print(cpu_line(row))
    print(table(seed_row, ours))
    print(json.dumps(summary(seed_row, ours, load)))
    return 1 if seed_row.lost or ours.lost else 0


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed-dir", default=os.environ.get("SEED_STACK_DIR"))
    parser.add_argument("--seed-venv", default=str(ROOT / "var" / "seed-venv"))
    parser.add_argument(
        "--seed-worker-class",
        default=seed.BEST_WORKER_CLASS,
        help="RQ worker class of the seed stack; 'default' for RQ's forking Worker",
    )
    parser.add_argument("--threads", type=int, default=2, help="wrk -t")
    parser.add_argument("--connections", type=int, default=50, help="wrk -c")
    parser.add_argument("--duration", default="20s", help="wrk -d")
    parser.add_argument("--warmup", default="3s", help="wrk -d of the warm-up; 0 for none")
    parser.add_argument("--requests", type=int, default=60_000, help="pre-signed requests")
    parser.add_argument("--max-load", type=float, default=1.0, help="0: do not wait")
    parser.add_argument("--quiet-timeout", type=float, default=600)
    parser.add_argument("--drain-timeout", type=float, default=900)
    return parser


if __name__ == "__main__":
    sys.exit(main())
