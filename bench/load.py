"""The benches' load generator: signed Whaticket webhooks, each from its own sender.

It speaks HTTP/1.1 over raw asyncio streams with keep-alive so that, on a small machine, the
load generator costs as little CPU as possible next to the server it measures.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import orjson

from domain.webhooks.signatures import sign


@dataclass(frozen=True)
class Sent:
    """One accepted webhook: its index (which gives the sender) and when it was written."""

    index: int
    message_id: str
    started: float  # time.perf_counter() just before the request was written


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    accepted: list[Sent] = field(default_factory=list)
    errors: int = 0

    @property
    def accepted_ids(self) -> list[str]:
        return [sent.message_id for sent in self.accepted]


def phone_for(i: int) -> str:
    """The sender of message `i`: a valid São Paulo mobile, distinct for 90 million messages."""
    return f"55119{i % 90_000_000 + 10_000_000:08d}"


def body_for(message_id: str, i: int) -> bytes:
    return orjson.dumps(
        {
            "key": {
                "remoteJid": f"{phone_for(i)}@s.whatsapp.net",
                "fromMe": False,
                "id": message_id,
            },
            "messageTimestamp": int(time.time()),
            "pushName": "Cliente Bench",
            # Not a scheduling request: the demo company's agenda would answer it without the model.
            "message": {"conversation": f"Olá, vocês atendem pelo convênio? ({i})"},
        }
    )


def request_bytes(host: str, path: str, secret: str, domain: str | None, body: bytes) -> bytes:
    ts = str(int(time.time()))
    headers = [
        f"POST {path} HTTP/1.1",
        f"Host: {host}",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
        f"X-Timestamp: {ts}",
        f"X-Signature: {sign(secret, ts, body)}",
    ]
    if domain:
        headers.append(f"X-Company-Domain: {domain}")
    return ("\r\n".join(headers) + "\r\n\r\n").encode() + body


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """(status, whether the server closes the connection after this response)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length, close = 0, False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.lower() == "content-length":
            length = int(value)
        elif name.lower() == "connection" and value.strip().lower() == "close":
            close = True
    if length:
        await reader.readexactly(length)
    return status, close


@dataclass(frozen=True)
class Target:
    url: str
    secret: str
    domain: str | None = None

    @property
    def address(self) -> tuple[str, int]:
        parts = urlsplit(self.url)
        return parts.hostname or "127.0.0.1", parts.port or 80


@dataclass
class Pace:
    """Open-loop pacing: message `i` leaves no earlier than `i / rate` seconds after the start
    (rate 0: as fast as the connections go)."""

    rate: float
    first: int
    start: float = field(default_factory=time.perf_counter)

    async def wait(self, i: int) -> None:
        if self.rate > 0:
            delay = self.start + (i - self.first) / self.rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)


async def connection(
    target: Target, ids: asyncio.Queue[tuple[int, str]], results: Results, pace: Pace
) -> None:
    host, port = target.address
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while True:
            try:
                i, message_id = ids.get_nowait()
            except asyncio.QueueEmpty:
                return
            await pace.wait(i)
            data = request_bytes(
                f"{host}:{port}",
                "/webhook/whaticket",
                target.secret,
                target.domain,
                body_for(message_id, i),
            )
            started = time.perf_counter()
            try:
                writer.write(data)
                status, close = await read_response(reader)
            except (OSError, asyncio.IncompleteReadError):
                results.errors += 1
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
                continue
            if close:  # Hypercorn ends keep-alive after keep_alive_max_requests
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
            results.latencies.append(time.perf_counter() - started)
            results.statuses[status] = results.statuses.get(status, 0) + 1
            if status == 202:
                results.accepted.append(Sent(i, message_id, started))
    finally:
        writer.close()


async def load(
    target: Target,
    total: int,
    concurrency: int,
    run_id: str,
    first: int = 0,
    rate: float = 0,
) -> tuple[Results, float]:
    """Post messages `first` .. `first + total - 1` over `concurrency` connections."""
    ids: asyncio.Queue[tuple[int, str]] = asyncio.Queue()
    for i in range(first, first + total):
        ids.put_nowait((i, f"BENCH-{run_id}-{i}"))
    results = Results()
    started = time.perf_counter()
    pace = Pace(rate, first, started)
    await asyncio.gather(*(connection(target, ids, results, pace) for _ in range(concurrency)))
    return results, time.perf_counter() - started


def percentile(values: list[float], p: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=1000, method="inclusive")[int(p * 10) - 1]
