"""bench/wrk.py and bench/wrk_webhooks.lua: what wrk really sends from our request file is a
signed raw Baileys webhook our own verifier and parser accept, with the company header, and
the report wrk prints is read back right."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import orjson
import pytest

from bench.wrk import Load, parse, run_wrk, write_requests
from domain.errors import Unauthorized
from domain.webhooks.payloads import parse_webhook
from domain.webhooks.signatures import verify_signature

SECRET = "wrk-secret"


class Received:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ids: list[str] = []
        self.domains: set[str | None] = set()
        self.rejected = 0


@contextlib.contextmanager
def recording_server(received: Received) -> Iterator[str]:
    """A keep-alive HTTP/1.1 server that checks each webhook as ours does: 202 or 401."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            try:
                verify_signature(
                    [SECRET],
                    self.headers["X-Timestamp"],
                    self.headers["X-Signature"],
                    body,
                    now=time.time(),
                )
                message = parse_webhook(orjson.loads(body))
                with received.lock:
                    received.ids.append(message.external_id)  # type: ignore[union-attr]
                    received.domains.add(self.headers["X-Company-Domain"])
                status = 202
            except Unauthorized:
                with received.lock:
                    received.rejected += 1
                status = 401
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_wrk_sends_our_signed_webhooks_with_the_company_header(tmp_path: Path) -> None:
    requests = tmp_path / "requests.tsv"
    write_requests(requests, 40, SECRET, "CMP-")
    received = Received()
    with recording_server(received) as url:
        text = run_wrk(url, requests, Load(threads=2, connections=2), "acme.example.com", "1s")
    report = parse(text)
    assert received.rejected == 0 and report.non_2xx == 0
    assert received.domains == {"acme.example.com"}
    # Each thread starts at its own share of the file, so all 40 distinct ids arrived.
    assert set(received.ids) == {f"CMP-{i:08X}" for i in range(40)}
    assert 0 < report.requests <= len(received.ids)
    assert report.p50_ms <= report.p99_ms


def test_a_wrong_secret_is_counted_as_non_2xx(tmp_path: Path) -> None:
    requests = tmp_path / "requests.tsv"
    write_requests(requests, 10, "not-the-secret", "BAD-")
    received = Received()
    with recording_server(received) as url:
        report = parse(run_wrk(url, requests, Load(threads=1, connections=1), "x", "1s"))
    assert received.ids == []
    assert report.non_2xx == report.requests > 0


@pytest.mark.parametrize(
    ("text", "ms"), [("812.00us", 0.812), ("77.10ms", 77.1), ("1.52s", 1520.0), ("1.00m", 6e4)]
)
def test_reads_wrk_latency_units(text: str, ms: float) -> None:
    report = parse(
        f"  Latency Distribution\n     50%  {text}\n     75%  {text}\n     90%  {text}\n"
        f"     99%  {text}\n  16 requests in 2.00s, 1.00KB read\n"
        "  Non-2xx or 3xx responses: 3\nRequests/sec:      8.00\n"
    )
    assert report.p50_ms == pytest.approx(ms)
    assert (report.requests, report.seconds, report.non_2xx) == (16, 2.0, 3)
    assert report.accepted(rows=20) == 13 and report.accepted(rows=10) == 10


def test_refuses_a_report_without_latency() -> None:
    with pytest.raises(ValueError):
        parse("  16 requests in 2.00s, 1.00KB read\n")
