"""Operations endpoints: /healthz (O1) and /metrics (O2).

/metrics carries per-company labels (ids, usage, errors), so it is not public: with
METRICS_TOKEN set, Prometheus sends it as a bearer token; without, only a client on this
machine that came through no proxy is answered."""

from __future__ import annotations

import hmac
import ipaddress

from prometheus_client import CONTENT_TYPE_LATEST
from quart import Blueprint, Response, jsonify, request
from quart_schema import security_scheme

from domain.errors import Forbidden, Unauthorized
from domain.observability.exposition import exposition
from domain.observability.health import check_health
from domain.queues import queue_name
from domain.settings import Settings
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


# Headers a reverse proxy adds: a request carrying one came from elsewhere, whatever
# address it connected from.
PROXY_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Real-IP", "Via")


@bp.get("/metrics")
@security_scheme([{"metrics_token": []}])
async def prometheus_metrics() -> Response:
    """Counters of every process, database gauges and the queues, for Prometheus."""
    svc = services()
    _check_scraper(svc.settings)
    queues = (svc.queue, svc.scheduler_queue)
    body = await exposition(svc.redis, svc.settings.redis_namespace, svc.engine, queues)
    return Response(body, content_type=CONTENT_TYPE_LATEST)


def _check_scraper(settings: Settings) -> None:
    """Unauthorized without METRICS_TOKEN (when set); else Forbidden unless the client is on
    this machine and came through no proxy."""
    if settings.metrics_token is not None:
        scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
        expected = settings.metrics_token.get_secret_value().encode()
        # Constant time: a byte-by-byte compare would tell the token's prefix by timing.
        if scheme.lower() != "bearer" or not hmac.compare_digest(presented.encode(), expected):
            raise Unauthorized("send Authorization: Bearer <METRICS_TOKEN>", code="invalid_token")
        return
    if not _on_this_machine() or any(name in request.headers for name in PROXY_HEADERS):
        raise Forbidden("set METRICS_TOKEN to scrape /metrics from another host")


def _on_this_machine() -> bool:
    """Whether the connection comes from loopback (or a Unix socket: no client address)."""
    client = request.scope.get("client")
    if not client:
        return True
    try:
        address = ipaddress.ip_address(str(client[0]))
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback
