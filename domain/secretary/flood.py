"""Per-contact anti-flood (P8), atomic in Redis and idempotent per message.

A contact's messages are counted per window in a Redis set of message ids (so a retried job
does not count twice). Past the limit the messages are still stored and filed, never lost;
the customer is told once per window, and the bot stays quiet for the rest of it. The notice
promises nothing it will not do: the messages held back are not answered later (they are
there for the team in Conversas), so the customer is asked to write again in one message.
"""

from __future__ import annotations

from typing import Any

from redis.asyncio import Redis

FLOOD_NOTICE = (
    "Recebi várias mensagens suas em sequência e pausei as respostas automáticas por um "
    "minuto. Depois disso, me envie em uma única mensagem o que ainda precisa, que eu respondo."
)


async def forget_flood(redis: Redis, namespace: str, company_id: int, phone: str) -> None:
    """The contact's count starts again (the panel's Simulador, "Nova conversa")."""
    key = f"{namespace}:flood:{company_id}:{phone}"
    await redis.delete(key, f"{key}:told")


async def flood_check(
    redis: Any,
    namespace: str,
    company_id: int,
    phone: str,
    message_id: int,
    limit: int,
    window: int = 60,
) -> str:
    """ "ok" (answer normally), "notify" (first message over the limit: tell the customer) or
    "silent" (over the limit, already told)."""
    key = f"{namespace}:flood:{company_id}:{phone}"
    async with redis.pipeline(transaction=True) as pipe:
        pipe.sadd(key, message_id)
        pipe.scard(key)
        pipe.ttl(key)
        _, count, ttl = await pipe.execute()
    if ttl < 0:
        await redis.expire(key, window)  # the window starts with the contact's first message
    if count <= limit:
        return "ok"
    told = await redis.set(f"{key}:told", message_id, nx=True, ex=window)
    if told:
        return "notify"
    current = await redis.get(f"{key}:told")
    # The same message retried after it was the one that told: still "notify".
    return "notify" if current is not None and int(current) == message_id else "silent"
