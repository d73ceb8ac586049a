"""Our scripts as `make` runs them: another OS process, from the repository root, on this
session's database, Redis and namespace."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

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
