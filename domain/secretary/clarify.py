"""When the secretary is unsure what the customer wants, it asks (issue 15, item 3).

Acting on a guess is worse than one short question: a wrong guess starts a booking nobody asked
for, or a cancellation. So when the classifier's confidence is below THRESHOLD and one of its
likely readings is an action (schedule, reschedule, cancel, a person), the secretary offers the
likely options, numbered. The answer, a number ("2"), an ordinal ("a segunda") or the option
in the customer's own words, is read back from the question (`chosen`) and handled as if the
customer had said it plainly. It asks once: after its own question it acts on the best reading.
"""

from __future__ import annotations

import re

from domain.secretary.chat_text import fold
from domain.secretary.nlu import Analysis

# Below this the best reading is right about half the time (leave-one-writer-out
# cross-validation: 56 % below 0.5, 95 % above; README, "Understanding").
THRESHOLD = 0.5
ACTIONS = ("schedule", "reschedule", "cancel", "handoff")
OPTIONS = {
    "schedule": "Marcar um horário",
    "reschedule": "Remarcar um horário que já tenho",
    "cancel": "Cancelar um horário",
    "handoff": "Falar com uma pessoa da equipe",
    "sales": "Saber preços e formas de pagamento",
    "support": "Tirar uma dúvida (endereço, convênio, preparo, documentos)",
    "confirm": "Confirmar meu horário",
}
# What the customer is taken to have said once an option is chosen.
AS_SAID = {
    "schedule": "quero marcar um horário",
    "reschedule": "quero remarcar meu horário",
    "cancel": "quero cancelar meu horário",
    "handoff": "quero falar com uma pessoa da equipe",
    "sales": "quanto custa e quais as formas de pagamento?",
    "support": "tenho uma dúvida sobre o atendimento, pode me ajudar?",
    "confirm": "confirmo meu horário",
}
OPENING = "Só para eu entender direito, você quer:"
_BY_LABEL = {fold(label): intent for intent, label in OPTIONS.items()}
_ORDINALS = {
    "1": 0, "um": 0, "primeira": 0, "primeiro": 0, "a primeira": 0, "o primeiro": 0,
    "2": 1, "dois": 1, "segunda": 1, "segundo": 1, "a segunda": 1, "o segundo": 1,
    "3": 2, "tres": 2, "terceira": 2, "terceiro": 2, "a terceira": 2, "o terceiro": 2,
}  # fmt: skip
_ANSWER = re.compile(r"^(?:(?:opcao|numero|n|o|a|e|eh|quero|a opcao|o numero)\s+)*(.+?)[\s.!)]*$")


def question(analysis: Analysis) -> str | None:
    """The clarifying question for an unsure reading, or None to act on it."""
    if analysis.confidence >= THRESHOLD:
        return None
    options = [intent for intent in analysis.options if intent in OPTIONS][:3]
    if len(options) < 2 or not any(intent in ACTIONS for intent in options):
        return None
    lines = [f"{number}. {OPTIONS[intent]}" for number, intent in enumerate(options, 1)]
    return "\n".join(
        [OPENING, *lines, "É só responder com o número ou escrever com suas palavras."]
    )


def asked(last_reply: str) -> list[str] | None:
    """The options of the secretary's last message when it was a clarifying question."""
    if fold(OPENING) not in fold(last_reply):
        return None
    found = []
    for line in fold(last_reply).splitlines():
        match = re.match(r"^\s*\d\.\s*(.+?)\s*$", line)
        if match and match.group(1) in _BY_LABEL:
            found.append(_BY_LABEL[match.group(1)])
    return found or None


def chosen(last_reply: str, text: str) -> str | None:
    """The option a customer picked by number or ordinal, in answer to the question."""
    options = asked(last_reply)
    if not options:
        return None
    match = _ANSWER.match(fold(text).strip())
    pick = _ORDINALS.get(match.group(1)) if match else None
    if pick is not None and pick < len(options):
        return options[pick]
    return None
