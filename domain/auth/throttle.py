"""Login attempt limits in Redis, per e-mail and per client address (brute-force defence)."""

from __future__ import annotations

from typing import Any

from domain.errors import RateLimited

# One address may try many accounts (an office behind NAT), so its limit is wider.
ADDRESS_FACTOR = 5


class LoginThrottle:
    def __init__(self, redis: Any, namespace: str, max_failures: int, window: int) -> None:
        self._redis = redis
        self._ns = namespace
        self._max = max_failures
        self._window = window

    def _keys(self, email: str, address: str) -> tuple[str, str]:
        return f"{self._ns}:login:email:{email}", f"{self._ns}:login:addr:{address}"

    async def check(self, email: str, address: str) -> None:
        """RateLimited while either counter is at its limit; checked before the password."""
        by_email, by_address = self._keys(email, address)
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.get(by_email)
            pipe.get(by_address)
            pipe.ttl(by_email)
            pipe.ttl(by_address)
            email_count, address_count, email_ttl, address_ttl = await pipe.execute()
        if int(email_count or 0) >= self._max:
            raise RateLimited("too many failed logins", retry_after=max(int(email_ttl), 1))
        if int(address_count or 0) >= self._max * ADDRESS_FACTOR:
            raise RateLimited("too many failed logins", retry_after=max(int(address_ttl), 1))

    async def failed(self, email: str, address: str) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            for key in self._keys(email, address):
                # SET NX EX then INCR: the window starts at the first failure (Redis 6.2 has
                # no EXPIRE NX, and the embedded server is 6.2).
                pipe.set(key, 0, nx=True, ex=self._window)
                pipe.incr(key)
            await pipe.execute()

    async def succeeded(self, email: str) -> None:
        await self._redis.delete(self._keys(email, "")[0])
