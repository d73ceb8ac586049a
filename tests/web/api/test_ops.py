"""/healthz (O1) and /metrics (O2), including counters from a worker in another process."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from typing import Any

from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.queues import queue_name
from domain.settings import Settings
from tests.support.factories import MakeCompany
from tests.support.processes import script_env
from tests.support.waiting import eventually
from tests.support.webhooks import fixture_bytes, post_webhook

REQUIRED = (
    "secretaria_webhook_received_total",
    "secretaria_healthcheck_failures_total",
    "secretaria_queue_size",
    "secretaria_dead_letter_queue_size",
)


async def test_healthz_is_200_when_postgres_redis_and_a_worker_answer(
    client: Any, worker: Any
) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    response = await eventually(lambda: _healthy(client))
    after = datetime.now(UTC)
    body = await response.get_json()
    assert body["status"] == "ok"
    for component in ("postgres", "redis", "worker"):
        assert body["components"][component]["ok"] is True
        assert isinstance(body["components"][component]["latency_ms"], float)
    assert body["workers"] >= 1
    stamp = datetime.fromisoformat(body["timestamp"].replace("Z", "+00:00"))
    assert before <= stamp <= after  # the time of the check, however slow the machine


async def _healthy(client: Any) -> Any:
    response = await client.get("/healthz")
    return response if response.status_code == 200 else None


async def test_healthz_is_503_without_a_worker_and_counts_the_failure(client: Any) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 503
    body = await response.get_json()
    assert body["status"] == "fail"
    assert body["components"]["worker"]["ok"] is False
    assert "no live SAQ worker" in body["components"]["worker"]["error"]
    assert body["components"]["postgres"]["ok"] is True
    metrics_text = await _metrics(client)
    assert 'secretaria_healthcheck_failures_total{component="worker"} 1.0' in metrics_text


async def test_metrics_expose_help_and_type_for_required_metrics(
    client: Any, make_company: MakeCompany
) -> None:
    acme = await make_company("acme")
    text_ = await _metrics(client)
    for name in REQUIRED:
        family = name.removesuffix("_total")
        assert f"# HELP {name}" in text_ or f"# HELP {family}" in text_, name
        assert f"# TYPE {family}" in text_, name
    assert f'secretaria_queue_size{{company_id="{acme.company.id}"}} 0.0' in text_
    assert "secretaria_dead_letter_queue_size 0.0" in text_


async def test_metrics_show_each_queue_s_waiting_jobs_and_its_workers(
    client: Any, settings: Settings, make_company: MakeCompany
) -> None:
    await make_company("acme")
    assert (await post_webhook(client, fixture_bytes("inbound_text.json"))).status_code == 202
    shared = queue_name(settings.redis_namespace)
    text_ = await _metrics(client)
    # No worker runs in this test: the accepted message waits on the shared queue.
    assert f'secretaria_queue_jobs{{queue="{shared}",state="queued"}} 1.0' in text_
    assert f'secretaria_queue_jobs{{queue="{shared}",state="active"}} 0.0' in text_
    assert f'secretaria_workers{{queue="{shared}"}} 0.0' in text_


async def test_counters_from_a_worker_in_another_process_reach_the_web_metrics(
    client: Any, settings: Settings, make_company: MakeCompany, engine: AsyncEngine
) -> None:
    acme = await make_company("acme")
    body = fixture_bytes("inbound_text.json")
    assert (await post_webhook(client, body)).status_code == 202
    env = script_env(settings, METRICS_FLUSH_SECONDS="0.1", WORKER_SHUTDOWN_GRACE_SECONDS="0")
    # A separate OS process: the only thing it shares with this web app is Redis.
    process = subprocess.Popen(
        [sys.executable, "-m", "tasks", "tasks.worker.settings"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        line = 'secretaria_tasks_total{function="process_inbound",status="complete"} 1.0'
        await eventually(lambda: _contains(client, line), timeout=30)
    finally:
        process.terminate()
        process.wait(15)
    assert f'secretaria_queue_size{{company_id="{acme.company.id}"}} 0.0' in await _metrics(client)


async def _metrics(client: Any) -> str:
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    return (await response.get_data()).decode()


async def _contains(client: Any, line: str) -> bool:
    return line in await _metrics(client)


async def test_without_a_token_metrics_answer_only_this_machine(client: Any) -> None:
    on_this_machine = [
        {},  # the in-process test client, like a Unix socket: no client address at all
        {"client": ("127.0.0.1", 51000)},
        {"client": ("::1", 51000)},
        {"client": ("::ffff:127.0.0.1", 51000)},
    ]
    for scope in on_this_machine:
        assert (await client.get("/metrics", scope_base=scope)).status_code == 200, scope
    elsewhere = await client.get("/metrics", scope_base={"client": ("203.0.113.9", 51000)})
    assert elsewhere.status_code == 403
    assert "METRICS_TOKEN" in (await elsewhere.get_json())["message"]
    # A reverse proxy on this machine connects from loopback on behalf of anyone.
    for header in ("X-Forwarded-For", "Forwarded", "X-Real-IP", "Via"):
        proxied = await client.get(
            "/metrics", scope_base={"client": ("127.0.0.1", 51000)}, headers={header: "x"}
        )
        assert proxied.status_code == 403, header


async def test_with_a_token_metrics_need_it_from_anywhere(settings: Settings) -> None:
    from web.app import create_app

    token = SecretStr("prom-token-0123456789")
    app = create_app(settings.model_copy(update={"metrics_token": token}))
    async with app.test_app() as test_app:
        client = test_app.test_client()
        remote = {"client": ("203.0.113.9", 51000)}
        for headers in (
            {},
            {"Authorization": "Bearer wrong"},
            {"Authorization": "Bearer prom-token-012345678"},
            {"Authorization": "Basic prom-token-0123456789"},
        ):
            refused = await client.get("/metrics", headers=headers, scope_base=remote)
            assert refused.status_code == 401, headers
        local = await client.get("/metrics")  # the token is needed from loopback too
        assert local.status_code == 401
        scraped = await client.get(
            "/metrics",
            headers={"Authorization": "Bearer prom-token-0123456789"},
            scope_base=remote,
        )
        assert scraped.status_code == 200
        assert "# HELP secretaria_webhook_received_total" in await scraped.get_data(as_text=True)
