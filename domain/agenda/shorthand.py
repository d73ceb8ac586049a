"""How customers shorten things on WhatsApp, written out before a day or hour is read (walk
defect 4, 6): "semana q vem", "amnh dps das 14", "sab 8 e meia", "depois do almoço".

Works on folded text (lowercase, no accents; domain/secretary/nlu.fold).
"""

from __future__ import annotations

import re

from domain.secretary.chat_text import ABBREVIATIONS

# On top of the secretary's own list: the words of days, hours and times.
WORDS = {
    **ABBREVIATIONS,
    "amnh": "amanha",
    "amanh": "amanha",
    "amh": "amanha",
    "dps": "depois",
    "dpois": "depois",
    "msm": "mesmo",
    "prox": "proxima",
    "proxma": "proxima",
    "qlq": "qualquer",
    "qq": "qualquer",
    "qqr": "qualquer",
    "qualqr": "qualquer",
    "hr": "horario",
    "hrs": "horarios",
    "hor": "horario",
    "tde": "tarde",
    "trd": "tarde",
    "mnh": "manha",
    "seg": "segunda",
    "qua": "quarta",
    "qui": "quinta",
    "sex": "sexta",
    "sab": "sabado",
    "dom": "domingo",
    "daq": "daqui",
    "dqui": "daqui",
    "pra": "para",
    "pro": "para o",
    "semn": "semana",
}
# Shortened words that mean something else in a sentence of their own.
_KEEP = frozenset(("ta", "to", "marca", "agenda"))
_SPOKEN = (
    # "8 e meia", "8h e meia", "meio dia e meia": half past.
    (re.compile(r"\bmeio[ -]?dia\s+e\s+meia\b"), "12h30"),
    (re.compile(r"\b(\d{1,2})\s*(?:h|hs|horas?)?\s+e\s+meia\b"), r"\1h30"),
    (re.compile(r"\b(\d{1,2})\s*hrs?\b"), r"\1h"),
    (re.compile(r"\b(\d{1,2})\s*horario\b"), r"\1h"),
    # Lunch is 12h to 13h at a clinic: after it is from 13h, before it until 12h.
    (re.compile(r"\b(?:depois|apos)\s+do\s+almoco\b"), "depois das 13h"),
    (re.compile(r"\bantes\s+do\s+almoco\b"), "antes das 12h"),
)


def expand(plain: str) -> str:
    """`plain` (folded) with WhatsApp shorthand written out: "semana q vem" -> "semana que
    vem", "dps das 14hrs" -> "depois das 14h", "8 e meia" -> "8h30"."""
    text = _spoken(plain)  # "10 hr" is an hour before "hr" alone is a word
    words = re.split(r"(\W+)", text)
    return _spoken("".join(w if w in _KEEP else WORDS.get(w, w) for w in words))


def _spoken(text: str) -> str:
    for pattern, spoken in _SPOKEN:
        text = pattern.sub(spoken, text)
    return text
