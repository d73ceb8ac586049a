"""The whole product as `make run` starts it (plus `make worker`s), for a bench to measure.

Hypercorn, a SAQ worker and the scheduler from `scripts.run`, embedded PostgreSQL and Redis
with their data under a fresh `var/<name>/`, on a free port; every extra worker process is a
`scripts.run --worker` attached to the same servers, as `make worker` does.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from scripts.embedded import free_port

ROOT = Path(__file__).resolve().parents[1]
SECRET = "bench-secret"


@dataclass(frozen=True)
class Stack:
    url: str
    secret: str
    database_url: str
    data_dir: Path
    pids: tuple[int, ...]  # the scripts.run processes (their children are the product)


@contextlib.contextmanager
def spawned_stack(
    name: str,
    web_workers: int | None,
    env: dict[str, str] | None = None,
    workers: int = 1,
    quiet: bool = True,
) -> Iterator[Stack]:
    """The real product on a free port with its own data dir; `workers` SAQ message workers.
    `web_workers` None keeps `make run`'s default; `quiet` turns the access log off and logs
    only warnings (False keeps `make run`'s logging, written to the stack's log file)."""
    port = free_port()
    data_dir = ROOT / "var" / name
    # A fresh database each run: figures must not drift with what earlier runs left behind.
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True, exist_ok=True)
    child_env = {
        **os.environ,
        "PORT": str(port),
        "DATA_DIR": str(data_dir),
        "SHARED_SECRET": SECRET,
        **({"WEB_WORKERS": str(web_workers)} if web_workers is not None else {}),
        **({"ACCESS_LOG": "false", "LOG_LEVEL": "WARNING"} if quiet else {}),
        **(env or {}),
    }
    child_env.pop("DATABASE_URL", None)
    child_env.pop("REDIS_URL", None)
    url = f"http://127.0.0.1:{port}"
    with contextlib.ExitStack() as stack:
        main = stack.enter_context(_process([], child_env, data_dir / "stack.log"))
        wait_healthy(url, main, data_dir / "stack.log")
        pids = [main.pid]
        for n in range(1, workers):
            log = data_dir / f"worker-{n}.log"
            # Entered after the main stack, so stopped before it: it owns PostgreSQL and Redis.
            pids.append(stack.enter_context(_process(["--worker"], child_env, log)).pid)
        wait_healthy(url, main, data_dir / "stack.log", workers)
        database_url = os.environ.get("BENCH_DATABASE_URL") or database_url_of(data_dir)
        yield Stack(url, SECRET, database_url, data_dir, tuple(pids))


@contextlib.contextmanager
def _process(
    args: list[str], env: dict[str, str], log_path: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """`python -m scripts.run ARGS`, stopped with Ctrl-C (SIGINT) as a user would."""
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "scripts.run", *args],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        try:
            yield process
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                process.kill()


def database_url_of(data_dir: Path) -> str:
    from pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(data_dir / "pg")
    assert info is not None
    return info.get_uri(database="secretaria")


def wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path, workers: int = 1) -> None:
    """Until /healthz answers 200 and sees `workers` live message workers."""
    import httpx

    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the stack exited; see {log}")
        with contextlib.suppress(httpx.HTTPError):
            response = httpx.get(f"{url}/healthz", timeout=2)
            if response.status_code == 200 and response.json()["workers"] >= workers:
                return
        time.sleep(0.5)
    raise SystemExit(f"the stack did not become healthy with {workers} worker(s); see {log}")


async def company_id_of(database_url: str, domain: str | None) -> int:
    conn = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        if domain:
            return int(await conn.fetchval("SELECT id FROM companies WHERE domain = $1", domain))
        return int(await conn.fetchval("SELECT id FROM companies WHERE slug = 'demo'"))
    finally:
        await conn.close()


ROLES = (
    ("tasks.worker.settings", "worker"),
    ("tasks.worker.scheduler_settings", "scheduler"),
    ("hypercorn", "web"),
    ("redis-server", "redis"),
    ("postgres", "postgres"),
)


def cpu_seconds(stack: Stack) -> dict[str, float]:
    """CPU time (user + system) used so far by the product's processes, summed per role; a
    process counts for the role of the command `scripts.run` started it under (Hypercorn's
    workers, for one, are multiprocessing children that do not name Hypercorn)."""
    import psutil  # comes with pgserver

    trees: list[psutil.Process] = []
    for pid in stack.pids:
        with contextlib.suppress(psutil.NoSuchProcess):
            trees += psutil.Process(pid).children()
    # pg_ctl daemonises PostgreSQL: find the postmaster by its data dir (backends are its children).
    data = str(stack.data_dir / "pg")
    trees += [
        p for p in psutil.process_iter(["cmdline"]) if data in " ".join(p.info["cmdline"] or ())
    ]
    totals: dict[str, float] = {}
    for top in trees:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            command = " ".join(top.cmdline())
            role = next((r for marker, r in ROLES if marker in command), None)
            if role is None:
                continue
            for process in (top, *top.children(recursive=True)):
                with contextlib.suppress(psutil.NoSuchProcess):
                    # children_*: the CPU of its children that already exited, such as the
                    # PostgreSQL backends of pooled connections closed after a burst.
                    times = process.cpu_times()
                    own, reaped = times.user + times.system, times.children_user
                    totals[role] = totals.get(role, 0.0) + own + reaped + times.children_system
    return totals
