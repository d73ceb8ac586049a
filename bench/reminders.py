"""Reminder benchmark (`make bench`): many reminders due in the same minute, dispatched and
delivered (G5).

Starts the fake Whaticket in this process (tests/fakes/whaticket.py, noting when each send
arrives) and the whole product pointed at it (bench/stack.py: `scripts.run` with Hypercorn,
a SAQ message worker, the scheduler, embedded PostgreSQL and Redis under a fresh
var/bench-reminders/, plus `--workers - 1` extra workers). It writes `--appointments`
appointments of the demo company starting in 24 h, each from its own phone, and their 24 h
reminders all due at the same instant a few seconds ahead, then waits for the sends.

Measured: seconds from the due instant to the last send arriving at the fake Whaticket (the
scheduler's tick, every 5 s, is part of it: it is how late a reminder can be), sends/s from
the first to the last, the CPU each part used, and the check: every reminder sent exactly
once (lost and duplicated counted; either makes the exit status 1). The aim is all of them
within 60 s. The last line is the figures as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

import asyncpg
import orjson

from bench.pipeline import Arrivals, Usage, product
from bench.stack import company_id_of
from tests.fakes.server import LocalServer
from tests.fakes.whaticket import FakeWhaticket


@dataclass
class Figures:
    appointments: int
    delivered: int
    lost: int
    duplicated: int
    workers: int
    seconds_after_due: float  # due instant -> last send
    first_send_after_due: float
    sends_per_s: float
    cpu_cores: dict[str, float]


async def seed(database_url: str, company_id: int, count: int, due: datetime) -> None:
    """`count` appointments 24 h after `due`, each with its 24 h reminder due at `due`."""
    conn = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://"))
    schema = f"tenant_{company_id}"
    try:
        async with conn.transaction():
            await conn.execute(
                f"INSERT INTO {schema}.appointments (cal_uid, phone, name, start_at, end_at, "
                "status, source) SELECT 'bench-' || g, '5511' || lpad(g::text, 9, '0'), "
                "'Cliente ' || g, $1::timestamptz, $1::timestamptz + interval '30 minutes', "
                "'scheduled', 'panel' FROM generate_series(1, $2::int) g",
                due + timedelta(hours=24),
                count,
            )
            await conn.execute(
                "INSERT INTO public.reminders (company_id, appointment_id, kind, key, "
                "starts_at, due_at) SELECT $1::int, id, '24h', '24h:' || id || ':bench', "
                f"start_at, $2::timestamptz FROM {schema}.appointments "
                "WHERE cal_uid LIKE 'bench-%'",
                company_id,
                due,
            )
    finally:
        await conn.close()


async def wait_for_sends(arrivals: Arrivals, count: int, deadline: float) -> None:
    while len(arrivals) < count and time.perf_counter() < deadline:  # noqa: ASYNC110 (polls a list)
        await asyncio.sleep(0.1)


async def run(args: argparse.Namespace) -> bool:
    arrivals = Arrivals()
    whaticket = FakeWhaticket(sent=arrivals)
    async with LocalServer(whaticket.app()) as whaticket_url:
        env = {
            "WHATICKET_BASE_URL": whaticket_url,
            "WHATICKET_TOKEN": whaticket.token,
            **dict(s.partition("=")[::2] for s in args.env),
        }
        async with product(args, env, "bench-reminders") as stack:
            print(
                f"stack: {stack.url}, {args.workers} worker process(es); fake Whaticket "
                f"{whaticket_url}",
                flush=True,
            )
            company_id = await company_id_of(stack.database_url, None)
            due = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=args.lead)
            await seed(stack.database_url, company_id, args.appointments, due)
            print(
                f"seeded {args.appointments} appointments, reminders due at {due:%H:%M:%S}",
                flush=True,
            )
            await asyncio.sleep(max((due - datetime.now(UTC)).total_seconds(), 0))
            due_clock = time.perf_counter()
            before = Usage.now(stack)
            await wait_for_sends(arrivals, args.appointments, due_clock + args.timeout)
            cores = Usage.now(stack).cores_since(before)
            await asyncio.sleep(args.settle)  # a late duplicate must be seen too
    numbers = Counter(str(p.get("number")) for p in arrivals)
    times = arrivals.times or [due_clock]
    spread = max(max(times) - min(times), 1e-9)
    figures = Figures(
        appointments=args.appointments,
        delivered=len(numbers),
        lost=args.appointments - len(numbers),
        duplicated=sum(n - 1 for n in numbers.values()),
        workers=args.workers,
        seconds_after_due=round(max(times) - due_clock, 2),
        first_send_after_due=round(min(times) - due_clock, 2),
        sends_per_s=round(len(arrivals) / spread, 1),
        cpu_cores=cores,
    )
    print(
        f"reminders: {figures.delivered} of {figures.appointments} sent; the last "
        f"{figures.seconds_after_due:.1f} s after the due instant (first after "
        f"{figures.first_send_after_due:.1f} s: the scheduler ticks every 5 s), "
        f"{figures.sends_per_s:.0f} sends/s"
    )
    print("CPU (cores busy on average): " + ", ".join(f"{k} {v}" for k, v in cores.items()))
    print(f"check: lost {figures.lost}, duplicated {figures.duplicated}")
    print(orjson.dumps({"bench": "reminders", **asdict(figures)}).decode())
    return figures.lost == 0 and figures.duplicated == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appointments", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=1, help="SAQ message worker processes")
    parser.add_argument("--web-workers", type=int, default=1)
    parser.add_argument(
        "--lead", type=float, default=15, help="seconds until the reminders are due"
    )
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--settle", type=float, default=3, help="seconds to wait for duplicates")
    parser.add_argument(
        "--env", action="append", default=[], metavar="NAME=VALUE", help="more product settings"
    )
    args = parser.parse_args()
    return 0 if asyncio.run(run(args)) else 1


if __name__ == "__main__":
    sys.exit(main())
