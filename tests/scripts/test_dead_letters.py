"""`make dlq` (scripts/dead_letters.py): dead letters listed and replayed from the command line."""

from __future__ import annotations

import subprocess
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.operations.models import DeadLetter
from domain.settings import Settings
from tests.fakes.whaticket import FakeWhaticket
from tests.support import reads
from tests.support.chat import delivered
from tests.support.factories import MakeCompany, configure, whaticket_at
from tests.support.processes import run_script
from tests.support.waiting import eventually
from tests.support.webhooks import accept


async def dlq(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    """`make dlq ARGS="<args>"`."""
    return await run_script(settings, "-m", "scripts.dead_letters", *args)


async def test_dead_letters_are_listed_and_replayed_from_the_cli(
    client: Any,
    make_company: MakeCompany,
    engine: AsyncEngine,
    worker: Any,
    whaticket: FakeWhaticket,
    settings: Settings,
    no_waiting: None,
) -> None:
    acme = await make_company("acme")
    await configure(engine, acme.company.id, whaticket=whaticket_at(whaticket, "revoked-token"))
    await accept(client)
    await eventually(lambda: reads.rows(engine, DeadLetter))
    listing = await dlq(settings, "list")
    assert "deliver_message" in listing.stdout and "1 dead letter(s)" in listing.stdout

    # The operator fixes the token, then replays: the reply goes out, once.
    await configure(engine, acme.company.id, whaticket=whaticket_at(whaticket))
    worker.context["companies"].forget()
    replayed = await dlq(settings, "replay", "--all")
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    await eventually(lambda: delivered(engine, acme.company.id))
    assert len(whaticket.sent) == 1
    again = await dlq(settings, "replay", "1")
    assert again.returncode == 1  # already replayed
    assert "0 dead letter(s)" in (await dlq(settings, "list")).stdout
