"""Answers to a reminder, through the webhook and the real inbound job: a "sim" confirms, a
"remarcar" offers fresh times and reschedules (in the local calendar or in Cal.com), and
anything else, or a "sim" with no recent reminder, is just a message."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.agenda.models import Appointment, Reminder
from domain.operations.models import AuditLog
from domain.settings import Settings
from tests.support import factories
from tests.support.agenda import Clinic, on_cal_com
from tests.support.chat import MARIA, Chat
from tests.support.clock import in_two_days, on_the_hour
from tests.support.factories import MakeCompany, change


async def reminded(clinic: Clinic, start: datetime) -> None:
    """Maria (`chat.MARIA`) has an appointment and got its 24h reminder."""
    await clinic.book(start, phone=MARIA)
    # The dispatcher's clock is the real one here: the reminder is "sent" now.
    mine = (Reminder.kind == "24h", Reminder.company_id == clinic.id)
    await change(clinic.engine, Reminder, *mine, due_at=func.now())
    assert (await clinic.dispatch(datetime.now(UTC))).sent_kinds == {"24h": 1}


@pytest.mark.parametrize("answer", ["1", "sim", "Confirmo", "pode confirmar", "Sim, estarei lá"])
async def test_answers_that_confirm(client: Any, clinic: Clinic, answer: str) -> None:
    chat = clinic.chat(client)
    start = on_the_hour()
    await reminded(clinic, start)
    reply = await chat.say(answer)
    assert "está confirmada" in reply
    [row] = await clinic.rows(Appointment)
    assert row.status == "confirmed" and row.confirmed_at is not None
    audit = await clinic.rows(AuditLog)
    assert [(a.actor, a.action) for a in audit] == [("cliente (WhatsApp)", "appointment.confirmed")]
    again = await chat.say("ok")
    assert "já está confirmado" in again
    metrics_text = (await (await client.get("/metrics")).get_data()).decode()
    assert "secretaria_appointment_confirmations_total 1.0" in metrics_text
    assert "secretaria_appointments_confirmed_total 1.0" in metrics_text
    assert 'secretaria_appointment_reminders_sent_total{type="24h"} 1.0' in metrics_text


@pytest.mark.parametrize("answer", ["2", "remarcar", "Não vou poder ir", "preciso reagendar"])
async def test_answers_that_reschedule_offer_fresh_times(
    client: Any, clinic: Clinic, answer: str
) -> None:
    chat = clinic.chat(client)
    start = on_the_hour()
    await reminded(clinic, start)
    offer = await chat.say(answer)
    assert "Seu horário atual é" in offer and "\n1. " in offer
    [row] = await clinic.rows(Appointment)
    assert row.status == "scheduled"


async def test_a_reminder_answer_reschedules_to_a_new_booking(client: Any, clinic: Clinic) -> None:
    chat = clinic.chat(client)
    start = on_the_hour()
    await reminded(clinic, start)
    await chat.say("2")
    ask = await chat.say("1")
    assert ask.startswith("Confirma a troca de")
    assert (await chat.say("sim")).startswith("Remarcado!")
    rows = await clinic.rows(Appointment)
    assert [r.status for r in rows] == ["rescheduled", "scheduled"]
    assert rows[0].rescheduled_to_uid == rows[1].cal_uid != rows[0].cal_uid
    assert rows[1].rescheduled_from_uid == rows[0].cal_uid
    audit = await clinic.rows(AuditLog)
    assert [a.action for a in audit] == ["appointment.rescheduled"]
    pending = [r for r in await clinic.reminders() if r.status == "pending"]
    assert {r.appointment_id for r in pending} == {2}  # only the new appointment's
    metrics_text = (await (await client.get("/metrics")).get_data()).decode()
    assert "secretaria_appointment_reschedules_total 1.0" in metrics_text


async def test_without_a_recent_reminder_a_yes_is_just_a_message(
    client: Any, clinic: Clinic
) -> None:
    chat = clinic.chat(client)
    await clinic.book(on_the_hour(), phone=MARIA)
    reply = await chat.say("sim")
    assert "confirmada" not in reply
    [row] = await clinic.rows(Appointment)
    assert row.status == "scheduled"


async def test_a_yes_to_the_no_show_offer_shows_free_times(client: Any, clinic: Clinic) -> None:
    chat = clinic.chat(client)
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
    # Booked earlier, missed.
    missed = await factories.appointment(
        clinic.engine, clinic.id, start, cal_uid="local-x", phone=MARIA, name="Maria", source="chat",
        created_at=start - timedelta(days=1),
    )  # fmt: skip
    await factories.reminder(
        clinic.engine,
        clinic.id,
        missed,
        "no_show",
        starts_at=start,
        due_at=start + timedelta(hours=1),
    )
    assert (await clinic.dispatch(datetime.now(UTC))).no_shows == 1
    offer = await chat.say("sim")
    assert "Tenho estes horários livres" in offer
    metrics_text = (await (await client.get("/metrics")).get_data()).decode()
    assert "secretaria_appointment_no_show_total 1.0" in metrics_text


@pytest.mark.parametrize(
    "words",
    [
        "Ok, pode cancelar",
        "Sim, quero cancelar",
        "1 dúvida: posso levar meu filho?",
        "Confirma o endereço pra mim?",
        "certo, mas não vou",
        "2 pessoas vão",
    ],
)
async def test_answers_that_are_not_confirmations(client: Any, clinic: Clinic, words: str) -> None:
    chat = clinic.chat(client)
    await reminded(clinic, on_the_hour())
    await chat.say(words)
    [row] = await clinic.rows(Appointment)
    assert row.status == "scheduled"


async def test_a_reminder_answer_reschedules_in_cal_com_with_fresh_availability(
    client: Any, make_company: MakeCompany, engine: AsyncEngine, settings: Settings
) -> None:
    start = in_two_days()
    later = start + timedelta(hours=3)
    async with on_cal_com(make_company, engine, settings, {start}) as (acme, ctx, fake):
        chat = Chat(client, engine, ctx, acme)
        await chat.say("quero agendar")
        assert "Pronto, Maria!" in await chat.say("1")
        clinic = Clinic(engine, settings, acme)
        await change(engine, Reminder, Reminder.kind == "24h", due_at=func.now())
        assert (await clinic.dispatch(datetime.now(UTC))).sent_kinds == {"24h": 1}
        fake.free.add(later)  # a time freed since the booking: availability is asked again
        offer = await chat.say("não vou poder")
        assert "Seu horário atual é" in offer and "1. " in offer
        assert (await chat.say("1")).startswith("Confirma a troca")
        assert (await chat.say("sim")).startswith("Remarcado!")
        rows = await clinic.rows(Appointment)
        assert [r.status for r in rows] == ["rescheduled", "scheduled"]
        assert rows[1].start_at == later and rows[1].cal_uid in {
            b.uid for b in fake.bookings.values()
        }
        assert rows[1].cal_uid != rows[0].cal_uid
        assert len([r for r in fake.requests if "reschedule" in r["path"]]) == 1
