"""Webhook benchmark (`make bench`): signed Whaticket webhooks at a chosen concurrency.

Prints accepted/s and p50/p95/p99 latency, then checks in PostgreSQL that every accepted
message is stored and processed (none lost).

By default it starts the whole product itself (`scripts.run`: Hypercorn + SAQ worker +
scheduler, embedded PostgreSQL and Redis under var/bench/) on a free port and stops it at the
end. With `--url` it loads a server that is already running; then `--database-url` (or
DATABASE_URL) is needed for the check and `--secret` must be that server's webhook secret.

The client speaks HTTP/1.1 over raw asyncio streams with keep-alive so that, on a small
machine, the load generator costs as little CPU as possible next to the server it measures.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import orjson

from domain.webhooks.signatures import sign
from scripts.embedded import free_port

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    accepted_ids: list[str] = field(default_factory=list)
    errors: int = 0


def body_for(message_id: str, i: int) -> bytes:
    return orjson.dumps(
        {
            "key": {
                "remoteJid": f"55119{i % 90_000_000 + 10_000_000:08d}@s.whatsapp.net",
                "fromMe": False,
                "id": message_id,
            },
            "messageTimestamp": int(time.time()),
            "pushName": "Cliente Bench",
            "message": {"conversation": f"Olá, quero marcar uma consulta ({i})"},
        }
    )


def request_bytes(host: str, path: str, secret: str, domain: str | None, body: bytes) -> bytes:
    ts = str(int(time.time()))
    headers = [
        f"POST {path} HTTP/1.1",
        f"Host: {host}",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
        f"X-Timestamp: {ts}",
        f"X-Signature: {sign(secret, ts, body)}",
    ]
    if domain:
        headers.append(f"X-Company-Domain: {domain}")
    return ("\r\n".join(headers) + "\r\n\r\n").encode() + body


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """(status, whether the server closes the connection after this response)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length, close = 0, False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.lower() == "content-length":
            length = int(value)
        elif name.lower() == "connection" and value.strip().lower() == "close":
            close = True
    if length:
        await reader.readexactly(length)
    return status, close


async def connection(
    url: str,
    secret: str,
    domain: str | None,
    ids: asyncio.Queue[tuple[int, str]],
    results: Results,
) -> None:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while True:
            try:
                i, message_id = ids.get_nowait()
            except asyncio.QueueEmpty:
                return
            data = request_bytes(
                f"{host}:{port}", "/webhook/whaticket", secret, domain, body_for(message_id, i)
            )
            started = time.perf_counter()
            try:
                writer.write(data)
                status, close = await read_response(reader)
            except (OSError, asyncio.IncompleteReadError):
                results.errors += 1
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
                continue
            if close:  # Hypercorn ends keep-alive after keep_alive_max_requests
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
            results.latencies.append(time.perf_counter() - started)
            results.statuses[status] = results.statuses.get(status, 0) + 1
            if status == 202:
                results.accepted_ids.append(message_id)
    finally:
        writer.close()


async def load(
    url: str, secret: str, domain: str | None, total: int, concurrency: int, run_id: str
) -> tuple[Results, float]:
    ids: asyncio.Queue[tuple[int, str]] = asyncio.Queue()
    for i in range(total):
        ids.put_nowait((i, f"BENCH-{run_id}-{i}"))
    results = Results()
    started = time.perf_counter()
    await asyncio.gather(
        *(connection(url, secret, domain, ids, results) for _ in range(concurrency))
    )
    return results, time.perf_counter() - started


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=1000, method="inclusive")[int(p * 10) - 1]


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


@contextlib.contextmanager
def spawned_stack(workers: int) -> object:
    """The real product, as `make run` starts it, on a free port with its own data dir."""
    port = free_port()
    data_dir = ROOT / "var" / "bench"
    # A fresh database each run: figures must not drift with what earlier runs left behind.
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "PORT": str(port),
        "DATA_DIR": str(data_dir),
        "SHARED_SECRET": "bench-secret",
        "WEB_WORKERS": str(workers),
        "ACCESS_LOG": "false",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    log = open(data_dir / "stack.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "scripts.run"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process, data_dir / "stack.log")
        database_url = os.environ.get("BENCH_DATABASE_URL") or database_url_of(data_dir)
        yield url, "bench-secret", database_url
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def database_url_of(data_dir: Path) -> str:
    from pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(data_dir / "pg")
    assert info is not None
    return info.get_uri(database="secretaria")


def wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    import httpx

    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the stack exited; see {log}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        time.sleep(0.5)
    raise SystemExit(f"the stack did not become healthy; see {log}")


async def company_id_of(database_url: str, domain: str | None) -> int:
    conn = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        if domain:
            return int(await conn.fetchval("SELECT id FROM companies WHERE domain = $1", domain))
        return int(await conn.fetchval("SELECT id FROM companies WHERE slug = 'demo'"))
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
    if args.warmup:
        await load(url, secret, args.domain, args.warmup, args.concurrency, uuid.uuid4().hex[:8])
    results, elapsed = await load(
        url, secret, args.domain, args.requests, args.concurrency, uuid.uuid4().hex[:8]
    )
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
        with spawned_stack(args.web_workers) as (url, secret, database_url):
            print(f"stack: {url} ({args.web_workers} web workers, 1 SAQ worker, scheduler)")
            ok = asyncio.run(run(args, url, secret, database_url))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
