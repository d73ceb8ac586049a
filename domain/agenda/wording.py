"""How the secretary says a time to a customer (Portuguese weekday, day/month and hour, in the
company's zone), and the reminder and no-show messages built on it."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from domain.tenancy.directory import CompanyProfile

WEEKDAYS = ("segunda", "terça", "quarta", "quinta", "sexta", "sábado", "domingo")


def when_text(start: datetime, zone: ZoneInfo) -> str:
    local = start.astimezone(zone)
    return f"{WEEKDAYS[local.weekday()]}, {local:%d/%m} às {local:%H:%M}"


def reminder_text(appointment: Any, company: CompanyProfile, now: datetime) -> str:
    zone = ZoneInfo(company.timezone)
    start = appointment.start_at.astimezone(zone)
    days = (start.date() - now.astimezone(zone).date()).days
    relative = {0: "hoje", 1: "amanhã"}.get(days)
    first = (appointment.name or "").split()[:1]
    greeting = f"Olá, {first[0]}!" if first else "Olá!"
    when = f"{relative}, {when_text(start, zone)}" if relative else when_text(start, zone)
    link = f"\nLink: {appointment.meeting_url}" if appointment.meeting_url else ""
    if appointment.status == "confirmed":
        return (
            f"{greeting} Lembrete do seu horário na {company.name}: {when}. "
            f"Sua presença está confirmada. Até lá!{link}"
        )
    return (
        f"{greeting} Lembrete do seu horário na {company.name}: {when}.{link}\n"
        "Responda:\n1. Confirmar presença\n2. Remarcar"
    )


def no_show_text(appointment: Any, company: CompanyProfile) -> str:
    zone = ZoneInfo(company.timezone)
    first = (appointment.name or "").split()[:1]
    greeting = f"Olá, {first[0]}." if first else "Olá."
    return (
        f"{greeting} Sentimos sua falta no horário de {when_text(appointment.start_at, zone)} "
        f"na {company.name}. Quer marcar um novo horário? Responda *sim* e eu mostro os "
        "horários livres."
    )
