"""Agenda tab (G4): appointments by day and week, filters, manual booking, live token."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.agenda.models import Appointment, Reminder
from domain.conversations.models import Message
from domain.operations.models import AuditLog
from tests.support import factories, reads
from tests.support.clock import in_two_days, workday_at_ten
from tests.support.factories import Cast, configure
from tests.support.panel import HTMX, logged_in


async def test_an_operator_books_by_hand_and_sees_the_week(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    await configure(engine, cast.a.company.id, agenda={"local": True})
    headers = await logged_in(client, cast.member, cast.password, "/painel/agenda")
    form = {"name": "Maria Souza", "phone": "(11) 98888-7777", "start": workday_at_ten()}
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
    headers = await logged_in(client, cast.member, cast.password, "/painel/agenda")
    form = {"name": "Maria", "phone": "11988887777", "start": workday_at_ten()}
    body = await (await client.post("/painel/agenda", form=form, headers=headers)).get_data(
        as_text=True
    )
    assert "Agenda automática não configurada" in body


async def test_reminder_now_check_in_no_show_and_the_attendance_rate(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    """G5's "Enviar lembrete agora" and G6's check-in, no-show, presença and quick filters."""
    company_id = cast.a.company.id
    await configure(engine, company_id, agenda={"local": True})
    headers = await logged_in(client, cast.member, cast.password, "/painel/agenda")
    form = {"name": "Maria Souza", "phone": "11988887777", "start": workday_at_ten()}
    await client.post("/painel/agenda", form=form, headers=headers)
    page = await (await client.get("/painel/agenda")).get_data(as_text=True)
    [appointment_id] = re.findall(r"/painel/agenda/(\d+)/lembrete", page)
    assert "Chegou" not in page and "Faltou" not in page  # not yet: nothing to mark

    sent = await client.post(f"/painel/agenda/{appointment_id}/lembrete", headers=headers)
    assert "Lembrete enviado para Maria Souza" in await sent.get_data(as_text=True)
    reminder = Message.source == "reminder"
    [message] = await reads.rows(engine, Message, tenant=company_id, where=reminder)
    kind = await reads.value(engine, Reminder.kind, where=Reminder.status == "sent")
    assert "Lembrete do seu horário" in message.body and kind == "manual"
    again = await client.post(f"/painel/agenda/{appointment_id}/lembrete", headers=headers)
    assert "enviado há instantes" in await again.get_data(as_text=True)
    metrics_text = (await (await client.get("/metrics")).get_data()).decode()
    assert 'secretaria_appointment_reminders_sent_total{type="manual"} 1.0' in metrics_text

    # Two appointments that began hours ago (past the no-show grace): one arrives, one not.
    now = datetime.now(ZoneInfo("America/Sao_Paulo")).replace(microsecond=0)
    ids = []
    for n, phone in enumerate(("5511900000001", "5511900000002")):
        start = now - timedelta(hours=3) + timedelta(minutes=30 * n)
        ids.append(
            await factories.appointment(
                engine, company_id, start, cal_uid=f"t{n}", phone=phone, name=f"Cliente {n}"
            )
        )
    period = f"from={(now - timedelta(days=1)).date().isoformat()}&to={now.date().isoformat()}"
    today = await (await client.get(f"/painel/agenda?{period}")).get_data(as_text=True)
    assert "Chegou" in today and "Faltou" in today and "Presença no período: —" in today
    assert "hx-confirm=" in today  # both ask first
    arrived = await client.post(f"/painel/agenda/{ids[0]}/presenca?{period}", headers=headers)
    assert "Presença registrada" in await arrived.get_data(as_text=True)
    missed = await client.post(f"/painel/agenda/{ids[1]}/falta?{period}", headers=headers)
    body = await missed.get_data(as_text=True)
    assert (
        "Falta registrada" in body and "Presença no período: <strong>50%</strong> (1 de 2)" in body
    )
    statuses = await reads.values(
        engine, Appointment.status, tenant=company_id, where=Appointment.id.in_(ids)
    )
    actions = await reads.values(engine, AuditLog.action, tenant=company_id)
    missed_check = (Reminder.kind == "no_show", Reminder.appointment_id == ids[1])
    offer = await reads.value(engine, Reminder.status, where=missed_check)
    assert statuses == ["completed", "no_show"] and offer == "pending"  # sent by the dispatcher
    assert actions[-2:] == ["appointment.checked_in", "appointment.no_show"]

    no_shows = await (await client.get(f"/painel/agenda?status=no_show&{period}")).get_data(
        as_text=True
    )
    assert "Cliente 1" in no_shows and "Cliente 0" not in no_shows
    unconfirmed = await (await client.get("/painel/agenda?status=unconfirmed")).get_data(
        as_text=True
    )
    assert "Maria Souza" in unconfirmed and "Cliente 0" not in unconfirmed
    assert "Não confirmados" in unconfirmed and "No-show" in unconfirmed


async def test_a_meeting_link_is_shown_only_when_it_is_http_or_https(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    """Cal.com's meeting URL comes from outside: a `javascript:` one, stored as it came, must
    not become a link an operator could click."""
    company_id = cast.a.company.id
    await configure(engine, company_id, agenda={"local": True})
    start = in_two_days()
    links = {
        "Ana": "javascript:alert(document.cookie)",
        "Bia": "java\tscript:alert(1)",
        "Caio": "data:text/html,<script>alert(1)</script>",
        "Duda": "https://meet.example.com/abc-defg",
    }
    for name, url in links.items():
        await factories.appointment(
            engine, company_id, start, cal_uid=name, name=name, source="calcom", meeting_url=url
        )
    await logged_in(client, cast.member, cast.password, "/painel/agenda")
    for view in (
        await client.get("/painel/agenda"),
        await client.get("/painel/agenda", headers=HTMX),
    ):
        page = await view.get_data(as_text=True)
        assert "javascript:" not in page and "data:text/html" not in page
        assert re.findall(r'href="([^"]*meet[^"]*)"', page) == ["https://meet.example.com/abc-defg"]
