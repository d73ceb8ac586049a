"""When the secretary escalates a customer to a person (P7), and what it tells them.

Pure rules over this message's analysis and the remembered turns. The conversation itself is
handed over (domain/conversations/handoffs.py) in the same transaction as the reply (see
replies.save_reply), so the customer is told exactly once and the bot then stays quiet until
an operator gives it back.
"""

from __future__ import annotations

from domain.secretary.memory import Turn
from domain.secretary.nlu import Analysis

# The model writes this instead of an answer when it cannot answer safely (see prompt.py).
MODEL_HANDOFF_MARKER = "[[ATENDENTE]]"
# Customer turns looked at for repeated frustration and repeated misunderstanding.
WINDOW = 3


def before_reply(analysis: Analysis, history: list[Turn]) -> tuple[str, str] | None:
    """(reason, trigger) when the customer must go to a person before any reply is written."""
    if analysis.intent == "handoff":
        return "customer_request", "asked_for_a_person"
    earlier = [t.sentiment for t in _customer_turns(history)[-(WINDOW - 1) :]]
    if analysis.sentiment == "negative" and "negative" in earlier:
        # Upset twice in the last three messages: the bot is not solving this one.
        return "unsupported_request", "repeated_frustration"
    return None


def offline_gives_up(analysis: Analysis, history: list[Turn]) -> tuple[str, str] | None:
    """Without the model, three messages in a row the rules could not place (low
    confidence) mean the customer is stuck with a menu: hand over instead."""
    earlier = _placed(history)[-(WINDOW - 1) :]
    if analysis.intent == "other" and len(earlier) == WINDOW - 1 and set(earlier) == {"other"}:
        return "pending_clarification", "not_understood"
    return None


def model_keeps_failing(history: list[Turn]) -> bool:
    """The model was unreachable for the previous reply too: stop improvising, call a person."""
    ours = [t for t in history if t.role == "model"]
    return bool(ours) and ours[-1].source == "fallback"


def _placed(history: list[Turn]) -> list[str | None]:
    """The intents of the customer's turns, "understood" for those the agenda's flows
    answered: a "2" or "1" placed there is no sign of a stuck customer, whatever the rules
    made of it."""
    placed: list[str | None] = []
    for i, turn in enumerate(history):
        if turn.role != "user":
            continue
        after = history[i + 1] if i + 1 < len(history) else None
        answer = after.source if after is not None and after.role == "model" else None
        placed.append(turn.intent if answer in (None, "offline", "fallback") else "understood")
    return placed


def _customer_turns(history: list[Turn]) -> list[Turn]:
    return [t for t in history if t.role == "user"]


OPENINGS = {
    "customer_request": "Certo{you}! Vou chamar",
    "unsupported_request": "Sinto muito pelo transtorno{you}. Para resolver isso direito, "
    "vou chamar",
    "pending_clarification": "Desculpe{you}, acho que não estou entendendo o que você "
    "precisa. Vou chamar",
    "missing_knowledge": "Essa pergunta eu prefiro que a equipe responda{you}. Já estou chamando",
    "tool_failure": "Estou com uma instabilidade agora e não quero te deixar esperando{you}. "
    "Vou chamar",
    "usage_limit": "Nosso atendimento automático está indisponível no momento{you}. Vou chamar",
    "subscription_inactive": "Nosso atendimento automático está indisponível no momento{you}. "
    "Vou chamar",
}


def message(reason: str, company: str, name: str | None) -> str:
    """What the customer is told, once, when the conversation goes to a person."""
    first = (name or "").strip().split(" ")[0]
    you = f", {first}" if first else ""
    person = (
        f"uma pessoa da equipe da {company}, que responderá por aqui assim que estiver disponível"
    )
    opening = OPENINGS.get(reason, OPENINGS["customer_request"]).format(you=you)
    return f"{opening} {person}."
