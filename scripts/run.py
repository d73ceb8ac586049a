"""`make run`: the whole product from one command.

1. DATABASE_URL / REDIS_URL unset -> start embedded PostgreSQL and Redis under var/.
2. Apply migrations (public + every tenant schema).
3. Ensure the demo company and the admin user; print what was generated (once).
4. Serve Hypercorn, a SAQ worker and the scheduler until Ctrl-C, restarting any of them that
   dies (with backoff, logged); on Ctrl-C stop them in order: app processes first (they drain
   their jobs), the embedded servers last.

Also `python -m scripts.run --only-migrate` (make upgrade) and `--worker` (make worker).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from domain.settings import Settings, to_asyncpg_url
from scripts.embedded import EmbeddedPostgres, EmbeddedRedis

DB_NAME = "secretaria"


def say(message: str) -> None:
    print(f"[secretaria] {message}", flush=True)


def start_infrastructure(settings: Settings, stack: ExitStack) -> dict[str, str]:
    """Environment for child processes, starting embedded servers where no URL is set."""
    env: dict[str, str] = {}
    data = settings.data_dir.resolve()
    if not settings.database_url:
        pg = EmbeddedPostgres(data / "pg").start()
        stack.callback(stopped, "PostgreSQL", pg.stop)
        env["DATABASE_URL"] = ensure_database(pg.url, DB_NAME)
        say(f"PostgreSQL embutido em {data / 'pg'}")
    if not settings.redis_url:
        redis = EmbeddedRedis(data / "redis").start()
        stack.callback(stopped, "Redis", redis.stop)
        env["REDIS_URL"] = redis.url
        say(f"Redis embutido em {redis.url}")
    if not settings.secret_key and settings.env == "development":
        env["SECRET_KEY"] = persistent_secret(data / "secret_key")
    return env


def stopped(name: str, stop: Callable[[], bool]) -> None:
    """Stop an embedded server (after the app processes: see `main`) and say so."""
    if stop():
        say(f"{name} embutido parado")


def ensure_database(server_url: str, name: str) -> str:
    """Create database `name` on the server if missing; return its URL."""
    import asyncpg

    base, _, query = server_url.partition("?")
    root = base.rsplit("/", 1)[0]

    async def create() -> None:
        conn = await asyncpg.connect(to_asyncpg_url(server_url).replace("+asyncpg", ""))
        try:
            exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
            if not exists:
                await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    asyncio.run(create())
    return f"{root}/{name}" + (f"?{query}" if query else "")


def persistent_secret(path: Path) -> str:
    """A development SECRET_KEY kept under var/ so sessions survive restarts."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    path.write_text(value)
    path.chmod(0o600)
    return value


