"""Operations endpoints: /healthz (O1) and /metrics (O2)."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST
from quart import Blueprint, Response, jsonify
from quart_schema import security_scheme

from domain.observability.exposition import exposition
from domain.observability.health import check_health
from domain.queues import queue_name
from web.services import services

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
@security_scheme([])  # no bearer: signed, or public
async def healthz() -> tuple[Response, int]:
    """PostgreSQL, Redis and a live worker, each timed: 200 when all answer, else 503."""
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
    """Counters of every process, database gauges and the queues, for Prometheus."""
    svc = services()
    queues = (svc.queue, svc.scheduler_queue)
    body = await exposition(svc.redis, svc.settings.redis_namespace, svc.engine, queues)
    return Response(body, content_type=CONTENT_TYPE_LATEST)
