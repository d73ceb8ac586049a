"""The ways out of a booking, change or cancel conversation, in every state of it (issue 14):
a customer is never held by a flow that cannot place what they write.

- "cancelar", "sair", "menu", "voltar", "parar", "deixa pra lá": the flow ends, nothing is
  booked or changed, and the customer is told so with what they can do next;
- a new request (to schedule, reschedule, cancel or talk to a person) other than the flow's
  own: the flow ends and the request is handled as if no flow were open;
- a question the flow cannot read as an answer ("que horas vocês abrem?", "aceitam Unimed?"):
  the secretary answers it honestly and the flow is kept, its question asked again
  (`resume_text`): only an explicit way out ends a flow;
- a second message in a row the flow cannot place: the flow ends with a helpful reply.
"""

from __future__ import annotations

import re
from typing import Any

from domain.secretary.chat_text import fold

_EXIT = re.compile(
    r"^\s*(?:(?:nao\s+)?(?:cancela|cancelar|sair|sai|menu|voltar|volta|parar|para|pare|"
    r"encerrar|fim|chega|desisto|desistir|esquece|esquecer|deixa|deixa pra la|deixa para la|"
    r"nao quero mais|nao quero|inicio|comecar de novo|recomecar)\b[\s!.,]*)+"
    r"(?:pra la|para la|obrigad[oa]|por favor)?[\s!.]*$"
)
# Words that open a question in Portuguese, when the customer leaves out the "?".
_QUESTION = re.compile(
    r"^\s*(que horas|qual|quais|quando|onde|como|quanto|quanta|quantos|por ?que|voces|vcs|"
    r"aceita|aceitam|tem estacionamento|atende|atendem|fica|funciona)\b"
)
# Per flow, the requests that leave it for another ("confirm", "greeting" are answers; asking
# for "outro horário" while booking or "marcar sexta" while rescheduling is still the flow).
NEW_REQUESTS = {
    "schedule": ("cancel", "handoff"),
    "reschedule": ("cancel", "handoff"),
    "cancel": ("schedule", "reschedule", "handoff"),
}


def wants_out(text: str) -> bool:
    """The customer wants to leave the flow ("cancelar", "sair", "menu", "voltar")."""
    return bool(_EXIT.match(fold(text)))


def is_question(text: str) -> bool:
    return "?" in text or bool(_QUESTION.match(fold(text)))


def new_request(intent: str, kind: str) -> bool:
    """A request other than the open flow's own `kind` (schedule | reschedule | cancel)."""
    return intent in NEW_REQUESTS.get(kind, ())


_GOING_ON = {
    "schedule": "Continuamos o agendamento?",
    "reschedule": "Continuamos a remarcação?",
    "cancel": "Continuamos o cancelamento?",
}
_STAY_OR_LEAVE = 'Se preferir parar, escreva "sair".'


def resume_text(state: dict[str, Any]) -> str:
    """After the secretary answered a question asked mid-flow: the flow's question again, short
    (the options are still on screen just above)."""
    kind = str(state.get("kind", "schedule"))
    step = state.get("step")
    if kind == "cancel":
        ask = "Confirma o cancelamento? Responda *sim* ou *não*."
    elif "new" in state or step == "confirm":
        ask = "Responda *sim* para confirmar o horário ou *não* para escolher outro."
    elif step == "name":
        ask = "Para marcar, qual o seu nome completo?"
    else:
        ask = "Responda com o número de um dos horários acima, ou diga o dia e a hora que prefere."
    return f"{_GOING_ON.get(kind, _GOING_ON['schedule'])} {ask} {_STAY_OR_LEAVE}"
