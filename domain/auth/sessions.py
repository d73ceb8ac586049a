"""The server side of panel sessions, in Redis: each login gets a random session id that the
signed cookie carries; logging out deletes it.

The cookie is signed, so nobody can forge one, but a signature cannot be taken back: without
this record a cookie copied before logout (a shared computer, a leaked proxy log) would keep
working until it expires. A lost Redis only logs everybody out."""

from __future__ import annotations

import secrets
from typing import Any


class PanelSessions:
    def __init__(self, redis: Any, namespace: str, ttl_seconds: int) -> None:
        self._redis, self._ns, self._ttl = redis, namespace, ttl_seconds

    def _key(self, session_id: str) -> str:
        return f"{self._ns}:panel_session:{session_id}"

    async def open(self, user_id: int) -> str:
        """A new session of the user (its id goes into the cookie)."""
        session_id = secrets.token_urlsafe(24)
        await self._redis.set(self._key(session_id), str(user_id), ex=self._ttl)
        return session_id

    async def alive(self, session_id: str, user_id: int) -> bool:
        """Whether this session of this user was opened and not closed (nor expired)."""
        owner = await self._redis.get(self._key(session_id))
        return owner is not None and int(owner) == user_id

    async def close(self, session_id: str) -> None:
        await self._redis.delete(self._key(session_id))
