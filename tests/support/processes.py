"""Our scripts as `make` runs them: another OS process, from the repository root, on this
session's database, Redis and namespace; and what such a process prints, as it prints it."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import threading
import time
from typing import IO

from domain.settings import Settings
from tests.support.paths import ROOT


def script_env(settings: Settings, **extra: str) -> dict[str, str]:
    """The environment of a script run against this session's servers, plus `extra`."""
    return {
        **os.environ,
        "DATABASE_URL": settings.database_url or "",
        "REDIS_URL": settings.redis_url or "",
        "REDIS_NAMESPACE": settings.redis_namespace,
        **extra,
    }


async def run_script(
    settings: Settings, *argv: str, **extra: str
) -> subprocess.CompletedProcess[str]:
    """`python <argv>` to its end (a minute at most), in a thread: the test's loop, and the
    worker it may run, go on meanwhile."""
    return await asyncio.to_thread(
        subprocess.run,
        [sys.executable, *argv],
        cwd=ROOT,
        env=script_env(settings, **extra),
        capture_output=True,
        text=True,
        timeout=60,
    )


class Output:
    """The lines a child process prints, read in a thread as they come, each with the
    monotonic time it arrived: for waiting on a log line and for measuring between two."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stdout is not None
        self.lines: list[tuple[float, str]] = []
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._read, args=(process.stdout,), daemon=True)
        self._thread.start()

    def _read(self, stream: IO[bytes]) -> None:
        for raw in stream:
            with self._changed:
                self.lines.append((time.monotonic(), raw.decode(errors="replace").rstrip()))
                self._changed.notify_all()
        with self._changed:
            self.lines.append((time.monotonic(), ""))  # end of output
            self._changed.notify_all()

    def matching(self, pattern: str) -> list[tuple[float, re.Match[str]]]:
        """(arrival, match) of every line so far that `pattern` matches (re.search)."""
        with self._changed:
            found = [(at, re.search(pattern, line)) for at, line in self.lines]
        return [(at, m) for at, m in found if m is not None]

    def wait_for(self, pattern: str, count: int = 1, timeout: float = 60.0) -> list[re.Match[str]]:
        """Block until `count` lines match `pattern`; their matches."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.matching(pattern)) < count:
                if not self._changed.wait(max(0.0, deadline - time.monotonic())):
                    raise AssertionError(f"no {count} line(s) {pattern!r} in {timeout} s:\n{self}")
        return [m for _, m in self.matching(pattern)]

    async def wait_for_async(
        self, pattern: str, count: int = 1, timeout: float = 60.0
    ) -> list[re.Match[str]]:
        """`wait_for` in a thread, for a test whose loop serves fakes meanwhile."""
        return await asyncio.to_thread(self.wait_for, pattern, count, timeout)

    def __str__(self) -> str:
        with self._changed:
            return "\n".join(line for _, line in self.lines[-80:])
