"""Many customers writing at once, each from a number of its own (so the per-contact
anti-flood never applies), and what became of their messages: for the tests that break a
worker or Redis in the middle of a burst."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.conversations.models import Message
from tests.support import reads
from tests.support.webhooks import post_webhook, signed_headers, text_body


def customer_body(i: int) -> bytes:
    """Customer `i`'s message: not a scheduling request, so the model answers it."""
    return text_body(
        f"BURST-{i}", f"Olá, vocês atendem pelo convênio? ({i})", number=f"55119{10**7 + i:08d}"
    )


async def post_over_http(url: str, secret: str, customers: range, connections: int = 20) -> Counter:
    """POST each customer's message, signed, to the webhook of a running server; how many
    answers of each status came back."""
    statuses: Counter = Counter()
    waiting = iter(customers)

    async def connection(client: httpx.AsyncClient) -> None:
        for i in waiting:
            body = customer_body(i)
            response = await client.post(
                f"{url}/webhook/whaticket", content=body, headers=signed_headers(secret, body)
            )
            statuses[response.status_code] += 1

    async with httpx.AsyncClient(timeout=30) as client:
        await asyncio.gather(*(connection(client) for _ in range(connections)))
    return statuses


async def post_in_process(client: Any, customers: range, **company: str) -> Counter:
    """The same through an app's test client (`company`: post_webhook's secret and domain)."""
    statuses: Counter = Counter()
    for i in customers:
        statuses[(await post_webhook(client, customer_body(i), **company)).status_code] += 1
    return statuses


async def replies_by_message(engine: AsyncEngine, company_id: int) -> Counter:
    """How many replies each of the company's inbound messages has (0 when unanswered)."""
    inbound = await reads.values(
        engine, Message.id, tenant=company_id, where=Message.direction == "inbound"
    )
    answers = await reads.values(
        engine,
        Message.reply_to_id,
        tenant=company_id,
        where=(Message.direction == "outbound", Message.reply_to_id.is_not(None)),
    )
    replies = Counter({message: 0 for message in inbound})
    replies.update(answers)
    return replies


async def answered(engine: AsyncEngine, company_id: int, at_least: int) -> bool:
    """At least `at_least` of the company's messages have their reply."""
    replies = await replies_by_message(engine, company_id)
    return sum(1 for n in replies.values() if n) >= at_least


async def all_answered(engine: AsyncEngine, company_id: int, total: int) -> bool:
    """The company has `total` messages, each with its reply."""
    replies = await replies_by_message(engine, company_id)
    return len(replies) == total and all(replies.values())


async def answered_at(
    engine: AsyncEngine, company_id: int, messages: set[int], timeout: float
) -> dict[int, float]:
    """Poll until each of `messages` has a reply; when (monotonic) each was first seen so."""
    seen: dict[int, float] = {}
    deadline = time.monotonic() + timeout
    while len(seen) < len(messages):
        replies = await replies_by_message(engine, company_id)
        moment = time.monotonic()
        seen |= {m: moment for m in messages if replies[m] and m not in seen}
        if time.monotonic() > deadline:
            raise AssertionError(f"{len(messages) - len(seen)} message(s) still unanswered")
        await asyncio.sleep(0.5)
    return seen
