"""The open booking conversation of one contact (the options offered, what is being changed),
kept in Redis per company and contact with a timeout, so a customer who walks away is not
held in the flow forever."""

from __future__ import annotations

from typing import Any

import orjson
from redis.asyncio import Redis

STATE_TTL = 30 * 60


class FlowState:
    def __init__(self, redis: Redis, namespace: str) -> None:
        self._redis = redis
        self._ns = namespace

    def key(self, company_id: int, phone: str) -> str:
        return f"{self._ns}:agenda:flow:{company_id}:{phone}"

    async def get(self, company_id: int, phone: str) -> dict[str, Any] | None:
        """The contact's open flow, if any."""
        raw = await self._redis.get(self.key(company_id, phone))
        return orjson.loads(raw) if raw else None

    async def save(self, company_id: int, phone: str, state: dict[str, Any]) -> None:
        """Open (or move on) the contact's flow; it lapses after STATE_TTL of silence."""
        await self._redis.set(self.key(company_id, phone), orjson.dumps(state), ex=STATE_TTL)

    async def forget(self, company_id: int, phone: str) -> None:
        """Close the contact's flow."""
        await self._redis.delete(self.key(company_id, phone))
