"""Deep health check (O1): PostgreSQL, Redis and a live SAQ worker, each timed."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.observability.metrics import HEALTHCHECK_FAILURES, metrics

CHECK_TIMEOUT = 2.0


@dataclass
class Health:
    ok: bool
    components: dict[str, dict[str, Any]] = field(default_factory=dict)
    workers: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "status": "ok" if self.ok else "fail",
            "components": self.components,
            "workers": self.workers,
            "timestamp": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        }


async def _timed(check: Callable[[], Awaitable[Any]]) -> tuple[bool, float, Any, str | None]:
    started = time.perf_counter()
    try:
        result = await asyncio.wait_for(check(), CHECK_TIMEOUT)
        return True, _ms(started), result, None
    except Exception as exc:  # any failure of a dependency is a failed check, not a crash
        return False, _ms(started), None, f"{type(exc).__name__}: {exc}"[:300]


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


async def check_health(
    engine: AsyncEngine,
    redis: Any,
    live_workers: Callable[[], Awaitable[int]],
) -> Health:
    """All checks run concurrently; 200 only if all pass (the caller maps ok -> status)."""

    async def postgres() -> None:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def worker() -> int:
        count = await live_workers()
        if count < 1:
            raise RuntimeError("no live SAQ worker heartbeat")
        return count

    results = await asyncio.gather(_timed(postgres), _timed(redis.ping), _timed(worker))
    health = Health(ok=True)
    for name, (ok, latency, value, error) in zip(
        ("postgres", "redis", "worker"), results, strict=True
    ):
        component: dict[str, Any] = {"ok": ok, "latency_ms": latency}
        if error:
            component["error"] = error
            health.ok = False
            metrics.inc(HEALTHCHECK_FAILURES, component=name)
        if name == "worker" and ok:
            health.workers = int(value)
        health.components[name] = component
    return health
