"""Replies delivered through (a fake) Whaticket: the first attempt by the reply job itself, the
P6 retries by the delivery job (temporary failures retried on the 5-15-45-90-90 s ladder and
logged, permanent ones and exhausted retries in the dead letters), never the same reply sent
twice."""

from __future__ import annotations

from typing import Any

import pytest
from saq.job import Job
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.conversations.models import DeliveryLog
from domain.operations.models import DeadLetter
from domain.settings import Settings
from tasks import worker as worker_settings
from tests.fakes.whaticket import FakeWhaticket
from tests.support import reads
from tests.support.chat import delivered
from tests.support.factories import MakeCompany, configure, whaticket_at
from tests.support.jobs import job_context, running_worker
from tests.support.waiting import eventually
from tests.support.webhooks import accept


async def delivery_logs(engine: AsyncEngine, company_id: int) -> list[tuple[int, str]]:
    """(attempt, status) of each try to deliver a reply, in order."""
    tries = await reads.rows(engine, DeliveryLog.attempt, DeliveryLog.status, tenant=company_id)
    return [(t.attempt, t.status) for t in tries]


async def test_customer_gets_an_answer_through_whaticket(
    client: Any,
    acme_on_whaticket: Any,
    engine: AsyncEngine,
    worker: Any,
    whaticket: FakeWhaticket,
) -> None:
    acme = acme_on_whaticket
    await accept(client)
    await eventually(lambda: _has_sent(whaticket))
    [payload] = whaticket.sent
    assert payload["number"] == "5511999999999"
    assert payload["body"].startswith("\u200e") and "Maria" in payload["body"]
    [reply] = await eventually(lambda: delivered(engine, acme.company.id))
    assert reply.source == "offline" and reply.reply_to_id == 1
    assert await delivery_logs(engine, acme.company.id) == [(1, "SENT")]


async def _one_message(
    client: Any, company: Any, engine: AsyncEngine, settings: Settings
) -> tuple[int, Any, dict[str, Any]]:
    """A customer's message accepted: (company id, the worker's queue, a job context)."""
    await accept(client)
    queue = worker_settings.settings(settings)["queue"]
    return company.company.id, queue, job_context(engine, settings, queue)


async def test_a_reply_sent_at_once_needs_no_delivery_job(
    client: Any, acme_on_whaticket: Any, engine: AsyncEngine, settings: Settings, whaticket: Any
) -> None:
    from domain.queues import deliver_job_key
    from tasks.messages import process_inbound

    acme, queue, ctx = await _one_message(client, acme_on_whaticket, engine, settings)
    await process_inbound(ctx, company_id=acme, message_id=1)
    assert len(whaticket.sent) == 1
    [reply] = await reads.outbound(engine, acme)
    assert reply.status == "sent"
    assert await queue.job(deliver_job_key(settings.redis_namespace, acme, reply.id)) is None
    assert await delivery_logs(engine, acme) == [(1, "SENT")]


async def test_an_attempt_under_way_keeps_any_other_from_sending_the_same_reply(
    client: Any, acme_on_whaticket: Any, engine: AsyncEngine, settings: Settings, whaticket: Any
) -> None:
    from tasks.messages import DeliveryBusy, deliver_message, process_inbound

    acme, _, ctx = await _one_message(client, acme_on_whaticket, engine, settings)
    # What an attempt holds while it sends (here: a delivery job the sweeper queued).
    mark = f"{settings.redis_namespace}:sending:{acme}:2"
    await ctx["redis"].set(mark, "1", ex=60)
    await process_inbound(ctx, company_id=acme, message_id=1)
    [reply] = await reads.outbound(engine, acme)
    assert reply.id == 2 and reply.status == "pending" and whaticket.sent == []
    job = Job(function="deliver_message", retries=6, attempts=1)
    with pytest.raises(DeliveryBusy):
        await deliver_message({**ctx, "job": job}, company_id=acme, message_id=2)
    assert job.retries == 7  # waiting does not use up a try
    await ctx["redis"].delete(mark)
    assert (await deliver_message({**ctx, "job": job}, company_id=acme, message_id=2)) == {
        "outcome": "sent"
    }
    assert len(whaticket.sent) == 1


async def _has_sent(fake: FakeWhaticket) -> bool:
    return bool(fake.sent)


async def test_without_whaticket_the_reply_waits_in_the_outbox(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, worker: Any
) -> None:
    acme = await make_company("acme")
    await accept(client)

    async def in_outbox() -> bool:
        rows = await reads.outbound(engine, acme.company.id)
        return bool(rows) and rows[0].status == "outbox"

    await eventually(in_outbox)


async def test_a_retried_pipeline_never_sends_the_same_reply_twice(
    client: Any,
    acme_on_whaticket: Any,
    engine: AsyncEngine,
    settings: Settings,
    whaticket: FakeWhaticket,
) -> None:
    from tasks.messages import process_inbound

    acme = acme_on_whaticket
    await accept(client)
    config = worker_settings.settings(settings)
    queue = config["queue"]
    ctx = job_context(engine, settings, queue)
    for _ in range(3):  # the job retried after a crash, twice
        await process_inbound(ctx, company_id=acme.company.id, message_id=1, correlation_id="c")
    async with running_worker(config):
        await eventually(lambda: delivered(engine, acme.company.id))
    assert len(whaticket.sent) == 1
    assert len(await reads.outbound(engine, acme.company.id)) == 1