def migrate(database_url: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config(str(Path(__file__).resolve().parents[1] / "alembic.ini"))
    config.attributes["database_url"] = to_asyncpg_url(database_url)
    command.upgrade(config, "head")


def bootstrap(settings: Settings) -> None:
    from domain.db import create_engine
    from domain.tenancy.service import ensure_demo

    async def run() -> None:
        engine = create_engine(settings.async_database_url, pool_size=1, max_overflow=0)
        try:
            result = await ensure_demo(
                engine,
                admin_email=settings.admin_email,
                admin_password=_secret(settings.admin_password),
                shared_secret=_secret(settings.shared_secret),
                webhook_token=_secret(settings.webhook_token),
                timezone=settings.default_timezone,
            )
        finally:
            await engine.dispose()
        base = console_base(settings)
        say(f"Empresa demo (slug 'demo', id {result.company_id}); admin: {result.admin_email}")
        if result.admin_password:
            say(f"Senha do admin gerada agora (não será mostrada de novo): {result.admin_password}")
        if result.webhook_secret:
            say(f"Segredo HMAC do webhook demo (mostrado uma vez): {result.webhook_secret}")
        if result.url_token:
            say(f"URL do webhook sem assinatura: {base}/webhook/whaticket/demo/{result.url_token}")

    asyncio.run(run())


def console_base(settings: Settings) -> str:
    """Where people reach this run: PUBLIC_BASE_URL, else the address Hypercorn binds (a
    wildcard bind is reachable here as localhost)."""
    if settings.public_base_url:
        return settings.public_base_url.rstrip("/")
    host = "localhost" if settings.host in ("0.0.0.0", "::", "") else settings.host
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    return f"http://{host}:{settings.port}"


def welcome(settings: Settings) -> list[str]:
    """The lines that tell the person at the console where to go."""
    base = console_base(settings)
    return [
        f"Painel: {base}/painel (entre com {settings.admin_email})",
        f"servindo em {base} (Ctrl-C para parar)",
    ]


def _secret(value: object) -> str | None:
    return value.get_secret_value() if value is not None else None  # type: ignore[attr-defined]


def processes(settings: Settings, worker_only: bool, reload: bool = False) -> dict[str, list[str]]:
    py = sys.executable
    web = [
        py,
        "-m",
        "hypercorn",
        "web.asgi:app",
        "--bind",
        f"{settings.host}:{settings.port}",
        "--workers",
        "1" if reload else str(settings.web_workers),
        "--worker-class",
        "uvloop",
        "--graceful-timeout",
        "10",
        # Slowloris: a request whose body stalls is dropped after this long without a byte
        # (per read, so a slow but progressing upload still works); a connection that sends
        # no complete request headers, or sits idle between requests, after the keep-alive.
        "--read-timeout",
        str(settings.web_read_timeout_seconds),
        "--keep-alive",
        str(settings.web_keep_alive_seconds),
        # Hypercorn's own plain-text handler is redundant: its records reach our JSON handler.
        "--error-logfile",
        os.devnull,
    ]
    worker = [py, "-m", "tasks", "tasks.worker.settings"]
    scheduler = [py, "-m", "tasks", "tasks.worker.scheduler_settings"]
    if reload:
        web.append("--reload")  # make dev: restart the web process when code changes
    if worker_only:
        return {"worker": worker}
    return {"web": web, "worker": worker, "scheduler": scheduler}


# Seconds before the n-th restart in a row of a child that died (the last one repeats).
RESTART_DELAYS = (1, 2, 4, 8, 16, 30)
# A child that ran this long before dying starts the ladder again at its first step.
STABLE_SECONDS = 60
# Ctrl-C: how long the app processes get to drain before they are killed.
STOP_SECONDS = 25


@dataclass
class Child:
    """One supervised process: its command, the running process, and its restart ladder."""

    name: str
    command: list[str]
    process: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    deaths: int = 0  # in a row, each after less than STABLE_SECONDS
    restart_at: float = 0.0


def supervise(commands: dict[str, list[str]], env: dict[str, str], worker_nice: int = 0) -> int:
    """Run the commands until Ctrl-C/SIGTERM, restarting any that dies (with backoff); then
    stop them all. A dead worker must not take the web down with it: accepted messages are
    safe in PostgreSQL and Redis, and the restarted worker takes over its predecessor's jobs."""

    def lower_priority() -> None:
        os.nice(worker_nice)

    def start(child: Child) -> None:
        child.process = subprocess.Popen(
            child.command, env=env, preexec_fn=None if child.name == "web" else lower_priority
        )
        child.started = time.monotonic()
        say(f"processo '{child.name}' iniciado (pid {child.process.pid})")

    children = [Child(name, command) for name, command in commands.items()]
    for child in children:
        start(child)
    stopping = False

    def request_stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    while not stopping:
        now = time.monotonic()
        for child in children:
            if child.process is None:
                if now >= child.restart_at:
                    start(child)
            elif child.process.poll() is not None:
                schedule_restart(child, now)
        time.sleep(0.2)
    stop_children(children)
    return 0


def schedule_restart(child: Child, now: float) -> None:
    """Note a child's death and when to start it again (logged)."""
    assert child.process is not None
    code = child.process.returncode
    child.deaths = 1 if now - child.started >= STABLE_SECONDS else child.deaths + 1
    delay = RESTART_DELAYS[min(child.deaths, len(RESTART_DELAYS)) - 1]
    child.process, child.restart_at = None, now + delay
    say(
        f"processo '{child.name}' terminou ({exit_description(code)}); "
        f"reiniciando em {delay} s (falha {child.deaths} seguida)"
    )


def exit_description(code: int) -> str:
    if code < 0:
        return f"sinal {signal.Signals(-code).name}"
    return f"código {code}"


def stop_children(children: list[Child]) -> None:
    """SIGTERM to every app process, then wait for them to drain (killing stragglers)."""
    say("parando…")
    running = [c.process for c in children if c.process is not None and c.process.poll() is None]
    for process in running:
        process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_SECONDS
    for process in running:
        try:
            process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    say("processos da aplicação parados")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only-migrate", action="store_true", help="migrate and exit")
    parser.add_argument("--worker", action="store_true", help="run only a message worker")
    parser.add_argument("--reload", action="store_true", help="reload the web on code changes")
    args = parser.parse_args()

    settings = Settings()
    with ExitStack() as stack:
        env_overrides = start_infrastructure(settings, stack)
        os.environ.update(env_overrides)
        settings = Settings()
        if not args.worker:
            migrate(settings.database_url or "")
            say("migrações aplicadas (public + schemas de tenants)")
        if args.only_migrate:
            return 0
        if not args.worker:
            bootstrap(settings)
            for line in welcome(settings):
                say(line)
        return supervise(
            processes(settings, args.worker, args.reload),
            dict(os.environ),
            worker_nice=settings.worker_nice,
        )


if __name__ == "__main__":
    sys.exit(main())
