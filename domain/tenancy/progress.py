"""A provisioning someone watches (T2, "Nova Empresa"): it runs in the background while its
steps, and then its result, are kept in Redis for the page to poll. The result holds the
initial API token and the webhook secrets, so it is kept briefly and read only once."""

from __future__ import annotations

import secrets
from typing import Any

import orjson
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.errors import DomainError
from domain.tenancy.provisioning import Provisioned, ProvisionRequest, provision

STATE_TTL = 600  # seconds: long enough to read, short for secrets to sit in Redis


class ProvisioningProgress:
    def __init__(self, redis: Redis, namespace: str) -> None:
        self._redis = redis
        self._ns = namespace

    async def start(self) -> str:
        """A new job id, its state empty until `run` reports."""
        job = secrets.token_urlsafe(12)
        await self._save(job, {"steps": [], "done": False})
        return job

    async def run(
        self, job: str, engine: AsyncEngine, wanted: ProvisionRequest, base_url: str
    ) -> None:
        """Provision, recording each finished step, then the result or the refusal (its code,
        for the page to word)."""
        steps: list[str] = []

        async def step(name: str) -> None:
            steps.append(name)
            await self._save(job, {"steps": steps, "done": False})

        try:
            done = await provision(engine, self._redis, self._ns, wanted, step)
        except DomainError as error:
            refused = {
                "code": error.code,
                "message": error.message,
                "status": error.status,
                "field": error.field,  # which of slug and domain is taken, say
            }
            await self._save(job, {"steps": steps, "done": True, "error": refused})
            return
        result = {"name": wanted.name, **_handover(done, base_url.rstrip("/"))}
        await self._save(job, {"steps": steps, "done": True, "result": result})

    async def read_once(self, job: str) -> dict[str, Any] | None:
        """The state so far; once done it is deleted as it is read (secrets are shown once).
        None for an unknown, expired or already shown job."""
        raw = await self._redis.get(self._key(job))
        if raw is None:
            return None
        state: dict[str, Any] = orjson.loads(raw)
        if state.get("done"):
            await self._redis.delete(self._key(job))
        return state

    def _key(self, job: str) -> str:
        return f"{self._ns}:provisioning:{job}"

    async def _save(self, job: str, state: dict[str, Any]) -> None:
        await self._redis.set(self._key(job), orjson.dumps(state), ex=STATE_TTL)


def _handover(done: Provisioned, base: str) -> dict[str, Any]:
    """What the new company's people need to connect: token, secrets, URLs, worker command."""
    return {
        "company_id": done.company_id,
        "domain": done.domain,
        "api_token": done.api_token,
        "webhook_secret": done.webhook_secret,
        "webhook_url": f"{base}/webhook/whaticket",
        "webhook_url_token": f"{base}/webhook/whaticket/{done.slug}/{done.url_token}",
        "worker_command": f"python scripts/spawn_worker.py --company-id {done.company_id}",
        "admin_email": done.admin_email,
        "invitation_url": invitation_url(base, done.invitation) if done.invitation else None,
    }


def invitation_url(base: str, token: str) -> str:
    """Where an invited person sets their password (web/panel/invitations.py)."""
    return f"{base.rstrip('/')}/painel/convite/{token}"