async def test_temporary_failures_are_retried_and_logged(
    client: Any,
    acme_on_whaticket: Any,
    engine: AsyncEngine,
    worker: Any,
    whaticket: FakeWhaticket,
    no_waiting: None,
) -> None:
    acme = acme_on_whaticket
    whaticket.script += [
        (500, {"error": "Internal server error"}),
        (400, {"error": "ERR_SENDING_WAPP_MSG"}),
    ]
    await accept(client)
    await eventually(lambda: delivered(engine, acme.company.id))
    assert await delivery_logs(engine, acme.company.id) == [
        (1, "FAILED_TEMPORARY"),
        (2, "FAILED_TEMPORARY"),
        (3, "SENT"),
    ]
    metrics_text = (await (await client.get("/metrics")).get_data()).decode()
    assert "secretaria_whaticket_send_retry_total 2.0" in metrics_text
    assert "secretaria_whaticket_send_success_total 1.0" in metrics_text
    assert "secretaria_whaticket_delivery_success_ratio 0.333" in metrics_text


async def test_permanent_failure_is_not_retried_and_goes_to_dead_letters(
    client: Any,
    make_company: MakeCompany,
    engine: AsyncEngine,
    worker: Any,
    whaticket: FakeWhaticket,
    no_waiting: None,
) -> None:
    acme = await make_company("acme")
    await configure(engine, acme.company.id, whaticket=whaticket_at(whaticket, "revoked-token"))
    await accept(client)
    dead = await eventually(lambda: reads.rows(engine, DeadLetter))
    assert dead[0].function == "deliver_message" and dead[0].attempts == 1
    assert await delivery_logs(engine, acme.company.id) == [(1, "FAILED_PERMANENT")]
    [reply] = await reads.outbound(engine, acme.company.id)
    assert reply.status == "failed"
    assert whaticket.sent == []


async def test_exhausted_retries_end_permanent_after_one_try_and_five_retries(
    client: Any,
    acme_on_whaticket: Any,
    engine: AsyncEngine,
    worker: Any,
    whaticket: FakeWhaticket,
    no_waiting: None,
) -> None:
    acme = acme_on_whaticket
    whaticket.script += [(503, {"error": "Internal server error"})] * 6
    await accept(client)
    await eventually(lambda: reads.rows(engine, DeadLetter))
    assert await delivery_logs(engine, acme.company.id) == [
        (1, "FAILED_TEMPORARY"),
        (2, "FAILED_TEMPORARY"),
        (3, "FAILED_TEMPORARY"),
        (4, "FAILED_TEMPORARY"),
        (5, "FAILED_TEMPORARY"),
        (6, "FAILED_PERMANENT"),
    ]


async def test_retry_delays_are_exactly_5_15_45_90_90_seconds() -> None:
    job = Job(function="deliver_message", retries=6)
    delays = []
    for attempt in range(1, 6):
        job.attempts = attempt
        await worker_settings._before_process({"job": job})
        delays.append(job.next_retry_delay())
    assert delays == [5, 15, 45, 90, 90]
    from domain.queues import DELIVER

    assert DELIVER.retries == 6  # 1 try + 5 retries


async def test_a_real_failed_send_is_rescheduled_five_seconds_later(
    client: Any,
    acme_on_whaticket: Any,
    engine: AsyncEngine,
    worker: Any,
    whaticket: FakeWhaticket,
    settings: Settings,
) -> None:
    import time

    from domain.queues import deliver_job_key

    acme = acme_on_whaticket
    whaticket.script.append((500, {"error": "Internal server error"}))
    await accept(client)

    async def first_failure() -> bool:
        return await delivery_logs(engine, acme.company.id) == [(1, "FAILED_TEMPORARY")]

    await eventually(first_failure)
    failed_at = time.time()
    [reply] = await reads.outbound(engine, acme.company.id)
    job = await worker.queue.job(
        deliver_job_key(settings.redis_namespace, acme.company.id, reply.id)
    )
    # The reply job made the first attempt; the delivery job makes the retries, the first due
    # 5 s after the failure. SAQ keeps a scheduled job in its `incomplete` set, scored with
    # the time it becomes due.
    assert job is not None and job.attempts == 0 and job.kwargs["tried"] == 1
    due = await worker.queue.redis.zscore(worker.queue.namespace("incomplete"), job.id)
    assert abs(due - (failed_at + 5)) < 1.0


async def test_a_whaticket_url_leading_inside_our_network_is_refused_and_never_retried(
    client: Any,
    acme_on_whaticket: Any,
    engine: AsyncEngine,
    whaticket: FakeWhaticket,
    settings: Settings,
    no_waiting: None,
) -> None:
    # The fake listens on 127.0.0.1, as Redis or PostgreSQL would; the URL was stored as if
    # saved while it resolved elsewhere. A production worker refuses to connect there.
    production = settings.model_copy(update={"allow_private_targets": False})
    async with running_worker(worker_settings.settings(production)):
        await accept(client)
        await eventually(lambda: reads.rows(engine, DeadLetter))
    acme = acme_on_whaticket.company.id
    assert await delivery_logs(engine, acme) == [(1, "FAILED_PERMANENT")]
    [error] = await reads.values(engine, DeliveryLog.error, tenant=acme)
    assert error.startswith("Whaticket URL refused") and "127.0.0.1" in error
    assert whaticket.sent == []
