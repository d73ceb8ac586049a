"""The offline responder: a genuinely useful answer when no LLM is configured or reachable.

It greets by name, recognises the common asks in Portuguese (scheduling, opening hours, a
person), and otherwise offers what it can do. Replies it writes are marked `source=offline`.
"""

from __future__ import annotations

import re

from domain.secretary.nlu import fold

SCHEDULE = re.compile(r"\b(agend|marc|consult|horari|remarc|desmarc|cancel)", re.I)
HOURS = re.compile(r"\b(abert|fecha|funciona|expediente|que horas)", re.I)
HUMAN = re.compile(r"\b(atendente|humano|pessoa|falar com alguem|suporte)", re.I)
GREETING = re.compile(r"^(oi+|ola|bom dia|boa tarde|boa noite|e ai|opa)\b", re.I)


def offline_reply(text: str, kind: str, name: str | None, company: str) -> str:
    """A short, helpful Portuguese answer for one customer message."""
    first = (name or "").strip().split(" ")[0]
    hello = f"Olá, {first}!" if first else "Olá!"
    plain = fold(text).strip()
    media = ("image", "video", "document", "audio", "sticker", "location", "contact")
    if not plain and kind in media:
        return (
            f"{hello} Recebi seu arquivo, mas por aqui só consigo ler mensagens de texto. "
            "Pode me escrever o que precisa?"
        )
    if HUMAN.search(plain):
        return (
            f"{hello} Vou chamar uma pessoa da equipe da {company} para falar com você. "
            "Assim que alguém estiver disponível, responderá por aqui."
        )
    if SCHEDULE.search(plain):
        return (
            f"{hello} Posso ajudar com seu agendamento na {company}. Me diga o dia e o "
            "período que prefere (manhã ou tarde) e eu verifico os horários disponíveis."
        )
    if HOURS.search(plain):
        return (
            f"{hello} Sobre nosso horário de atendimento: a equipe da {company} confirma por "
            "aqui os horários de funcionamento. Quer aproveitar e agendar um horário?"
        )
    opening = f"{hello} Sou a secretária virtual da {company}."
    if GREETING.match(plain):
        opening += " Que bom falar com você!"
    return (
        f"{opening} Posso ajudar com:\n1. Agendar, remarcar ou cancelar um horário\n"
        "2. Informações sobre atendimento\n3. Falar com uma pessoa da equipe\n"
        "É só responder com o número ou escrever o que precisa."
    )
