"""Agenda tab: typed phones become E.164, a taken or closed time is explained and booked only
on "Agendar mesmo assim", "Chegou" and "Faltou" only in their windows (else 409), edit,
reschedule and cancel from the list, and the week as a calendar grid."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.agenda.models import Appointment, Reminder
from tests.support import factories, reads
from tests.support.clock import workday_at
from tests.support.factories import Cast, configure
from tests.support.panel import HTMX, csrf, logged_in

SP = ZoneInfo("America/Sao_Paulo")


def field(moment: datetime) -> str:
    return moment.astimezone(SP).strftime("%Y-%m-%dT%H:%M")


async def text(response: Any) -> str:
    return str(await response.get_data(as_text=True))


async def test_a_typed_phone_is_saved_in_e164_and_an_impossible_one_refused(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    company_id = cast.a.company.id
    await configure(engine, company_id, agenda={"local": True})
    headers = await logged_in(client, cast.member, cast.password, "/painel/agenda")
    form = {"name": "Maria Souza", "phone": "11 98888-7777", "start": field(workday_at(10))}
    booked = await text(await client.post("/painel/agenda", form=form, headers=headers))
    assert "+55 11 98888-7777" in booked
    assert await reads.values(engine, Appointment.phone, tenant=company_id) == ["5511988887777"]

    htmx = {**headers, **HTMX}
    wrong = await client.post("/painel/agenda", form={**form, "phone": "11 1234"}, headers=htmx)
    body = await text(wrong)
    assert wrong.status_code == 422 and "Telefone inválido" in body and 'data-field="phone"' in body
    nameless = await client.post("/painel/agenda", form={**form, "name": " "}, headers=headers)
    assert nameless.status_code == 422 and "nome do cliente" in await text(nameless)
    assert len(await reads.values(engine, Appointment.id, tenant=company_id)) == 1


async def test_a_double_booking_is_explained_then_made_on_the_operators_word(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    company_id = cast.a.company.id
    await configure(engine, company_id, agenda={"local": True})
    headers = await logged_in(client, cast.member, cast.password, "/painel/agenda")
    nine = field(workday_at(9))
    await client.post(
        "/painel/agenda",
        form={"name": "Ana", "phone": "11 98888-7777", "start": nine},
        headers=headers,
    )
    second = {"name": "Bia", "phone": "11 97777-6666", "start": nine}
    refused = await text(await client.post("/painel/agenda", form=second, headers=headers))
    assert "Já existe um agendamento às 09:00 (Ana)" in refused
    assert "Agendar mesmo assim" in refused
    assert await reads.values(engine, Appointment.name, tenant=company_id) == ["Ana"]

    anyway = {**second, "override": "on"}
    made = await text(await client.post("/painel/agenda", form=anyway, headers=headers))
    assert "Marcado para" in made and "encaixe" in made
    names = await reads.values(engine, Appointment.name, tenant=company_id)
    assert sorted(names) == ["Ana", "Bia"]


async def test_a_closed_day_is_refused_with_its_reason_unless_overridden(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    await configure(engine, cast.a.company.id, agenda={"local": True})
    headers = await logged_in(client, cast.member, cast.password, "/painel/agenda")
    monday = workday_at(10)
    sunday = monday + timedelta(days=6 - monday.weekday())
    form = {"name": "Ana", "phone": "11 98888-7777", "start": field(sunday)}
    refused = await text(await client.post("/painel/agenda", form=form, headers=headers))
    assert "Horário fechado: domingo é dia fechado" in refused
    made = await client.post("/painel/agenda", form={**form, "override": "on"}, headers=headers)
    assert "Marcado para" in await text(made)


async def test_no_show_and_check_in_wait_for_their_time(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    company_id = cast.a.company.id
    await configure(engine, company_id, agenda={"local": True})
    headers = await logged_in(client, cast.member, cast.password, "/painel/agenda")
    now = datetime.now(SP)
    soon = await factories.appointment(
        engine, company_id, now + timedelta(hours=2), cal_uid="soon", name="Ana"
    )
    started = await factories.appointment(
        engine, company_id, now + timedelta(minutes=10), cal_uid="near", name="Bia",
        phone="5511900000002",
    )  # fmt: skip
    period = f"from={(now - timedelta(days=1)).date()}&to={(now + timedelta(days=1)).date()}"
    page = await text(await client.get(f"/painel/agenda?{period}"))
    assert "Faltou" not in page
    assert len(re.findall(r"/presenca", page)) == 1  # Bia, ten minutes away: check-in opens

    early = await client.post(f"/painel/agenda/{soon}/falta", headers=headers)
    assert early.status_code == 409 and "Ainda é cedo para marcar falta" in await text(early)
    too_soon = await client.post(f"/painel/agenda/{soon}/presenca", headers=headers)
    assert too_soon.status_code == 409 and "check-in abre 30 minutos" in await text(too_soon)
    statuses = await reads.values(engine, Appointment.status, tenant=company_id)
    assert statuses == ["scheduled", "scheduled"]
    offers = await reads.values(engine, Reminder.id, where=Reminder.kind == "no_show")
    assert offers == []  # no "Sentimos sua falta…" on its way
    arrived = await client.post(f"/painel/agenda/{started}/presenca?{period}", headers=headers)
    assert "Presença registrada" in await text(arrived)


async def test_edit_reschedule_and_cancel_from_the_agenda(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    company_id = cast.a.company.id
    await configure(engine, company_id, agenda={"local": True})
    headers = await logged_in(client, cast.member, cast.password, "/painel/agenda")
    start = workday_at(10, after=2)
    form = {"name": "Ana", "phone": "11 98888-7777", "start": field(start)}
    await client.post("/painel/agenda", form=form, headers=headers)
    [first] = await reads.values(engine, Appointment.id, tenant=company_id)
    edit_page = await text(await client.get(f"/painel/agenda/{first}/editar"))
    assert 'value="Ana"' in edit_page and 'value="+55 11 98888-7777"' in edit_page
    token = await csrf(client, f"/painel/agenda/{first}/editar")

    edited = {**form, "name": "Ana Lima", "notes": "primeira consulta", "csrf_token": token}
    saved = await client.post(f"/painel/agenda/{first}/editar", form=edited)
    assert saved.status_code == 303 and "feito=editado" in saved.headers["Location"]
    listing = await text(await client.get(saved.headers["Location"]))
    assert (
        "Alterações salvas" in listing and "Ana Lima" in listing and "primeira consulta" in listing
    )

    # A time that is taken keeps the form as typed and says why (409).
    taken = workday_at(15, after=2)
    await factories.appointment(engine, company_id, taken, cal_uid="local-x", name="Caio")
    clash = await client.post(
        f"/painel/agenda/{first}/editar", form={**edited, "start": field(taken)}
    )
    clash_page = await text(clash)
    assert clash.status_code == 409 and "Já existe um agendamento às 15:00 (Caio)" in clash_page
    assert f'value="{field(taken)}"' in clash_page

    later = workday_at(14, after=3)
    moved = await client.post(
        f"/painel/agenda/{first}/editar", form={**edited, "start": field(later)}
    )
    assert moved.status_code == 303 and "feito=remarcado" in moved.headers["Location"]
    assert "os lembretes seguem o novo horário" in await text(
        await client.get(moved.headers["Location"])
    )
    rows = await reads.rows(
        engine, Appointment, tenant=company_id, where=Appointment.name == "Ana Lima"
    )
    assert sorted(r.status for r in rows) == ["rescheduled", "scheduled"]
    [new] = [r for r in rows if r.status == "scheduled"]
    assert new.start_at == later and new.notes == "primeira consulta"

    ask = await text(await client.get(f"/painel/agenda/{new.id}/cancelar"))
    assert "Cancelar o horário de <strong>Ana Lima</strong>" in ask and "Sim, cancelar" in ask
    token = await csrf(client, f"/painel/agenda/{new.id}/cancelar")
    done = await client.post(
        f"/painel/agenda/{new.id}/cancelar", form={"csrf_token": token, "reason": "viagem"}
    )
    assert done.status_code == 303
    assert "Agendamento cancelado" in await text(await client.get(done.headers["Location"]))
    pending = (Reminder.company_id == company_id, Reminder.status == "pending")
    assert await reads.values(engine, Reminder.id, where=pending) == []
    again = await client.post(
        f"/painel/agenda/{new.id}/cancelar", form={"csrf_token": token}, headers=HTMX
    )
    assert again.status_code == 409 and "já foi cancelado" in await text(again)
    missing = await client.get("/painel/agenda/999999/editar")
    assert missing.status_code == 404


async def test_the_week_as_a_calendar_grid(client: Any, engine: AsyncEngine, cast: Cast) -> None:
    company_id = cast.a.company.id
    await configure(engine, company_id, agenda={"local": True})
    await logged_in(client, cast.member, cast.password, "/painel/agenda")
    today = datetime.now(SP).date()
    monday = today - timedelta(days=today.weekday())
    at = datetime.combine(monday + timedelta(days=2), datetime.min.time(), SP).replace(
        hour=9, minute=30
    )
    await factories.appointment(engine, company_id, at, cal_uid="w1", name="Zuleica Prado")
    await factories.appointment(
        engine,
        company_id,
        at + timedelta(days=1),
        cal_uid="w2",
        name="Yara Bento",
        status="cancelled",
    )
    page = await text(await client.get("/painel/agenda/semana"))
    cell = re.search(rf'data-day="{at.date().isoformat()}" data-hour="9">(.*?)</td>', page, re.S)
    assert cell and "09:30" in cell.group(1) and "Zuleica Prado" in cell.group(1)
    assert "Yara Bento" not in page  # cancelled: only in the list
    assert 'aria-current="date"' in page and "hoje" in page
    assert f"de={(monday - timedelta(days=7)).isoformat()}" in page
    assert f"de={(monday + timedelta(days=7)).isoformat()}" in page
    assert "08:00" in page and "17:00" in page and "segunda" in page and "domingo" in page
    nxt = await text(await client.get(f"/painel/agenda/semana?de={monday + timedelta(days=7)}"))
    assert 'aria-current="date"' not in nxt and "Zuleica Prado" not in nxt
    bad = await client.get("/painel/agenda/semana?de=ontem")
    assert bad.status_code == 422


async def test_a_time_already_begun_is_refused_on_data_e_hora(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    """Booked in the past, the customer would be told at once that they missed it."""
    company_id = cast.a.company.id
    await configure(engine, company_id, agenda={"local": True})
    headers = await logged_in(client, cast.member, cast.password, "/painel/agenda")
    past = datetime.now(SP) - timedelta(hours=2)
    form = {"name": "Rita", "phone": "11 96666-5555", "start": field(past)}
    for override in ({}, {"override": "on"}):
        refused = await client.post("/painel/agenda", form={**form, **override}, headers=headers)
        body = await text(refused)
        assert refused.status_code == 422 and "Data e hora: este horário já passou" in body
        assert 'data-field="start"' in body
    token = await csrf(client, "/painel/agenda")  # without htmx: the agenda page says it
    plain = await client.post("/painel/agenda", form={**form, "csrf_token": token})
    body = await text(plain)
    assert plain.status_code == 422 and "este horário já passou" in body and 'id="ap-start"' in body
    assert await reads.values(engine, Appointment.id, tenant=company_id) == []
    assert await reads.values(engine, Reminder.id, where=Reminder.company_id == company_id) == []

    start = workday_at(10, after=2)
    booked = await client.post(
        "/painel/agenda", form={**form, "start": field(start)}, headers=headers
    )
    assert "Marcado para" in await text(booked)
    [first] = await reads.values(engine, Appointment.id, tenant=company_id)
    token = await csrf(client, f"/painel/agenda/{first}/editar")
    moved = await client.post(f"/painel/agenda/{first}/editar", form={**form, "csrf_token": token})
    assert moved.status_code == 422 and "este horário já passou" in await text(moved)


async def test_a_refused_edit_keeps_the_form_as_typed_in_the_panel(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    company_id = cast.a.company.id
    await configure(engine, company_id, agenda={"local": True})
    headers = await logged_in(client, cast.member, cast.password, "/painel/agenda")
    start = workday_at(10, after=2)
    form = {"name": "Ana", "phone": "11 98888-7777", "start": field(start)}
    await client.post("/painel/agenda", form=form, headers=headers)
    [first] = await reads.values(engine, Appointment.id, tenant=company_id)
    token = await csrf(client, f"/painel/agenda/{first}/editar")
    typed = {
        **form,
        "name": "Ana Lima",
        "phone": "11 1234",
        "notes": "alergia",
        "csrf_token": token,
    }
    refused = await client.post(f"/painel/agenda/{first}/editar", form=typed)
    page = await text(refused)
    assert refused.status_code == 422 and "Telefone inválido" in page
    assert 'value="Ana Lima"' in page and 'value="11 1234"' in page and "alergia" in page
    assert 'id="panel-toast"' in page and "Dados inválidos" not in page  # the panel's layout
    assert await reads.values(engine, Appointment.name, tenant=company_id) == ["Ana"]


async def test_a_refusal_in_novo_agendamento_replaces_the_last_one(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    """Every refusal of the form is the one message area's (the toast): a closed day, then a
    bad phone, never the first left on screen beside the second."""
    await configure(engine, cast.a.company.id, agenda={"local": True})
    headers = {**await logged_in(client, cast.member, cast.password, "/painel/agenda"), **HTMX}
    monday = workday_at(10)
    sunday = monday + timedelta(days=6 - monday.weekday())
    form = {"name": "Ana", "phone": "11 98888-7777", "start": field(sunday)}
    closed = await client.post("/painel/agenda", form=form, headers=headers)
    body = await text(closed)
    assert closed.status_code == 409 and "data-panel-error" in body
    assert "Horário fechado: domingo é dia fechado" in body and 'id="agenda-list"' not in body
    wrong = await client.post("/painel/agenda", form={**form, "phone": "1"}, headers=headers)
    assert wrong.status_code == 422 and "data-panel-error" in await text(wrong)


async def test_a_simulator_booking_is_marked_and_never_reminded(
    client: Any, engine: AsyncEngine, cast: Cast
) -> None:
    company_id = cast.a.company.id
    await configure(engine, company_id, agenda={"local": True})
    headers = await logged_in(client, cast.member, cast.password, "/painel/agenda")
    start = workday_at(10, after=2)
    simulated = await factories.appointment(
        engine, company_id, start, cal_uid="local-sim-1", phone="sim2", name="Joao da Silva",
        source="chat", simulated=True,
    )  # fmt: skip
    period = f"from={start.astimezone(SP).date()}&to={start.astimezone(SP).date()}"
    page = await text(await client.get(f"/painel/agenda?{period}"))
    assert "simulação" in page and "+sim2" not in page and "Enviar lembrete agora" not in page
    sent = await client.post(f"/painel/agenda/{simulated}/lembrete", headers=headers)
    assert "Lembrete enviado" not in await text(sent)
    assert "Simulador" in await text(sent)
    assert await reads.values(engine, Reminder.id, where=Reminder.company_id == company_id) == []
    token = await csrf(client, f"/painel/agenda/{simulated}/editar")
    form = {"name": "Joao S.", "phone": "Simulador", "start": field(start), "csrf_token": token}
    edited = await client.post(f"/painel/agenda/{simulated}/editar", form=form)
    assert edited.status_code == 303
    assert await reads.values(engine, Appointment.phone, tenant=company_id) == ["sim2"]
    # Its time is still free for a real customer, without "Agendar mesmo assim".
    form = {"name": "Rita", "phone": "11 96666-5555", "start": field(start)}
    made = await text(await client.post("/painel/agenda", form=form, headers=headers))
    assert "Marcado para" in made
