"""`make run` end to end: one command serves web + worker + scheduler on embedded servers,
Ctrl-C stops everything cleanly, and a second start keeps the data."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from scripts.embedded import free_port
from tests.support.paths import ROOT
from tests.support.webhooks import fixture_bytes, signed_headers


def start(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY")
    }
    env |= {
        "DATA_DIR": str(data_dir),
        "PORT": str(port),
        "SHARED_SECRET": "run-secret",
        "ADMIN_PASSWORD": "senha-do-admin",
        "WORKER_SHUTDOWN_GRACE_SECONDS": "1",
    }
    # Its own process group, like a terminal's foreground job: Ctrl-C reaches every process.
    return subprocess.Popen(
        [sys.executable, "-m", "scripts.run"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def wait_healthy(url: str, process: subprocess.Popen[bytes]) -> dict:
    """Healthy, with a live worker on the message queue *and* on the scheduler's queue."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read().decode() if process.stdout else ""
        try:
            response = httpx.get(f"{url}/healthz", timeout=2)
            body = response.json()
            if response.status_code == 200 and all(n >= 1 for n in body["queues"].values()):
                return body
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError("never healthy")


def ctrl_c(process: subprocess.Popen[bytes]) -> tuple[int, str]:
    os.killpg(process.pid, signal.SIGINT)
    output, _ = process.communicate(timeout=60)
    return process.returncode, output.decode()


def post(url: str) -> httpx.Response:
    body = fixture_bytes("inbound_text.json")
    return httpx.post(
        f"{url}/webhook/whaticket", content=body, headers=signed_headers("run-secret", body)
    )


def test_make_run_serves_everything_stops_cleanly_and_keeps_data(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = start(tmp_path / "var", port)
    try:
        health = wait_healthy(url, process)
        assert health["workers"] >= 1 and len(health["queues"]) == 2  # worker + scheduler
        assert post(url).status_code == 202
        line = 'secretaria_tasks_total{function="process_inbound",status="complete"} 1.0'
        deadline = time.monotonic() + 30
        while line not in httpx.get(f"{url}/metrics").text:
            assert time.monotonic() < deadline, "the message was never processed"
            time.sleep(0.3)
    finally:
        code, output = ctrl_c(process)
    assert code == 0, output
    assert "admin@example.com" in output
    # Every process of the group is gone, embedded servers included.
    assert not (tmp_path / "var" / "pg" / "postmaster.pid").exists()
    assert not (tmp_path / "var" / "redis" / "port").exists()

    process = start(tmp_path / "var", port)
    try:
        wait_healthy(url, process)
        again = post(url)
        # Same WhatsApp id as before the restart: the stored message is still there.
        assert again.status_code == 200 and again.json()["reason"] == "duplicate"
    finally:
        code, output = ctrl_c(process)
    assert code == 0, output
    assert "Senha do admin gerada" not in output
