"""How the secretary says a time to a customer (Portuguese weekday, day/month and hour, in the
company's zone), and the reminder and no-show messages built on it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from domain.tenancy.directory import CompanyProfile

WEEKDAYS = ("segunda", "terça", "quarta", "quinta", "sexta", "sábado", "domingo")


def when_text(start: datetime, zone: ZoneInfo) -> str:
    local = start.astimezone(zone)
    return f"{WEEKDAYS[local.weekday()]}, {local:%d/%m} às {local:%H:%M}"


def day_text(day: date) -> str:
    """ "quinta, 03/12"."""
    return f"{WEEKDAYS[day.weekday()]}, {day:%d/%m}"


def hour_text(at: time) -> str:
    """ "15h", "14h30": how a time is said in a sentence."""
    return f"{at.hour}h{at.minute:02d}" if at.minute else f"{at.hour}h"


# What a customer can write to pick a time; every example here is read by domain/agenda/choice
# (tests/domain/agenda/test_examples.py feeds each one back to the flows).
PICK_HELP = (
    'Responda com o número, ou diga o dia e a hora que prefere (por exemplo, "amanhã às 10h", '
    '"quinta às 15h" ou "sexta à tarde"). Para outros dias, escreva "ver mais".'
)
PICK_AGAIN = 'Responda com o número, diga outro dia e hora, ou escreva "ver mais".'
ASK_NAME = "Para marcar, qual o seu nome completo?"
# The ways out of a flow, said whenever the customer seems stuck.
WAYS_OUT = 'Se preferir, escreva "menu" para ver as opções ou "atendente" para falar com a equipe.'


def listing(options: Sequence[datetime], zone: ZoneInfo) -> str:
    """The options numbered from 1, under a heading per day."""
    lines: list[str] = []
    current = None
    for number, start in enumerate(options, start=1):
        local = start.astimezone(zone)
        if local.date() != current:
            current = local.date()
            lines.append(f"*{day_text(current).capitalize()}*")
        lines.append(f"{number}. {local:%H:%M}")
    return "\n".join(lines)


def again_text(state: dict[str, Any], timezone: str) -> str:
    """The question again, once, when the customer's answer could not be placed."""
    zone = ZoneInfo(timezone)
    step = state.get("step")
    if step == "which":
        return "Não entendi qual horário. Responda com o número da lista ou o dia. " + WAYS_OUT
    if state.get("kind") == "cancel":
        return "Não entendi. Confirma o cancelamento? Responda *sim* ou *não*. " + WAYS_OUT
    if "new" in state or step == "confirm":
        return "Não entendi. Responda *sim* para confirmar ou *não* para escolher outro horário."
    if step == "name":
        return "Não entendi o seu nome. " + ASK_NAME + ' (por exemplo, "Maria Souza"). ' + WAYS_OUT
    options = [datetime.fromisoformat(s) for s in state.get("options", [])]
    return (
        "Não encontrei esse horário entre os livres. As opções são:\n"
        + listing(options, zone)
        + "\n"
        + PICK_HELP
    )


def stuck_text(kind: str) -> str:
    """The flow ends after a second answer it could not place: nothing was changed."""
    done = {
        "schedule": "Não marquei nenhum horário por enquanto.",
        "reschedule": "Seu horário continua o mesmo.",
        "cancel": "Seu horário continua marcado.",
    }.get(kind, "")
    return (
        f"Desculpe, não consegui entender. {done} Quando quiser, escreva "
        '"quero agendar" e eu mostro os horários livres, ou "atendente" para falar com a equipe.'
    )


def left_text(kind: str, state: dict[str, Any], timezone: str) -> str:
    """The customer left the flow ("cancelar", "sair", "menu", "voltar")."""
    if kind in ("reschedule", "cancel") and state.get("start"):
        when = when_text(datetime.fromisoformat(state["start"]), ZoneInfo(timezone))
        done = f"Tudo bem, não mudei nada: seu horário de {when} continua marcado."
        if kind == "cancel":
            done += ' Se quiser mesmo cancelar, escreva "quero cancelar" e responda *sim*.'
    elif kind in ("reschedule", "cancel"):  # still asking which one
        done = "Tudo bem, não mudei nada: seus horários continuam marcados."
    else:
        done = "Tudo bem, parei o agendamento: nenhum horário foi marcado."
    return (
        f"{done} Posso ajudar com:\n1. Agendar, remarcar ou cancelar um horário\n"
        "2. Informações sobre atendimento\n3. Falar com uma pessoa da equipe"
    )


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
