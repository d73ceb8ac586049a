"""The one client of Whaticket's HTTP API (P5): sending text, in token or login mode.

Contract: tests/fixtures/whaticket/README.md. `POST /api/messages/send` with
`Authorization: Bearer <token>` and JSON `{number, body}`; success is 200 with a fork-specific
body (empty, `{"mensagem": ...}` or `{"status": "SUCCESS"}`). In login mode the access JWT
from `POST /auth/login` is cached in Redis until shortly before its `exp`, and a 401/403 leads
to exactly one fresh login and one more try. Errors are classified from the fixtures'
`error_responses.json`: 401/403 in token mode and invalid numbers are never retried.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import httpx
import jwt

from domain.security.transport import BlockedTarget

BOT_MARKER = "\u200e"  # our replies start with it, so their echo is recognised and ignored

# Bodies of a 400 that mean "this number will never work" (fixtures: error_responses.json).
INVALID_NUMBER_ERRORS = (
    "Invalid number format",
    "ERR_WAPP_INVALID_CONTACT",
    "Este número não está cadastrado no whatsapp",
    "ERR_CHECK_NUMBER",
)


@dataclass(frozen=True)
class WhaticketConfig:
    base_url: str
    token: str | None = None  # token mode
    email: str | None = None  # login mode
    password: str | None = None

    @property
    def login_mode(self) -> bool:
        return not self.token and bool(self.email and self.password)

    @property
    def configured(self) -> bool:
        return bool(self.base_url) and (bool(self.token) or self.login_mode)


class WhaticketError(Exception):
    """`kind`: auth | invalid_number | blocked_target | temporary. Only `temporary` is worth
    retrying."""

    def __init__(self, kind: str, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.kind, self.message, self.status = kind, message, status

    @property
    def retryable(self) -> bool:
        return self.kind == "temporary"


@dataclass(frozen=True)
class Sent:
    status: int
    latency_ms: int


def neutralise_mustache(text: str) -> str:
    """Whaticket renders bodies as Mustache templates; `{{x}}` must reach the customer as is."""
    return text.replace("{{", "{\u200b{").replace("}}", "}\u200b}")


def outgoing_body(text: str) -> str:
    return BOT_MARKER + neutralise_mustache(text.removeprefix(BOT_MARKER))


def classify(status: int, body: str) -> WhaticketError:
    """What a non-2xx answer means for us (see error_responses.json)."""
    detail = _error_text(body)
    if status in (401, 403):
        return WhaticketError("auth", f"Whaticket refused the credentials: {detail}", status)
    if status == 400 and any(marker in detail for marker in INVALID_NUMBER_ERRORS):
        return WhaticketError("invalid_number", f"number not usable: {detail}", status)
    if status == 404:
        return WhaticketError("auth", f"Whaticket endpoint not found: {detail}", status)
    # Session trouble (ERR_WAPP_CHECK_CONTACT, ERR_SENDING_WAPP_MSG, no default connection,
    # the SaaS fork's "tente novamente"), 429 and 5xx: worth another try later.
    return WhaticketError("temporary", f"Whaticket answered {status}: {detail}", status)


def _error_text(body: str) -> str:
    try:
        payload = json.loads(body)
    except ValueError:
        return body[:300]
    if isinstance(payload, dict) and isinstance(payload.get("error"), str):
        return payload["error"]
    return body[:300]


class WhaticketClient:
    """Shares the process's httpx client and Redis pool; one instance per process."""

    def __init__(self, http: httpx.AsyncClient, redis: Any, namespace: str) -> None:
        self._http, self._redis, self._namespace = http, redis, namespace

    async def send_text(
        self, config: WhaticketConfig, company_id: int, number: str, text: str
    ) -> Sent:
        """Send one text; raise WhaticketError (classified) when it was not sent."""
        payload = {"number": number, "body": outgoing_body(text)}
        token = await self._token(config, company_id)
        started = time.perf_counter()
        response = await self._post(config, "/api/messages/send", payload, token)
        if response.status_code in (401, 403) and config.login_mode:
            # The cached JWT may have been revoked or expired early: log in once more.
            token = await self._token(config, company_id, fresh=True)
            response = await self._post(config, "/api/messages/send", payload, token)
        if response.is_success:
            return Sent(response.status_code, int((time.perf_counter() - started) * 1000))
        raise classify(response.status_code, response.text)

    async def check(self, config: WhaticketConfig) -> None:
        """The connection test of Configurações; WhaticketError (classified) when the address
        or the credentials do not work. Login mode logs in; token mode asks the send endpoint
        with no number, which checks the token first and then refuses to send anything."""
        if config.login_mode:
            await self._login(config)
            return
        response = await self._post(
            config, "/api/messages/send", {"number": "", "body": ""}, config.token
        )
        if response.status_code in (401, 403, 404):
            raise classify(response.status_code, response.text)

    async def _post(
        self, config: WhaticketConfig, path: str, payload: dict[str, Any], token: str | None
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            return await self._http.post(
                config.base_url.rstrip("/") + path, json=payload, headers=headers
            )
        except BlockedTarget as exc:  # the URL leads inside our network: never worth a retry
            raise WhaticketError("blocked_target", f"Whaticket URL refused: {exc}") from exc
        except httpx.TimeoutException as exc:
            raise WhaticketError("temporary", f"Whaticket timed out: {exc!r}") from exc
        except httpx.HTTPError as exc:
            raise WhaticketError("temporary", f"Whaticket unreachable: {exc!r}") from exc

    async def _token(self, config: WhaticketConfig, company_id: int, fresh: bool = False) -> str:
        if not config.login_mode:
            return config.token or ""
        key = f"{self._namespace}:whaticket:jwt:{company_id}"
        if not fresh:
            cached = await self._redis.get(key)
            if cached:
                return str(cached.decode() if isinstance(cached, bytes) else cached)
        token = await self._login(config)
        ttl = _seconds_left(token) - 30  # renew a little before Whaticket would refuse it
        if ttl > 0:
            await self._redis.set(key, token, ex=ttl)
        return token

    async def _login(self, config: WhaticketConfig) -> str:
        response = await self._post(
            config, "/auth/login", {"email": config.email, "password": config.password}, None
        )
        if not response.is_success:
            error = classify(response.status_code, response.text)
            if response.status_code in (400, 401, 403):
                error.kind = "auth"
            raise error
        token = response.json().get("token") if response.content else None
        if not isinstance(token, str) or not token:
            raise WhaticketError("temporary", "Whaticket login answered without a token")
        return token


def _seconds_left(token: str) -> int:
    """Seconds until the JWT's `exp` (we only read it; Whaticket verifies it)."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return 0
    exp = claims.get("exp")
    return int(exp - time.time()) if isinstance(exp, int | float) else 0
