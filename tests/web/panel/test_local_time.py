"""Every time the panel shows is in the company's time zone, written dd/mm HH:MM."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.conversations.models import Conversation, Message
from tests.support import factories
from tests.support.factories import Cast
from tests.support.panel import HTMX, log_in

SAID_AT = datetime(2026, 3, 10, 13, 5, tzinfo=UTC)  # 10:05 in São Paulo, 22:05 in Tokyo


async def test_conversation_times_are_in_the_company_zone(
    client: Any, engine: AsyncEngine, cast: Cast, conversation: int
) -> None:
    a = cast.a.company.id
    await factories.change(engine, Message, tenant=a, received_at=SAID_AT)
    await factories.change(engine, Conversation, tenant=a, last_message_at=SAID_AT)
    await factories.change_company(engine, a, timezone="America/Sao_Paulo")
    await log_in(client, cast.member, cast.password)
    page = await (await client.get(f"/painel/conversas/{conversation}")).get_data(as_text=True)
    assert "10/03 10:05" in page and "13:05" not in page  # the list and the thread

    await factories.change_company(engine, a, timezone="Asia/Tokyo")
    client.app.extensions["services"].directory.forget()
    thread = await client.get(f"/painel/conversas/{conversation}?part=thread", headers=HTMX)
    assert "10/03 22:05" in await thread.get_data(as_text=True)


async def test_the_week_grid_names_the_zone_as_people_say_it(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    a = cast.a.company.id
    await factories.configure(engine, a, agenda={"local": True})
    await log_in(client, cast.member, cast.password)
    for zone, said in (
        ("America/Sao_Paulo", "horário de Brasília"),
        ("America/Manaus", "horário do Amazonas"),
        ("Asia/Tokyo", "horário de Tokyo"),
    ):
        await factories.change_company(engine, a, timezone=zone)
        client.app.extensions["services"].directory.forget()
        page = await (await client.get("/painel/agenda/semana")).get_data(as_text=True)
        assert said in page and zone not in page, zone
