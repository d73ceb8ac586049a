"""Plan quotas (P8): a company's monthly messages and tokens, counted atomically in Redis.

Each message is counted once however often its job runs: a marker per message id and the
counter move together in one Lua script. Periods are calendar months in UTC; the counters
outlive their month by a few days so late retries still find them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

MARKER_TTL = 3 * 24 * 3600
COUNTER_TTL = 40 * 24 * 3600

# KEYS: counter, marker. ARGV: amount, marker ttl, counter ttl. Returns the counter.
_COUNT_ONCE = """
if redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[2]) then
  local value = redis.call('INCRBY', KEYS[1], ARGV[1])
  redis.call('EXPIRE', KEYS[1], ARGV[3])
  return value
end
return tonumber(redis.call('GET', KEYS[1]) or '0')
"""


@dataclass(frozen=True, slots=True)
class Limits:
    """A plan's monthly allowance; None is unlimited. `overage`: block bot replies at 100 %
    or allow them (billed as overage)."""

    messages: int | None = None
    tokens: int | None = None
    overage: str = "allow"


@dataclass(frozen=True, slots=True)
class Usage:
    messages: int
    tokens: int

    def exceeds(self, limits: Limits) -> bool:
        """Over the allowance: past the message limit or at/over the token limit."""
        over_messages = limits.messages is not None and self.messages > limits.messages
        over_tokens = limits.tokens is not None and self.tokens >= limits.tokens
        return over_messages or over_tokens


def period(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).strftime("%Y-%m")


class Quotas:
    def __init__(self, redis: Any, namespace: str) -> None:
        self._redis = redis
        self._ns = namespace
        self._count_once = redis.register_script(_COUNT_ONCE)

    def _key(self, company_id: int, what: str, month: str) -> str:
        return f"{self._ns}:usage:{company_id}:{month}:{what}"

    async def count_message(
        self, company_id: int, message_id: int, now: datetime | None = None
    ) -> Usage:
        """Count one answered message (once per message id) and return the month's usage."""
        month = period(now)
        messages = await self._count_once(
            keys=[
                self._key(company_id, "messages", month),
                self._key(company_id, f"seen:{message_id}", month),
            ],
            args=[1, MARKER_TTL, COUNTER_TTL],
        )
        tokens = await self._redis.get(self._key(company_id, "tokens", month))
        return Usage(int(messages), int(tokens or 0))

    async def add_tokens(
        self, company_id: int, message_id: int, tokens: int, now: datetime | None = None
    ) -> int:
        """Add the tokens one message's reply used (once per message id)."""
        month = period(now)
        total = await self._count_once(
            keys=[
                self._key(company_id, "tokens", month),
                self._key(company_id, f"tokens:{message_id}", month),
            ],
            args=[tokens, MARKER_TTL, COUNTER_TTL],
        )
        return int(total)

    async def usage(self, company_id: int, now: datetime | None = None) -> Usage:
        month = period(now)
        messages, tokens = await self._redis.mget(
            self._key(company_id, "messages", month), self._key(company_id, "tokens", month)
        )
        return Usage(int(messages or 0), int(tokens or 0))
