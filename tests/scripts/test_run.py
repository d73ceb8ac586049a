"""`make run` end to end: one command serves web + worker + scheduler on embedded servers,
Ctrl-C stops everything cleanly and in order, a second start keeps the data, a child that
dies is restarted, and the web drops stalled requests."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from domain import queues
from domain.settings import Settings
from domain.tenancy.models import Company
from scripts.embedded import free_port
from scripts.run import processes
from tests.fakes.gemini import FakeGemini
from tests.fakes.server import LocalServer
from tests.support import bursts, reads
from tests.support.factories import MakeCompany
from tests.support.paths import ROOT
from tests.support.processes import Output, script_env
from tests.support.waiting import eventually
from tests.support.webhooks import fixture_bytes, signed_headers


@pytest.fixture
def data_dir() -> Iterator[Path]:
    """make run's var/, outside pytest's temp dirs: its embedded PostgreSQL must not share
    a tree another test run on the machine may clean up."""
    path = Path(tempfile.mkdtemp(prefix="sv-run-"))
    yield path / "var"
    shutil.rmtree(path, ignore_errors=True)


def start(data_dir: Path, port: int, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """`make run` (embedded servers unless `env` names others)."""
    if env is None:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY")
        }
    env = env | {
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


def test_make_run_serves_everything_stops_cleanly_and_keeps_data(data_dir: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = start(data_dir, port)
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
    assert f"Painel: http://127.0.0.1:{port}/painel (entre com admin@example.com)" in output
    assert "reminders_dispatched" not in output and "localhost:8080" not in output
    # In order: the app processes drain first, the servers they write to stop after them.
    apps_stopped = output.index("processos da aplicação parados")
    assert apps_stopped < output.index("PostgreSQL embutido parado")
    assert apps_stopped < output.index("Redis embutido parado")
    # Every process of the group is gone, embedded servers included.
    assert not (data_dir / "pg" / "postmaster.pid").exists()
    assert not (data_dir / "redis" / "port").exists()

    process = start(data_dir, port)
    try:
        wait_healthy(url, process)
        again = post(url)
        # Same WhatsApp id as before the restart: the stored message is still there.
        assert again.status_code == 200 and again.json()["reason"] == "duplicate"
    finally:
        code, output = ctrl_c(process)
    assert code == 0, output
    assert "Senha do admin gerada" not in output


async def test_a_killed_worker_is_restarted_and_every_message_is_answered_once(
    settings: Settings, engine: AsyncEngine, redis: Redis, data_dir: Path
) -> None:
    gemini = FakeGemini(delay=0.5)  # as `make bench`: replies wait on the model
    async with LocalServer(gemini.app()) as gemini_url:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        env = script_env(
            settings, GEMINI_API_KEY="k", GEMINI_BASE_URL=gemini_url, ACCESS_LOG="false"
        )
        process = start(data_dir, port, env)
        output = Output(process)
        try:
            await asyncio.to_thread(wait_healthy, url, process)
            demo = await reads.value(engine, Company.id, where=Company.slug == "demo")
            before = await bursts.post_over_http(url, "run-secret", range(300))
            await eventually(lambda: bursts.answered(engine, demo, 60), timeout=120)
            stranded = await _active_messages(redis, settings.redis_namespace)
            (worker,) = output.wait_for(r"'worker' iniciado \(pid (\d+)\)")
            os.kill(int(worker.group(1)), signal.SIGKILL)
            killed = time.monotonic()
            # While the worker is dead and coming back, the web goes on accepting.
            after = await bursts.post_over_http(url, "run-secret", range(300, 500))
            await output.wait_for_async(r"'worker' terminou \(sinal SIGKILL\); reiniciando")
            await output.wait_for_async(r"'worker' iniciado", count=2)
            back = await bursts.answered_at(engine, demo, stranded, timeout=120)
            await eventually(lambda: bursts.all_answered(engine, demo, 500), timeout=120)
            done = time.monotonic()
            replies = await bursts.replies_by_message(engine, demo)
        finally:
            code, _ = await asyncio.to_thread(ctrl_c, process)
    assert before == {202: 300} and after == {202: 200}
    assert code == 0, output
    # Jobs the dead worker held were on it, and came back within a minute of the kill.
    assert stranded, "the kill came too late: the dead worker held no job"
    assert max(back.values()) - killed <= 60
    # Everything within two minutes of the kill; every message answered exactly once, and the
    # model never asked about the same message twice at once.
    assert done - killed <= 120
    assert len(replies) == 500 and set(replies.values()) == {1}
    assert gemini.overlapping == []
    print(
        f"stranded by the kill: {len(stranded)}; back within {max(back.values()) - killed:.1f} s;"
        f" all 500 answered {done - killed:.1f} s after the kill"
    )


async def _active_messages(redis: Redis, namespace: str) -> set[int]:
    """The messages whose inbound job is active on a worker right now (from SAQ's list)."""
    active = await redis.lrange(f"saq:{queues.queue_name(namespace)}:active", 0, -1)
    prefix = queues.inbound_job_key(namespace, 0, 0).rsplit(":", 2)[0]
    return {
        int(job_id.decode().rsplit(":", 1)[1])
        for job_id in active
        if f":{prefix}:" in job_id.decode()
    }


def test_a_child_that_keeps_dying_is_restarted_with_growing_delays_until_ctrl_c() -> None:
    program = (
        "import os, sys\n"
        "from scripts.run import supervise\n"
        "py = sys.executable\n"
        "sys.exit(supervise({'flaky': [py, '-c', 'raise SystemExit(3)'],\n"
        "                    'steady': [py, '-c', 'import time; time.sleep(600)']},\n"
        "                   dict(os.environ)))\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", program],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    output = Output(process)
    try:
        delays = output.wait_for(r"'flaky' terminou \(código 3\); reiniciando em (\d+) s", 3)
        starts = [at for at, _ in output.matching(r"'flaky' iniciado")]
        steady = output.wait_for(r"'steady' iniciado \(pid (\d+)\)")
    finally:
        os.kill(process.pid, signal.SIGTERM)
        code = process.wait(60)
    assert [int(m.group(1)) for m in delays] == [1, 2, 4]
    # Waited, not only announced: the third start came at least 2 s after the second.
    assert starts[2] - starts[1] >= 1.9
    # The healthy child ran on, once, until the supervisor was told to stop; then it stopped.
    assert len(steady) == 1 and code == 0, output
    assert not psutil.pid_exists(int(steady[0].group(1))) or _is_zombie(int(steady[0].group(1)))


def _is_zombie(pid: int) -> bool:
    with contextlib.suppress(psutil.NoSuchProcess):
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    return True


async def test_stalled_requests_are_dropped_within_seconds_and_a_slow_one_is_served(
    settings: Settings, make_company: MakeCompany
) -> None:
    await make_company("acme")
    port = free_port()
    web = processes(settings.model_copy(update={"port": port}), worker_only=False)["web"]
    process = subprocess.Popen(
        web,
        cwd=ROOT,
        env=script_env(settings, SECRET_KEY="x" * 40),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        await _serving(port, process)
        # Signed with the wrong secret: the server must read the whole body to refuse it.
        post = (
            b"POST /webhook/whaticket HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
            b"X-Company-Domain: acme.example.com\r\nX-Signature: " + b"0" * 64 + b"\r\n"
            b"X-Timestamp: " + str(int(time.time())).encode() + b"\r\n"
        )
        body_stalled, headers_stalled, slow = await asyncio.gather(
            # The probe's slowloris: 1000 bytes announced, 3 sent, then nothing.
            _seconds_until_closed(port, post + b"Content-Length: 1000\r\n\r\n" + b'{"a'),
            _seconds_until_closed(port, post + b"Content-Length: 2\r\n"),
            # 8 bytes, 2 at a time, 3.5 s apart: slower overall than any timeout, never idle
            # as long as one.
            _trickle(port, post + b"Content-Length: 8\r\n\r\n", b'{"x": 1}', 2, 3.5),
        )
    finally:
        process.terminate()
        process.wait(30)
    assert body_stalled <= 15 and headers_stalled <= 15
    # Served: the webhook's own answer to a bad signature, not a dropped connection.
    assert slow.startswith(b"HTTP/1.1 401"), slow


async def _serving(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    async with httpx.AsyncClient() as client:
        while True:
            assert process.poll() is None, "hypercorn exited"
            with contextlib.suppress(httpx.HTTPError):
                await client.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                return
            assert time.monotonic() < deadline, "hypercorn never served"
            await asyncio.sleep(0.2)


async def _seconds_until_closed(port: int, sent: bytes) -> float:
    """Send `sent`, then nothing: how long until the server closes the connection."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(sent)
    await writer.drain()
    started = time.monotonic()
    try:
        await asyncio.wait_for(reader.read(), 60)  # to EOF (or a reset)
    except ConnectionError:
        pass
    except TimeoutError:
        raise AssertionError("the server held a stalled request for 60 s") from None
    finally:
        writer.close()
    return time.monotonic() - started


async def _trickle(port: int, head: bytes, body: bytes, size: int, pause: float) -> bytes:
    """Send `head`, then `body` `size` bytes at a time `pause` seconds apart; the response."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(head)
        for start in range(0, len(body), size):
            await asyncio.sleep(pause)
            writer.write(body[start : start + size])
            await writer.drain()
        return await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 60)
    finally:
        writer.close()
