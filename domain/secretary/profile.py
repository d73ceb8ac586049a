"""The contact profile (P1, P2): what the secretary learns about a customer across messages,
kept in `contacts.profile` and summarised into the prompt to adapt the tone.

Pure functions: the caller reads and writes the JSON in its own transaction.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from domain.secretary.chat_text import fold, normalise
from domain.secretary.nlu import Analysis

# Intents worth remembering as a topic (greetings and small talk are not topics).
TOPICS = {
    "schedule": "agendamento",
    "reschedule": "remarcação",
    "cancel": "cancelamento",
    "support": "suporte",
    "sales": "preços e serviços",
}
PERIODS = (
    ("manhã", re.compile(r"\b(de manha|pela manha|manha|cedo)\b")),
    ("tarde", re.compile(r"\b(a tarde|de tarde|tarde)\b")),
    ("noite", re.compile(r"\b(a noite|de noite|noite)\b")),
)
WEEKDAYS = ("segunda", "terca", "quarta", "quinta", "sexta", "sabado", "domingo")
WEEKDAY_NAMES = ("segunda", "terça", "quarta", "quinta", "sexta", "sábado", "domingo")
INFORMAL = re.compile(r"\b(vc|blz|kk+|rs+|tb|tbm|pq|q|oi+e*|e ai|valeu|vlw|top|show)\b")
FORMAL = re.compile(r"\b(senhor|senhora|prezad[oa]|cordialmente|por gentileza|gostaria)\b")
EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf]")


def learn(
    profile: dict[str, Any], message_id: int, text: str, analysis: Analysis
) -> dict[str, Any]:
    """The profile after one more customer message; unchanged when this message (or a later
    one) was already learnt, so a retried job never counts twice."""
    if int(profile.get("last_message_id") or 0) >= message_id:
        return profile
    plain = normalise(text)
    updated = dict(profile)
    updated["last_message_id"] = message_id
    updated["messages"] = int(profile.get("messages") or 0) + 1
    topics = Counter(profile.get("topics") or {})
    if analysis.intent in TOPICS:
        topics[analysis.intent] += 1
    updated["topics"] = dict(topics)
    preferences = dict(profile.get("preferences") or {})
    for period, pattern in PERIODS:
        if pattern.search(plain):
            preferences["period"] = period
            break
    for day, name in zip(WEEKDAYS, WEEKDAY_NAMES, strict=True):
        if re.search(rf"\b{day}\b", plain):
            preferences["weekday"] = name
            break
    style = _style(text, fold(text))
    if style:
        preferences["style"] = style
    updated["preferences"] = preferences
    updated["last_sentiment"] = analysis.sentiment
    return updated


def _style(text: str, folded: str) -> str | None:
    """Informal chat ("vc", "blz", emojis) or formal writing; None when it does not show.
    Read before abbreviations are expanded: "vc" is the tell."""
    if FORMAL.search(folded):
        return "formal"
    if INFORMAL.search(folded) or EMOJI.search(text):
        return "informal"
    return None


def describe(profile: dict[str, Any], name: str | None) -> str:
    """One Portuguese paragraph for the system prompt: who the customer is, what they
    usually want, and how to talk to them now."""
    parts = [f"O cliente se chama {name}."] if name else []
    topics = Counter(profile.get("topics") or {}).most_common(3)
    if topics:
        listed = ", ".join(f"{TOPICS[t]} ({n}x)" for t, n in topics if t in TOPICS)
        parts.append(f"Assuntos frequentes deste cliente: {listed}.")
    preferences = profile.get("preferences") or {}
    if preferences.get("period") or preferences.get("weekday"):
        likes = " e ".join(
            p
            for p in (
                preferences.get("weekday") and f"às {preferences['weekday']}s",
                preferences.get("period") and f"no período da {preferences['period']}",
            )
            if p
        )
        parts.append(f"Ele costuma preferir horários {likes}.")
    parts.append(_tone(preferences.get("style"), profile.get("last_sentiment")))
    return " ".join(parts)


def _tone(style: str | None, sentiment: str | None) -> str:
    if sentiment == "negative":
        return (
            "O cliente parece insatisfeito agora: reconheça o problema com empatia, "
            "sem humor, e ofereça uma solução concreta ou uma pessoa da equipe."
        )
    if style == "informal":
        tone = "Use um tom leve e próximo, como o do cliente"
        return tone + (" (pode ser bem-humorada)." if sentiment == "positive" else ".")
    if style == "formal":
        return "Use um tom cordial e formal, tratando o cliente por senhor ou senhora."
    return "Use um tom cordial e natural."
