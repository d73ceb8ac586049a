"""Operations endpoints: /healthz (O1) and /metrics (O2)."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST
from quart import Blueprint, Response, jsonify
from quart_schema import security_scheme

from domain.observability.gauges import database_gauges
from domain.observability.health import check_health
from domain.observability.metrics import (
    QUEUE_JOBS,
    WORKERS,
    metrics,
    ratio_gauges,
    read_totals,
    render,
)
from domain.queues import queue_name
from web.services import services

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
@security_scheme([])  # no bearer: signed, or public
async def healthz() -> tuple[Response, int]:
    svc = services()
    per_queue: dict[str, int] = {}

    async def live_workers() -> int:
        per_queue.update(await svc.live_workers())
        return per_queue.get(queue_name(svc.settings.redis_namespace), 0)

    health = await check_health(svc.engine, svc.redis, live_workers)
    body = health.as_json()
    body["queues"] = per_queue
    return jsonify(body), 200 if health.ok else 503


@bp.get("/metrics")
@security_scheme([])  # no bearer: signed, or public
async def prometheus_metrics() -> Response:
    svc = services()
    ns = svc.settings.redis_namespace
    await metrics.flush(svc.redis, ns)  # this process's own latest counts first
    totals = await read_totals(svc.redis, ns)
    gauges = await database_gauges(svc.engine) | ratio_gauges(totals)
    jobs, workers = [], []
    for queue in (svc.queue, svc.scheduler_queue):
        info = await queue.info()
        workers.append(((queue.name,), float(len(info.get("workers") or {}))))
        for state in ("queued", "active", "scheduled"):
            # SAQ derives "scheduled" by subtraction; it can dip below zero for an instant.
            jobs.append(((queue.name, state), max(0.0, float(info.get(state) or 0))))
    gauges[QUEUE_JOBS.name] = jobs
    gauges[WORKERS.name] = workers
    return Response(render(totals, gauges), content_type=CONTENT_TYPE_LATEST)
