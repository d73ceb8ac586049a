"""A message whose own data makes its job fail is not retried six times (issue 13): it goes
to the dead letters at once with the reason, the message is marked failed, and the customer
is handed to a person with the usual message, written without the part that failed."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.conversations.models import Conversation, Message
from domain.operations.models import AuditLog, DeadLetter
from domain.settings import Settings
from tasks import worker as worker_settings
from tasks.messages import Unanswerable, process_inbound
from tests.fakes.whaticket import FakeWhaticket
from tests.support import factories, reads
from tests.support.chat import delivered
from tests.support.jobs import job_context, running_worker
from tests.support.panel import log_in
from tests.support.waiting import eventually
from tests.support.webhooks import accept


async def refuse_names(engine: AsyncEngine, company_id: int) -> None:
    """Make every contact name a data error (a check violation, SQLSTATE 23514), as a value
    that does not fit its column would be: the same data fails the same way on every try.
    SQL on purpose: no model describes a constraint added to break the schema."""
    async with engine.begin() as conn:
        await conn.execute(
            text(
                f"ALTER TABLE tenant_{company_id}.contacts "
                "ADD CONSTRAINT no_names CHECK (name IS NULL)"
            )
        )


async def test_a_poison_message_is_dead_lettered_at_once_and_its_customer_handed_over(
    client: Any,
    acme_on_whaticket: Any,
    engine: AsyncEngine,
    settings: Settings,
    whaticket: FakeWhaticket,
) -> None:
    acme = acme_on_whaticket.company.id
    await refuse_names(engine, acme)
    await accept(client)  # Maria Souza's "olá": her name is what cannot be stored
    async with running_worker(worker_settings.settings(settings)):
        [dead] = await eventually(lambda: reads.rows(engine, DeadLetter))
        [reply] = await eventually(lambda: delivered(engine, acme))
    assert (dead.function, dead.attempts) == ("process_inbound", 1)
    reason = dead.error.strip().splitlines()[-1]  # the line the Filas tab shows
    assert reason.startswith("Unanswerable: CheckViolationError") and "no_names" in reason
    assert "handed to a person" in reason
    message = await reads.rows(engine, Message, tenant=acme, where=Message.direction == "inbound")
    assert (message[0].status, message[0].conversation_id) == ("failed", reply.conversation_id)
    assert "no_names" in message[0].error
    [talk] = await reads.rows(engine, Conversation, tenant=acme)
    assert (talk.status, talk.handoff_reason) == ("handoff", "tool_failure")
    assert reply.source == "handoff" and reply.reply_to_id == message[0].id
    [sent] = whaticket.sent
    assert sent["number"] == "5511999999999" and "pessoa da equipe da Acme" in sent["body"]
    [audit] = await reads.rows(engine, AuditLog, tenant=acme)
    assert audit.after["trigger"] == "processing_failed"
    # The operator reads why in the Filas tab, and sees the conversation with a person.
    await factories.user(engine, "ops@acme.example.com", roles={acme: "company_admin"})
    await log_in(client, "ops@acme.example.com", factories.PASSWORD)
    page = await (await client.get("/painel/filas")).get_data(as_text=True)
    assert "não puderam ser gravados" in page and "passado para uma pessoa da equipe" in page


async def test_replaying_the_dead_letter_does_not_answer_twice(
    client: Any, acme_on_whaticket: Any, engine: AsyncEngine, settings: Settings
) -> None:
    acme = acme_on_whaticket.company.id
    await refuse_names(engine, acme)
    await accept(client)
    ctx = job_context(engine, settings)
    with pytest.raises(Unanswerable):
        await process_inbound(ctx, company_id=acme, message_id=1, correlation_id="c")
    async with engine.begin() as conn:  # the operator fixed the schema, then replays
        await conn.execute(text(f"ALTER TABLE tenant_{acme}.contacts DROP CONSTRAINT no_names"))
        await conn.execute(
            text(f"UPDATE tenant_{acme}.messages SET status = 'received' WHERE id = 1")
        )
    again = await process_inbound(ctx, company_id=acme, message_id=1, correlation_id="c")
    assert again["reply"] is None  # the conversation is with a person now
    assert len(await reads.outbound(engine, acme)) == 1


class Transient(ConnectionError):
    pass


class Failing:
    async def answer(self, company_id: int, message_id: int) -> Any:
        raise Transient("PostgreSQL did not answer")


@pytest.mark.parametrize(("attempts", "handed_over"), [(1, False), (5, False), (6, True)])
async def test_a_transient_failure_is_retried_and_handed_over_only_on_the_last_try(
    client: Any,
    acme_on_whaticket: Any,
    engine: AsyncEngine,
    settings: Settings,
    attempts: int,
    handed_over: bool,
) -> None:
    acme = acme_on_whaticket.company.id
    await accept(client)
    job = SimpleNamespace(attempts=attempts, retries=6)
    ctx = {**job_context(engine, settings), "secretary": Failing(), "job": job}
    with pytest.raises(Transient):
        await process_inbound(ctx, company_id=acme, message_id=1, correlation_id="c")
    assert job.retries == 6  # still retryable, on the usual ladder
    replies = await reads.outbound(engine, acme)
    assert [r.source for r in replies] == (["handoff"] if handed_over else [])
    status = await reads.value(engine, Message.status, tenant=acme, where=Message.id == 1)
    assert status == ("failed" if handed_over else "received")


async def test_a_data_fault_is_not_retried(
    client: Any, acme_on_whaticket: Any, engine: AsyncEngine, settings: Settings
) -> None:
    acme = acme_on_whaticket.company.id
    await refuse_names(engine, acme)
    await accept(client)
    job = SimpleNamespace(attempts=1, retries=6)
    ctx = {**job_context(engine, settings), "job": job}
    with pytest.raises(Unanswerable):
        await process_inbound(ctx, company_id=acme, message_id=1, correlation_id="c")
    assert job.retries == 1  # SAQ finishes it as failed: the dead letter follows
