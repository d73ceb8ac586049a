"""Agenda tab (G4): appointments by day and week, filters, manual booking, live token."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import Cast
from tests.web.test_panel_auth import csrf, log_in

HTMX = {"HX-Request": "true"}


def tomorrow_at_ten() -> str:
    moment = datetime.now(ZoneInfo("America/Sao_Paulo")) + timedelta(days=1)
    return moment.replace(hour=10, minute=0).strftime("%Y-%m-%dT%H:%M")


async def local_agenda(engine: AsyncEngine, company_id: int) -> None:
    async with engine.begin() as conn:
        await conn.execute(
            text("UPDATE companies SET settings = CAST(:s AS jsonb) WHERE id = :id"),
            {"s": json.dumps({"agenda": {"local": True}}), "id": company_id},
        )


async def test_an_operator_books_by_hand_and_sees_the_week(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    await local_agenda(engine, cast.a.company.id)
    await log_in(client, cast.member, cast.password)
    headers = {**HTMX, "X-CSRF-Token": await csrf(client, "/painel/agenda")}
    form = {"name": "Maria Souza", "phone": "(11) 98888-7777", "start": tomorrow_at_ten()}
    booked = await (await client.post("/painel/agenda", form=form, headers=headers)).get_data(
        as_text=True
    )
    assert "Marcado para" in booked and "Maria Souza" in booked and "10:00–10:30" in booked
    page = await (await client.get("/painel/agenda")).get_data(as_text=True)
    assert "<html" in page and "Maria Souza" in page and "painel" in page and "marcado" in page
    token = re.search(r"token=([0-9.]+)", page).group(1)
    unchanged = await client.get(f"/painel/agenda?token={token}", headers=HTMX)
    assert unchanged.status_code == 204
    cancelled = await (await client.get("/painel/agenda?status=cancelled")).get_data(as_text=True)
    assert "Maria Souza" not in cancelled
    by_client = await (await client.get("/painel/agenda?client=Jo%C3%A3o")).get_data(as_text=True)
    assert "Nenhum agendamento" in by_client
    bad = await client.get("/painel/agenda?from=amanha")
    assert bad.status_code == 422


async def test_without_an_agenda_the_tab_says_so(client: Any, cast: Cast) -> None:
    await log_in(client, cast.member, cast.password)
    headers = {**HTMX, "X-CSRF-Token": await csrf(client, "/painel/agenda")}
    form = {"name": "Maria", "phone": "11988887777", "start": tomorrow_at_ten()}
    body = await (await client.post("/painel/agenda", form=form, headers=headers)).get_data(
        as_text=True
    )
    assert "Agenda automática não configurada" in body
