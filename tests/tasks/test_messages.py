"""The inbound job files each message into its contact and conversation, exactly once."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain import queues
from domain.conversations.models import Contact, Conversation, Message
from domain.operations.models import DeadLetter
from domain.settings import Settings
from tasks import worker as worker_settings
from tasks.messages import process_inbound
from tests.support import reads
from tests.support.factories import MakeCompany
from tests.support.jobs import job_context, running_worker
from tests.support.waiting import eventually
from tests.support.webhooks import accept, post_webhook, text_body


async def counts(engine: AsyncEngine, company_id: int) -> dict[str, int]:
    """How many contacts, conversations and processed messages the company has."""
    processed = Message.status == "processed"
    return {
        "contacts": await reads.count(engine, Contact, tenant=company_id),
        "conversations": await reads.count(engine, Conversation, tenant=company_id),
        "processed": await reads.count(engine, Message, tenant=company_id, where=processed),
    }


async def test_worker_files_message_into_contact_and_conversation(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, worker: Any
) -> None:
    acme = await make_company("acme")
    await accept(client)
    await accept(client, "inbound_lid.json")
    await eventually(lambda: _processed(engine, acme.company.id, 2))
    assert await counts(engine, acme.company.id) == {
        "contacts": 1,
        "conversations": 1,
        "processed": 2,
    }
    [contact] = await reads.rows(engine, Contact, tenant=acme.company.id)
    assert (contact.phone, contact.name, contact.lid) == (
        "5511999999999",
        "Maria Souza",
        "261254371377275",
    )


async def _processed(engine: AsyncEngine, company_id: int, n: int) -> bool:
    return (await counts(engine, company_id))["processed"] >= n


async def test_retried_job_never_duplicates_its_effects(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    acme = await make_company("acme")
    await accept(client)
    ctx = job_context(engine, settings)
    kwargs = {"company_id": acme.company.id, "message_id": 1, "correlation_id": "c"}
    first = await process_inbound(ctx, **kwargs)
    # A retry after a crash, and two workers racing on the same message.
    again = await asyncio.gather(process_inbound(ctx, **kwargs), process_inbound(ctx, **kwargs))
    assert first["outcome"] == "filed"
    assert [r["outcome"] for r in again] == ["already_processed", "already_processed"]
    assert await counts(engine, acme.company.id) == {
        "contacts": 1,
        "conversations": 1,
        "processed": 1,
    }


async def test_concurrent_first_messages_of_a_contact_share_one_conversation(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    acme = await make_company("acme")
    for fixture in ("inbound_text.json", "inbound_extended_text.json", "inbound_list_reply.json"):
        await accept(client, fixture)
    ctx = job_context(engine, settings)
    await asyncio.gather(
        *(
            process_inbound(ctx, company_id=acme.company.id, message_id=i, correlation_id="")
            for i in (1, 2, 3)
        )
    )
    assert await counts(engine, acme.company.id) == {
        "contacts": 1,
        "conversations": 1,
        "processed": 3,
    }


async def test_exhausted_job_goes_to_dead_letters_and_is_not_swept_again(
    client: Any,
    make_company: MakeCompany,
    engine: AsyncEngine,
    settings: Settings,
    no_waiting: None,
) -> None:
    acme = await make_company("acme")
    await accept(client)
    # Break the tenant so filing fails: the job must end in the DLQ after its retries.
    # SQL on purpose: no model can describe a table that has gone missing.
    async with engine.begin() as conn:
        await conn.execute(text(f"ALTER TABLE tenant_{acme.company.id}.contacts RENAME TO broken"))
    config = worker_settings.settings(settings)
    queue = config["queue"]
    await queue.connect()
    job = await queue.job(queues.inbound_job_key(settings.redis_namespace, acme.company.id, 1))
    assert job is not None
    job.retries = 2
    job.retry_delay = 0
    await queue.update(job)
    async with running_worker(config):
        dead = await eventually(lambda: reads.rows(engine, DeadLetter))
    assert dead[0].function == "process_inbound"
    assert dead[0].attempts == 2
    assert "broken" in dead[0].error or "contacts" in dead[0].error
    assert await reads.value(engine, Message.status, tenant=acme.company.id) == "failed"


async def test_each_new_contact_gets_its_own_conversation(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    """Past PostgreSQL's fifth execution of a prepared statement (generic plans), too."""
    acme = await make_company("acme")
    phones = [f"55119111100{n:02d}" for n in range(1, 41)]
    for i, phone in enumerate(phones, start=1):
        response = await post_webhook(client, text_body(f"m{i}", "oi", number=phone))
        assert response.status_code == 202
        # Replies share the table, so inbound ids are not 1, 2, 3...
        inbound = Message.direction == "inbound"
        message_id = max(
            await reads.values(engine, Message.id, tenant=acme.company.id, where=inbound)
        )
        filed = await process_inbound(
            job_context(engine, settings),
            company_id=acme.company.id,
            message_id=message_id,
            correlation_id="",
        )
        assert filed["outcome"] == "filed"
    assert await counts(engine, acme.company.id) == {
        "contacts": 40,
        "conversations": 40,
        "processed": 40,
    }
