"""Pipeline benchmark (`make bench`): messages through the whole path, webhook to Whaticket.

Starts, in this process, the fake Gemini (tests/fakes/gemini.py, answering after
`--gemini-delay`, 500 ms by default) and the fake Whaticket (tests/fakes/whaticket.py, here
noting when each send arrives), then the whole product pointed at them (bench/stack.py:
`scripts.run` with Hypercorn, a SAQ worker and the scheduler, embedded PostgreSQL and Redis
under a fresh var/bench-pipeline/, plus `--workers - 1` extra `scripts.run --worker`s).

It posts `--messages` signed webhooks (bench/load.py), each from its own sender so the
per-contact anti-flood never applies, after `--warmup` more whose replies it waits for first.
A reply is matched to its message by the number Whaticket is asked to send to. Measured:
replies/s overall and per worker process over the interval from the first webhook to the last
send, webhook→send latency p50/p95/p99 (the webhook's write to the send's arrival), the CPU
each part of the product used meanwhile, and the check: every accepted message got exactly
one send (lost and duplicated are counted; either makes the exit status 1). The last line is
the figures as JSON.

`--rate` paces the webhooks (messages/s) instead of posting them all at once: at a rate the
workers sustain, the latency is the pipeline's own instead of the wait in the queue.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import asdict, dataclass
from typing import Any

import orjson
import psutil

from bench.load import Results, Target, load, percentile, phone_for
from bench.stack import Stack, cpu_seconds, spawned_stack
from domain.settings import Settings
from tests.fakes.gemini import FakeGemini
from tests.fakes.server import LocalServer
from tests.fakes.whaticket import FakeWhaticket


class Arrivals(list[dict[str, Any]]):
    """The fake Whaticket's `sent`, also noting when each send arrived (perf_counter)."""

    def __init__(self) -> None:
        super().__init__()
        self.times: list[float] = []

    def append(self, payload: dict[str, Any]) -> None:
        self.times.append(time.perf_counter())
        super().append(payload)

    def entries(self, start: int = 0) -> Iterator[tuple[str, float, str]]:
        for payload, at in zip(self[start:], self.times[start:], strict=True):
            yield str(payload.get("number")), at, str(payload.get("body"))


@dataclass
class Figures:
    messages: int
    accepted: int
    delivered: int
    lost: int
    duplicated: int
    workers: int
    worker_concurrency: int
    webhook_concurrency: int
    rate: float
    gemini_delay_ms: int
    seconds: float
    replies_per_s: float
    replies_per_s_per_worker: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    llm_replies: int
    gemini_requests: int
    cpu_cores: dict[str, float]


def stack_env(
    args: argparse.Namespace, gemini_url: str, whaticket_url: str, whaticket_token: str
) -> dict[str, str]:
    """Environment of the product: the demo company's Gemini and Whaticket are the fakes."""
    env = {
        "GEMINI_BASE_URL": gemini_url,
        "GEMINI_API_KEY": "bench-gemini-key",
        "WHATICKET_BASE_URL": whaticket_url,
        "WHATICKET_TOKEN": whaticket_token,
        "WORKER_CONCURRENCY": str(args.worker_concurrency),
    }
    for setting in args.env:
        name, _, value = setting.partition("=")
        env[name] = value
    return env


@contextlib.asynccontextmanager
async def product(
    args: argparse.Namespace, env: dict[str, str], name: str = "bench-pipeline"
) -> AsyncIterator[Stack]:
    """bench/stack.py's (blocking) start and stop, off the loop that serves the fakes."""
    started = spawned_stack(name, args.web_workers, env, args.workers)
    stack = await asyncio.to_thread(started.__enter__)
    try:
        yield stack
    finally:
        await asyncio.to_thread(started.__exit__, None, None, None)


async def wait_for_replies(arrivals: Arrivals, numbers: set[str], timeout: float) -> None:
    """Until every number has had a send, or `timeout` seconds."""
    waiting, seen = set(numbers), 0
    deadline = time.perf_counter() + timeout
    while waiting and time.perf_counter() < deadline:
        for number, _, _ in arrivals.entries(seen):
            seen += 1
            waiting.discard(number)
        await asyncio.sleep(0.05)


@dataclass
class Observed:
    """What the measured run saw, before any arithmetic."""

    results: Results
    posted_in: float  # seconds the webhooks took to post
    sends: list[tuple[str, float, str]]  # (number, arrival, body) since the warm-up
    gemini_requests: int
    cores: dict[str, float]


def measure(args: argparse.Namespace, seen: Observed, llm_text: str) -> Figures:
    """Match each accepted message to the sends to its number and compute the figures."""
    started = {phone_for(sent.index): sent.started for sent in seen.results.accepted}
    sends: dict[str, list[float]] = {}
    llm = 0
    for number, at, body in seen.sends:
        if number in started:
            sends.setdefault(number, []).append(at)
            llm += llm_text in body
    latencies = [(min(sends[n]) - t) * 1000 for n, t in started.items() if n in sends]
    begin = min(started.values(), default=0.0)
    seconds = max(max((max(t) for t in sends.values()), default=begin) - begin, 1e-9)
    delivered = len(sends)
    return Figures(
        messages=args.messages,
        accepted=len(started),
        delivered=delivered,
        lost=len(started) - delivered,
        duplicated=sum(len(times) - 1 for times in sends.values()),
        workers=args.workers,
        worker_concurrency=args.worker_concurrency,
        webhook_concurrency=args.concurrency,
        rate=args.rate,
        gemini_delay_ms=round(args.gemini_delay * 1000),
        seconds=round(seconds, 2),
        replies_per_s=round(delivered / seconds, 1),
        replies_per_s_per_worker=round(delivered / seconds / args.workers, 1),
        p50_ms=round(percentile(latencies, 50), 1),
        p95_ms=round(percentile(latencies, 95), 1),
        p99_ms=round(percentile(latencies, 99), 1),
        max_ms=round(max(latencies, default=float("nan")), 1),
        llm_replies=llm,
        gemini_requests=seen.gemini_requests,
        cpu_cores=seen.cores,
    )


