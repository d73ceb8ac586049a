"""The offline responder: a genuinely useful answer when no LLM is configured or reachable.

It greets by name and introduces itself (once: a conversation under way is not greeted
again), by the name the company gave its secretary, answers opening hours and the address
from what the company saved in Configurações (the business hours text, else its local
calendar's opening hours), recognises scheduling and a person, answers a question it has no
facts for honestly ("não tenho essa informação", and offers a person), takes a "sim" as yes
to what it last offered, and otherwise offers its menu, whose numbers work as answers.
Replies are `source=offline`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from domain.agenda.choice import read_wish
from domain.agenda.opening_hours import DAYS, DEFAULT_HOURS
from domain.secretary.chat_text import fold
from domain.secretary.names import first_name
from domain.secretary.offered import HANDOFF_OFFER, SCHEDULE_OFFER, agrees, declines, offered

SCHEDULE = re.compile(r"\b(agend|marc|consult|horari|remarc|desmarc|cancel)", re.I)
HOURS = re.compile(
    r"\b(abert|abre|fecha|funciona|expediente|que horas|horario de atendimento|atendem)", re.I
)
ADDRESS = re.compile(r"\b(endereco|onde fica|onde voces ficam|localiza|como chego|rua)\b", re.I)
HUMAN = re.compile(r"\b(atendente|humano|pessoa|falar com alguem|suporte)", re.I)
GREETING = re.compile(r"^(oi+|ola|bom dia|boa tarde|boa noite|e ai|opa)\b", re.I)
# Words that open a question when the "?" is left out ("vcs aceitam unimed").
QUESTION = re.compile(
    r"^(o que|que horas|que dia|qual|quais|quando|onde|como|quanto|quanta|quantos|quantas|"
    r"por ?que|pq|pra que|para que|voces|vcs|aceita|aceitam|tem|posso|precisa|fazem|atende)\b"
)
# "pq precisa do nome?": the one fact the flow itself needs explaining.
UNKNOWN = re.compile(
    r"\b(quanto|preco|valor|custa|cobra|aceita|convenio|plano|pagamento|pix|cartao|parcel|"
    r"estacionamento|exame|tratamento|procedimento|faz|fazem)"
)
WHY_NAME = re.compile(r"\b(pq|por ?que|pra que|para que)\b.*\bnome\b")
# The menu's first line, folded: a "1" after it is a request to schedule.
MENU_SCHEDULE = "1. agendar, remarcar ou cancelar um horario"
MENU = (
    "Posso ajudar com:\n1. Agendar, remarcar ou cancelar um horário\n"
    "2. Informações sobre atendimento\n3. Falar com uma pessoa da equipe\n"
    "É só responder com o número ou escrever o que precisa."
)
DAY_NAMES = dict(zip(DAYS, ("seg", "ter", "qua", "qui", "sex", "sáb", "dom"), strict=True))


@dataclass(frozen=True)
class Company:
    """What the offline secretary knows of the company: its name and saved settings."""

    name: str
    settings: dict[str, Any]
    # Books in its own local calendar (not Cal.com): those opening hours are the company's.
    local_calendar: bool = False

    @property
    def secretary(self) -> dict[str, Any]:
        return dict(self.settings.get("secretary") or {})

    def hours(self) -> str | None:
        """The business hours as the company wrote them, else its agenda's opening hours."""
        written = self.secretary.get("business_hours")
        if written:
            return str(written)
        agenda = self.settings.get("agenda") or {}
        if not (agenda.get("hours") or agenda.get("local") or self.local_calendar):
            return None
        return opening_hours_text(agenda.get("hours") or DEFAULT_HOURS)

    def address(self) -> str | None:
        return self.secretary.get("address") or self.settings.get("address") or None


def opening_hours_text(hours: dict[str, list[str]]) -> str:
    """ "seg a sex, 08:00-12:00 e 13:00-18:00; sáb, 08:00-12:00": consecutive days with the
    same hours said once."""
    runs: list[tuple[str, str, list[str]]] = []
    for day in DAYS:
        spans = list(hours.get(day) or [])
        if not spans:
            continue
        if runs and runs[-1][2] == spans and DAYS.index(runs[-1][1]) == DAYS.index(day) - 1:
            runs[-1] = (runs[-1][0], day, spans)
        else:
            runs.append((day, day, spans))
    parts = []
    for first, last, spans in runs:
        days = DAY_NAMES[first] if first == last else f"{DAY_NAMES[first]} a {DAY_NAMES[last]}"
        parts.append(f"{days}, {' e '.join(s.replace('-', ' às ') for s in spans)}")
    return "; ".join(parts)


