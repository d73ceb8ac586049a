"""Short-term memory in Redis, history in PostgreSQL, and the contact profile in the prompt."""

from __future__ import annotations

from typing import Any

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.conversations.models import Contact
from domain.secretary.memory import Memory, Turn
from domain.settings import Settings
from tests.fakes.gemini import FakeGemini
from tests.support import reads
from tests.support.chat import customer_writes, replies
from tests.support.waiting import eventually

PHONE = "5511999999999"


def texts(request: dict[str, Any]) -> list[str]:
    return [c["parts"][0]["text"] for c in request["contents"]]


async def test_turns_are_remembered_in_redis_with_a_ttl(
    client: Any,
    acme_on_gemini: Any,
    engine: AsyncEngine,
    redis: Redis,
    settings: Settings,
    worker: Any,
    gemini: FakeGemini,
) -> None:
    acme = acme_on_gemini
    await customer_writes(client, "m1", "Tem horário na quinta?")
    await eventually(lambda: replies(engine, acme.company.id, 1))
    key = f"{settings.redis_namespace}:memory:{acme.company.id}:{PHONE}"
    assert 0 < await redis.ttl(key) <= settings.memory_ttl_seconds
    memory = Memory(redis, settings.redis_namespace, settings.memory_turns, 60)
    remembered = await memory.recall(acme.company.id, PHONE)
    assert [(t.role, t.text) for t in remembered] == [
        ("user", "Tem horário na quinta?"),
        ("model", gemini.reply),
    ]
    assert remembered[0].intent == "schedule" and remembered[1].source == "llm"


async def test_lost_memory_is_rebuilt_from_postgresql(
    client: Any,
    acme_on_gemini: Any,
    engine: AsyncEngine,
    redis: Redis,
    settings: Settings,
    worker: Any,
    gemini: FakeGemini,
) -> None:
    acme = acme_on_gemini
    await customer_writes(client, "p1", "Tem horário na quinta?")
    await eventually(lambda: replies(engine, acme.company.id, 1))
    await redis.delete(f"{settings.redis_namespace}:memory:{acme.company.id}:{PHONE}")
    await customer_writes(client, "p2", "Pode ser de manhã")
    await eventually(lambda: replies(engine, acme.company.id, 2))
    assert texts(gemini.requests[1]) == [
        "Tem horário na quinta?",
        gemini.reply,
        "Pode ser de manhã",
    ]


async def test_memory_keeps_the_last_turns_once_each(redis: Redis, settings: Settings) -> None:
    memory = Memory(redis, settings.redis_namespace, turns=4, ttl_seconds=60)
    for i in range(1, 7):
        await memory.remember(1, PHONE, Turn(i, "user", f"m{i}"))
    await memory.remember(1, PHONE, Turn(6, "user", "m6"))  # a retried job writes again
    recalled = await memory.recall(1, PHONE)
    assert [t.text for t in recalled] == ["m3", "m4", "m5", "m6"]
    assert await memory.recall(2, PHONE) is None  # another company's contact: nothing


async def test_the_prompt_knows_the_customer_from_the_profile(
    client: Any, acme_on_gemini: Any, engine: AsyncEngine, worker: Any, gemini: FakeGemini
) -> None:
    acme = acme_on_gemini
    await customer_writes(client, "q1", "vc tem horario pra consulta na quinta de manha?")
    await eventually(lambda: replies(engine, acme.company.id, 1))
    await customer_writes(client, "q2", "quero agendar uma consulta blz")
    await eventually(lambda: replies(engine, acme.company.id, 2))
    system = gemini.requests[1]["systemInstruction"]["parts"][0]["text"]
    assert "Maria Souza" in system
    assert "agendamento (1x)" in system  # learnt from the first message
    assert "às quintas" in system and "manhã" in system and "tom leve" in system
    profile = await reads.value(engine, Contact.profile, tenant=acme.company.id)
    assert profile["topics"] == {"schedule": 2}
    assert profile["messages"] == 2
