"""Whether the user behind an access token still stands where the token says: active, and
still holding that role in that company (or still a platform admin).

A signed token alone would keep working for its whole lifetime after the user was
deactivated, deleted or removed from the company. The API is hot, so a confirmed principal
is remembered for a few seconds per process instead of asking the database on every call;
refusals are never remembered (they cost one query each, and only a token we signed gets
this far)."""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.auth.principal import Principal
from domain.db import public_session
from domain.errors import Unauthorized
from domain.tenancy.service import still_holds

# Bounds the memory of a process that sees many users: past it, everyone is re-checked.
MAX_REMEMBERED = 10_000

Key = tuple[int | None, int | None, str]


class Standing:
    """One per process: `confirm` refuses a principal whose user no longer stands."""

    def __init__(
        self, engine: AsyncEngine, ttl: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._engine, self._ttl, self._clock = engine, ttl, clock
        self._confirmed: dict[Key, float] = {}  # principal -> until when it needs no check

    async def confirm(self, principal: Principal) -> None:
        """Unauthorized when the token's user was deactivated, deleted or lost the role."""
        key = (principal.user_id, principal.company_id, principal.role)
        now = self._clock()
        if self._confirmed.get(key, 0.0) > now:
            return
        async with public_session(self._engine) as session:
            holds = await still_holds(session, principal)
        if not holds:
            self._confirmed.pop(key, None)
            raise Unauthorized("this token's user no longer has this access", code="invalid_token")
        if len(self._confirmed) >= MAX_REMEMBERED:
            self._confirmed.clear()
        self._confirmed[key] = now + self._ttl
