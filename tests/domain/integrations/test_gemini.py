"""The Gemini client: the real google-genai SDK against a fake Gemini over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from domain.integrations.gemini import (
    CircuitBreaker,
    GeminiClient,
    GeminiConfig,
    LLMUnavailable,
)
from tests.fakes.gemini import FakeGemini
from tests.fakes.server import LocalServer


@pytest.fixture
async def gemini() -> AsyncIterator[tuple[FakeGemini, GeminiConfig]]:
    fake = FakeGemini()
    async with LocalServer(fake.app()) as url:
        yield (
            fake,
            GeminiConfig(
                api_key="k-test", model="gemini-2.5-flash", base_url=url, timeout_seconds=2
            ),
        )


async def test_generates_with_system_prompt_history_and_token_counts(gemini: tuple) -> None:
    fake, config = gemini
    reply = await GeminiClient().generate(
        config,
        "Você é a secretária.",
        [("user", "oi"), ("model", "Olá!"), ("user", "agenda?")],
        200,
    )
    assert reply.text == fake.reply
    assert (reply.prompt_tokens, reply.output_tokens) == (120, 30)
    [request] = fake.requests
    assert request["key"] == "k-test"
    assert request["systemInstruction"]["parts"][0]["text"] == "Você é a secretária."
    assert [c["role"] for c in request["contents"]] == ["user", "model", "user"]
    assert request["generationConfig"]["maxOutputTokens"] == 200


async def test_transient_errors_are_retried(gemini: tuple) -> None:
    fake, config = gemini
    fake.script += [(503, "overloaded"), (429, "quota")]
    reply = await GeminiClient(attempts=3, max_wait=0.05).generate(
        config, "s", [("user", "oi")], 50
    )
    assert reply.text == fake.reply and len(fake.requests) == 3


async def test_client_errors_are_not_retried(gemini: tuple) -> None:
    fake, config = gemini
    fake.script.append((400, "bad request"))
    with pytest.raises(LLMUnavailable):
        await GeminiClient(attempts=3, max_wait=0.05).generate(config, "s", [("user", "oi")], 50)
    assert len(fake.requests) == 1


async def test_timeout_is_a_failure(gemini: tuple) -> None:
    fake, config = gemini
    fake.delay = 1.0
    slow = GeminiConfig(config.api_key, config.model, config.base_url, timeout_seconds=0.2)
    with pytest.raises(LLMUnavailable):
        await GeminiClient(attempts=1).generate(slow, "s", [("user", "oi")], 50)


async def test_breaker_opens_after_repeated_failures_and_probes_after_cooldown(
    gemini: tuple,
) -> None:
    fake, config = gemini
    now = [0.0]
    client = GeminiClient(attempts=1)
    key = (config.base_url, config.api_key)
    client.breakers[key] = CircuitBreaker(threshold=3, cooldown=30, clock=lambda: now[0])
    fake.script += [(500, "down")] * 3
    for _ in range(3):
        with pytest.raises(LLMUnavailable):
            await client.generate(config, "s", [("user", "oi")], 50)
    with pytest.raises(LLMUnavailable) as raised:
        await client.generate(config, "s", [("user", "oi")], 50)
    assert raised.value.reason == "circuit_open" and len(fake.requests) == 3  # no call made
    now[0] = 31.0  # half-open: one probe goes through, succeeds, closes the breaker
    assert (await client.generate(config, "s", [("user", "oi")], 50)).text == fake.reply
    assert client.breakers[key].state == "closed"


def test_half_open_probe_failure_opens_again() -> None:
    now = [0.0]
    breaker = CircuitBreaker(threshold=1, cooldown=10, clock=lambda: now[0])
    breaker.failure()
    assert breaker.state == "open" and not breaker.allow()
    now[0] = 10.0
    assert breaker.allow() and not breaker.allow()  # exactly one probe
    breaker.failure()
    assert breaker.state == "open"


async def test_not_configured_is_unavailable() -> None:
    with pytest.raises(LLMUnavailable) as raised:
        await GeminiClient().generate(GeminiConfig(None, "m"), "s", [("user", "oi")], 50)
    assert raised.value.reason == "not_configured"
