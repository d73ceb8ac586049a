"""The one client of Gemini (P4), through Google's async `google-genai` SDK.

Each call has a timeout; transient failures (429, 5xx, timeouts, connection errors) are
retried with exponential jitter (tenacity); a circuit breaker per endpoint and key opens
after repeated failures, so a broken Gemini costs one fast "unavailable" per message instead
of a timeout, and lets one probe through after a cool-down (half-open). Callers fall back to
the offline responder on `LLMUnavailable`.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import httpx
from google import genai
from google.genai import errors, types
from tenacity import (
    AsyncRetrying,
    retry_if_exception,
    stop_after_attempt,
    wait_random_exponential,
)


@dataclass(frozen=True)
class GeminiConfig:
    api_key: str | None
    model: str
    base_url: str | None = None
    timeout_seconds: float = 20.0

    @property
    def configured(self) -> bool:
        return bool(self.api_key and self.model)


@dataclass(frozen=True)
class LLMReply:
    text: str
    prompt_tokens: int
    output_tokens: int
    latency_ms: int


class LLMUnavailable(Exception):
    """No answer from the model: not configured, circuit open, or failed after retries."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class CircuitBreaker:
    """closed -> open after `threshold` consecutive failures -> half-open after `cooldown`
    seconds (one probe) -> closed on success, open again on failure."""

    threshold: int = 5
    cooldown: float = 30.0
    failures: int = 0
    opened_at: float | None = None
    probing: bool = False
    clock: object = field(default=time.monotonic, repr=False)

    @property
    def state(self) -> str:
        if self.opened_at is None:
            return "closed"
        return "half_open" if self._now() - self.opened_at >= self.cooldown else "open"

    def allow(self) -> bool:
        state = self.state
        if state == "closed":
            return True
        if state == "half_open" and not self.probing:
            self.probing = True  # exactly one probe at a time
            return True
        return False

    def success(self) -> None:
        self.failures, self.opened_at, self.probing = 0, None, False

    def failure(self) -> None:
        self.failures += 1
        if self.probing or self.failures >= self.threshold:
            self.opened_at, self.probing = self._now(), False

    def _now(self) -> float:
        return self.clock()  # type: ignore[operator,no-any-return]


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, errors.APIError):
        return exc.code == 429 or (exc.code or 0) >= 500
    return isinstance(exc, httpx.TransportError | asyncio.TimeoutError)


class GeminiClient:
    """One per process; SDK clients and breakers are kept per (endpoint, key)."""

    def __init__(self, attempts: int = 3, max_wait: float = 2.0) -> None:
        self._attempts, self._max_wait = attempts, max_wait
        self._clients: dict[tuple[str | None, str], genai.Client] = {}
        self.breakers: dict[tuple[str | None, str], CircuitBreaker] = {}

    async def generate(
        self, config: GeminiConfig, system: str, turns: list[tuple[str, str]], max_tokens: int
    ) -> LLMReply:
        """`turns` are (role, text) with role "user" or "model", oldest first."""
        if not config.configured or not config.api_key:
            raise LLMUnavailable("not_configured")
        key = (config.base_url, config.api_key)
        breaker = self.breakers.setdefault(key, CircuitBreaker())
        if not breaker.allow():
            raise LLMUnavailable("circuit_open")
        started = time.perf_counter()
        try:
            response = await self._call(config, system, turns, max_tokens)
        except Exception as exc:
            breaker.failure()
            raise LLMUnavailable(f"{type(exc).__name__}: {exc}"[:300]) from exc
        breaker.success()
        usage = response.usage_metadata
        return LLMReply(
            text=(response.text or "").strip(),
            prompt_tokens=(usage.prompt_token_count or 0) if usage else 0,
            output_tokens=(usage.candidates_token_count or 0) if usage else 0,
            latency_ms=int((time.perf_counter() - started) * 1000),
        )

    async def _call(
        self, config: GeminiConfig, system: str, turns: list[tuple[str, str]], max_tokens: int
    ) -> types.GenerateContentResponse:
        client = self._client(config)
        contents = [types.Content(role=role, parts=[types.Part(text=text)]) for role, text in turns]
        settings = types.GenerateContentConfig(
            system_instruction=system, temperature=0.4, max_output_tokens=max_tokens
        )
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self._attempts),
            wait=wait_random_exponential(multiplier=0.25, max=self._max_wait),
            retry=retry_if_exception(is_transient),
            reraise=True,  # the caller sees the last real error, not tenacity's wrapper
        )

        async def once() -> types.GenerateContentResponse:
            return await asyncio.wait_for(
                client.aio.models.generate_content(
                    model=config.model, contents=contents, config=settings
                ),
                config.timeout_seconds,
            )

        return await retrying(once)

    def _client(self, config: GeminiConfig) -> genai.Client:
        key = (config.base_url, config.api_key or "")
        if key not in self._clients:
            options = types.HttpOptions(timeout=int(config.timeout_seconds * 1000))
            if config.base_url:
                options.base_url = config.base_url
            self._clients[key] = genai.Client(api_key=config.api_key, http_options=options)
        return self._clients[key]
