"""Intent and sentiment of a customer's message (P2, issue 15), offline.

The learned classifiers (domain/secretary/classifier.py) read the message; `confidence` is the
calibrated probability of the intent, and `options` the intents worth offering when the
secretary is unsure (domain/secretary/clarify.py asks instead of acting on a guess). A message
with two requests ("quanto custa? e tem horário sexta?") has its first request in `intent`
(the one to act on first, as the corpus is labelled) and the other in `second`, found by
reading its clauses one by one. No model download, no network: the same code runs in tests,
in the worker and behind POST /api/nlu/analyze.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.secretary import feelings
from domain.secretary.chat_text import fold, normalise
from domain.secretary.classifier import Scores, classifier

__all__ = ["INTENTS", "SENTIMENTS", "Analysis", "analyse", "fold", "normalise"]

INTENTS = (
    "schedule",
    "reschedule",
    "cancel",
    "confirm",
    "support",
    "sales",
    "handoff",
    "greeting",
    "other",
)
SENTIMENTS = ("positive", "neutral", "negative")
# A second request is a question (price, information) asked with an action the secretary takes
# first ("quero marcar, quanto custa?"), sure of itself in a clause of its own. Other pairs are
# one request in two words ("não quero cancelar, só mudar o dia" is a reschedule).
SECOND_CONFIDENCE = 0.7
QUESTIONS = ("sales", "support")
# Clause boundaries: sentence ends, commas, and the words that join two requests.
_CLAUSES = re.compile(r"[.!?;\n]+|,\s+|\s+(?:e|mas|tambem|alem disso|e tambem|ah e|outra coisa)\s+")
_SPEECH = re.compile(r"\w", re.U)


@dataclass(frozen=True)
class Analysis:
    intent: str
    confidence: float
    sentiment: str
    # The likeliest intents, most likely first (with `intent` first), for a clarifying question.
    options: tuple[str, ...] = ()
    second: str | None = None


def analyse(text: str) -> Analysis:
    if not _SPEECH.search(text) and not any(ord(ch) > 0x2000 for ch in text):
        return Analysis("other", 1.0, "neutral", ("other",))
    model = classifier()
    clauses = [c.strip() for c in _CLAUSES.split(fold(text)) if len(c.split()) >= 2]
    whole, *parts = model.scores([text, *clauses] if len(clauses) >= 2 else [text])
    intent, confidence = whole.intents[0]
    options = tuple(label for label, p in whole.intents[:3] if p >= 0.1) or (intent,)
    sentiment = feelings.blend(whole.sentiment, text)
    split = _by_clause(parts)
    if split is not None and confidence < SECOND_CONFIDENCE:
        # Unsure as a whole, sure clause by clause: two requests, not one unclear one.
        (intent, confidence), second = split
        return Analysis(intent, round(confidence, 2), sentiment, (intent,), second)
    return Analysis(intent, round(confidence, 2), sentiment, options, _second(intent, parts))


def _by_clause(clauses: list[Scores]) -> tuple[tuple[str, float], str | None] | None:
    """An action and a question each sure in its own clause ("quanto custa? queria marcar pra
    sexta"): the action first, the question second. A cancellation and a new booking ("cancela
    a de quinta e marca pra sexta"): a reschedule."""
    sure = [c.intents[0] for c in clauses if c.intents[0][1] >= SECOND_CONFIDENCE]
    leaning = [c.intents[0] for c in clauses if c.intents[0][1] >= 0.5]
    actions = sorted(
        ((p, label) for label, p in leaning if label in ("schedule", "reschedule", "cancel")),
        reverse=True,
    )
    labels = {label for _, label in actions}
    if {"cancel", "schedule"} <= labels:
        return ("reschedule", max(p for p, _ in actions)), None
    questions = sorted(((p, label) for label, p in sure if label in QUESTIONS), reverse=True)
    if actions and questions:
        return (actions[0][1], actions[0][0]), questions[0][1]
    return None


def _second(main: str, clauses: list[Scores]) -> str | None:
    """The other request of a two-request message: a clause of it, read alone, asks a question
    (price, information) with confidence, while the whole message asks for an action."""
    if main in QUESTIONS:
        return None
    found: tuple[float, str] | None = None
    for clause in clauses:
        label, p = clause.intents[0]
        if label == main or label not in QUESTIONS or p < SECOND_CONFIDENCE:
            continue
        if found is None or p > found[0]:
            found = (p, label)
    return found[1] if found else None


def classify_intent(text: str) -> tuple[str, float]:
    analysis = analyse(text)
    return analysis.intent, analysis.confidence


def classify_sentiment(text: str) -> str:
    return analyse(text).sentiment
