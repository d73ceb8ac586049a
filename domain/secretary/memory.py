"""Short-term memory (P1): a contact's last turns in Redis, per tenant and contact, with a TTL.

Redis answers the hot path; PostgreSQL keeps the whole history and fills in when the memory
has expired or was lost. Entries carry their message id, so a retried job that writes the
same turns again changes nothing a reader sees.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import orjson


@dataclass(frozen=True, slots=True)
class Turn:
    id: int  # the message's id
    role: str  # "user" (the customer) or "model" (our replies and operators')
    text: str
    intent: str | None = None  # customer turns
    sentiment: str | None = None  # customer turns
    source: str | None = None  # our turns: llm | offline | guardrail | handoff | ratelimit | …


class Memory:
    def __init__(self, redis: Any, namespace: str, turns: int, ttl_seconds: int) -> None:
        self._redis = redis
        self._ns = namespace
        self._turns = turns
        self._ttl = ttl_seconds

    def _key(self, company_id: int, phone: str) -> str:
        return f"{self._ns}:memory:{company_id}:{phone}"

    async def recall(self, company_id: int, phone: str) -> list[Turn] | None:
        """The last turns, oldest first; None when nothing is remembered (expired or lost)."""
        raw = await self._redis.lrange(self._key(company_id, phone), 0, -1)
        if not raw:
            return None
        by_id = {turn.id: turn for turn in (Turn(**orjson.loads(item)) for item in raw)}
        return sorted(by_id.values(), key=lambda turn: turn.id)[-self._turns :]

    async def remember(self, company_id: int, phone: str, *turns: Turn) -> None:
        key = self._key(company_id, phone)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.rpush(key, *(orjson.dumps(asdict(turn)) for turn in turns))
            # Twice the turns kept: room for a retried job's duplicates, still bounded.
            pipe.ltrim(key, -2 * self._turns, -1)
            pipe.expire(key, self._ttl)
            await pipe.execute()

    async def forget(self, company_id: int, phone: str) -> None:
        """Drop a contact's memory (erasure requests, tests)."""
        await self._redis.delete(self._key(company_id, phone))