def offline_reply(
    text: str,
    kind: str,
    name: str | None,
    company: Company,
    last_reply: str = "",
    *,
    greeted: bool = False,
    in_flow: bool = False,
    question: bool = False,
) -> str:
    """A short, helpful Portuguese answer for one customer message; `last_reply` is the
    secretary's previous message (a number answers its menu, a "sim" its offer); `greeted`:
    the conversation is under way, no greeting again; `in_flow`: a booking waits for the
    customer, so the reply offers nothing of its own (the flow's question follows it)."""
    first = first_name(name)
    hello = "" if greeted else (f"Olá, {first}!" if first else "Olá!")
    plain = fold(text).strip()
    media = ("image", "video", "document", "audio", "sticker", "location", "contact")
    if not plain and kind in media:
        return _say(
            hello,
            "Recebi seu arquivo, mas por aqui só consigo ler mensagens de texto. "
            "Pode me escrever o que precisa?",
        )
    after_menu = MENU_SCHEDULE in fold(last_reply)
    offer = offered(last_reply)
    if HUMAN.search(plain) or (after_menu and plain == "3"):
        return _say(
            hello,
            f"Vou chamar uma pessoa da equipe da {company.name} para falar com você. "
            "Assim que alguém estiver disponível, responderá por aqui.",
        )
    if after_menu and plain == "2":
        return _information(hello, company, in_flow=in_flow)
    if HOURS.search(plain) or ADDRESS.search(plain):
        return _information(hello, company, bool(HOURS.search(plain)), in_flow)
    if offer == "schedule" and agrees(text):
        plain = "agendar"  # yes to "Quer aproveitar e agendar um horário?"
    elif offer and declines(text):
        return _say(hello, "Tudo bem! Se precisar de algo, é só escrever por aqui.")
    if WHY_NAME.search(plain):
        return _say(hello, "Peço o seu nome só para deixar o horário reservado para você.")
    # `question`: the message also asks something (a price with a booking, nlu's `second`).
    asks = question or "?" in text or QUESTION.match(plain) is not None
    # Prices, insurance, anything the offline secretary has no fact for: "não sei", honestly.
    no_facts = asks and (in_flow or UNKNOWN.search(plain) is not None)
    if not no_facts and (SCHEDULE.search(plain) or (after_menu and plain == "1")):
        return _say(
            hello,
            f"Posso ajudar com seu agendamento na {company.name}. Me diga o dia e o "
            "período que prefere (manhã ou tarde) e eu verifico os horários disponíveis.",
        )
    if "me diga o dia" in fold(last_reply) and not read_wish(text, datetime.now(UTC)).empty:
        # No calendar to look in: the wish is noted for the team (never the menu again).
        return _say(
            hello,
            f'Anotei sua preferência: "{text.strip()}". A equipe da {company.name} vai '
            "confirmar o horário com você por aqui.",
        )
    if asks:
        # A question with no fact to answer it: honestly so, never the menu instead.
        honest = "Essa informação eu não tenho por aqui."
        if in_flow:  # no yes/no question of its own: the flow's question follows
            return _say(hello, f'{honest} Se quiser falar com a equipe, escreva "atendente".')
        return _say(hello, f"{honest} {HANDOFF_OFFER}")
    if greeted:  # greeted back when they greet, but never introduced again
        again = f"Olá, {first}!" if first else "Olá!"
        return f"{again} {MENU}" if GREETING.match(plain) else MENU
    who = company.secretary.get("name")
    opening = (
        f"{hello} Sou {who}, a secretária virtual da {company.name}."
        if who
        else f"{hello} Sou a secretária virtual da {company.name}."
    )
    if GREETING.match(plain):
        opening += " Que bom falar com você!"
    return f"{opening} {MENU}"


def _say(hello: str, text: str) -> str:
    return f"{hello} {text}" if hello else text


def _information(
    hello: str, company: Company, ask_hours: bool = True, in_flow: bool = False
) -> str:
    hours, address = company.hours(), company.address()
    parts = []
    if hours and (ask_hours or not address):
        parts.append(f"Nosso horário de atendimento: {hours}.")
    if address:
        parts.append(f"Endereço: {address}.")
    if not parts:
        parts.append(f"A equipe da {company.name} confirma por aqui os horários de funcionamento.")
    if not in_flow:
        parts.append(SCHEDULE_OFFER)
    return _say(hello, " ".join(parts))