def report(f: Figures, seen: Observed) -> bool:
    """Print the figures (the last line as JSON); True when nothing was lost or duplicated."""
    results = seen.results
    print(
        f"webhooks: {len(results.latencies)} in {seen.posted_in:.2f} s at concurrency "
        f"{f.webhook_concurrency}{f' paced at {f.rate:g}/s' if f.rate else ''}, "
        f"statuses {results.statuses}, errors {results.errors}"
    )
    print(
        f"replies: {f.delivered} in {f.seconds:.2f} s (first webhook to last send): "
        f"{f.replies_per_s:.1f}/s, {f.replies_per_s_per_worker:.1f}/s per worker process "
        f"({f.workers} x concurrency {f.worker_concurrency})"
    )
    print(
        f"webhook→send latency ms: p50 {f.p50_ms:.0f}  p95 {f.p95_ms:.0f}  "
        f"p99 {f.p99_ms:.0f}  max {f.max_ms:.0f}"
    )
    print(
        f"written by the fake Gemini: {f.llm_replies} of {f.delivered} "
        f"({f.gemini_requests} Gemini requests)"
    )
    print("CPU (cores busy on average): " + ", ".join(f"{k} {v}" for k, v in f.cpu_cores.items()))
    print(
        f"check: accepted {f.accepted} of {f.messages}, delivered {f.delivered}, "
        f"lost {f.lost}, duplicated {f.duplicated}"
    )
    print(orjson.dumps({"bench": "pipeline", **asdict(f)}).decode())
    return f.lost == 0 and f.duplicated == 0 and f.accepted == f.messages


@dataclass(frozen=True)
class Usage:
    """CPU seconds so far per part of the product and of this process (client and fakes)."""

    at: float
    cpu: dict[str, float]

    @classmethod
    def now(cls, stack: Stack) -> Usage:
        own = psutil.Process().cpu_times()
        return cls(time.perf_counter(), cpu_seconds(stack) | {"bench": own.user + own.system})

    def cores_since(self, before: Usage) -> dict[str, float]:
        """Cores kept busy on average between `before` and this."""
        wall = self.at - before.at
        return {
            role: round((used - before.cpu.get(role, 0.0)) / wall, 2)
            for role, used in sorted(self.cpu.items())
        }


async def run(args: argparse.Namespace) -> bool:
    gemini = FakeGemini(delay=args.gemini_delay)
    arrivals = Arrivals()
    whaticket = FakeWhaticket(sent=arrivals)
    fakes = LocalServer(gemini.app()), LocalServer(whaticket.app())
    env = stack_env(args, fakes[0].url, fakes[1].url, whaticket.token)
    async with fakes[0], fakes[1], product(args, env) as stack:
        print(
            f"stack: {stack.url} ({args.web_workers} web worker(s), {args.workers} SAQ worker "
            f"process(es), scheduler); fake Gemini {fakes[0].url} answering in "
            f"{args.gemini_delay * 1000:.0f} ms, fake Whaticket {fakes[1].url}",
            flush=True,
        )
        target = Target(stack.url, stack.secret)
        if args.warmup:  # senders after the measured ones: their replies are not matched
            warm, _ = await load(
                target, args.warmup, args.concurrency, uuid.uuid4().hex[:8], args.messages
            )
            numbers = {phone_for(sent.index) for sent in warm.accepted}
            await wait_for_replies(arrivals, numbers, args.drain_timeout)
        first_send, first_request = len(arrivals), len(gemini.requests)
        before = Usage.now(stack)
        results, posted_in = await load(
            target, args.messages, args.concurrency, uuid.uuid4().hex[:8], rate=args.rate
        )
        numbers = {phone_for(sent.index) for sent in results.accepted}
        await wait_for_replies(arrivals, numbers, args.drain_timeout)
        cores = Usage.now(stack).cores_since(before)
        await asyncio.sleep(args.settle)  # a late duplicate must be seen too
    sends = list(arrivals.entries(first_send))
    seen = Observed(results, posted_in, sends, len(gemini.requests) - first_request, cores)
    return report(measure(args, seen, gemini.reply), seen)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2_000)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=16, help="webhook connections")
    parser.add_argument("--rate", type=float, default=0, help="webhooks/s (0: all at once)")
    parser.add_argument("--workers", type=int, default=1, help="SAQ message worker processes")
    parser.add_argument(
        "--worker-concurrency",
        type=int,
        default=Settings().worker_concurrency,
        help="WORKER_CONCURRENCY (default: the product's setting)",
    )
    parser.add_argument("--web-workers", type=int, default=1)
    parser.add_argument("--gemini-delay", type=float, default=0.5, help="seconds")
    parser.add_argument(
        "--env", action="append", default=[], metavar="NAME=VALUE", help="more product settings"
    )
    parser.add_argument("--drain-timeout", type=float, default=300)
    parser.add_argument("--settle", type=float, default=3, help="seconds to wait for duplicates")
    args = parser.parse_args()
    return 0 if asyncio.run(run(args)) else 1


if __name__ == "__main__":
    sys.exit(main())
