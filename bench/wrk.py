"""wrk (Debian's HTTP load generator) for `make bench-compare`: installed when missing, fed a
file of pre-signed requests, and its `--latency` report read back.

The request file has the seed stack's format (its gen_requests.py): one request a line,
`timestamp \\t signature \\t body`, signed now, so it must be used within the 300 s tolerance.
Our bodies are the ones bench/webhook.py sends (bench/load.py), raw Baileys messages each
from its own sender; bench/wrk_webhooks.lua adds our company header.
"""

from __future__ import annotations

import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from bench.load import body_for
from domain.webhooks.signatures import sign
from scripts.ensure_chromium import ensure_debian_package

WRK = Path("/usr/bin/wrk")
SCRIPT = Path(__file__).with_name("wrk_webhooks.lua")


def ensure_wrk() -> Path:
    """wrk's path, installing Debian's `wrk` package first when it is missing."""
    return ensure_debian_package("wrk", WRK)


@dataclass(frozen=True)
class Load:
    """wrk's load, the same for both stacks: `-t threads -c connections -d duration` over
    `requests` pre-signed unique requests, after a warm-up of other ids ("0": none)."""

    threads: int = 2
    connections: int = 50
    duration: str = "20s"
    requests: int = 60_000
    warmup: str = "3s"

    def args(self, duration: str | None = None) -> list[str]:
        return [f"-t{self.threads}", f"-c{self.connections}", f"-d{duration or self.duration}"]


@dataclass(frozen=True)
class Report:
    """What wrk counted: responses, its own duration, non-2xx, socket errors, latency."""

    requests: int
    seconds: float
    non_2xx: int
    socket_errors: str
    p50_ms: float
    p99_ms: float

    def accepted(self, rows: int) -> int:
        """2xx counted by wrk, at most the rows stored (as the seed's benchctl.py counts them:
        every request is unique, so a 2xx is a new row unless wrk wrapped around)."""
        return min(rows, self.requests - self.non_2xx)


def write_requests(path: Path, total: int, secret: str, id_prefix: str) -> None:
    """`total` signed unique webhooks, ids `<id_prefix><n>`, one per line for the Lua script."""
    stamp = str(int(time.time()))
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for i in range(total):
            body = body_for(f"{id_prefix}{i:08X}", i)
            out.write(f"{stamp}\t{sign(secret, stamp, body)}\t{body.decode()}\n")


def run_wrk(url: str, requests: Path, load: Load, domain: str, duration: str | None = None) -> str:
    """Run wrk with our Lua script over `requests`; its report."""
    command = [
        str(ensure_wrk()),
        *load.args(duration),
        "--latency",
        "-s",
        str(SCRIPT),
        url,
        "--",
        str(requests),
        str(load.threads),
        domain,
    ]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


_UNITS_MS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _UNITS_MS[match.group(2)]


def parse(text: str) -> Report:
    """The figures of a `wrk --latency` report."""
    latency = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)$", text, re.M))
    total = re.search(r"(\d+) requests in ([\d.]+)(ms|s|m),", text)
    if total is None or "50" not in latency or "99" not in latency:
        raise ValueError("not a wrk --latency report")
    seconds = float(total.group(2)) * {"ms": 1e-3, "s": 1.0, "m": 60.0}[total.group(3)]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    socket_errors = re.search(r"Socket errors: (.*)", text)
    return Report(
        requests=int(total.group(1)),
        seconds=seconds,
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=socket_errors.group(1).strip() if socket_errors else "none",
        p50_ms=_ms(latency["50"]),
        p99_ms=_ms(latency["99"]),
    )
