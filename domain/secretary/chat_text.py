"""How customers write on WhatsApp, brought to one form before anything reads it: lowercase,
accents folded, chat abbreviations expanded ("vc", "pq", "pfv"), letters repeated for emphasis
squeezed ("oiii"). The classifiers learn from this form and every rule matches on it."""

from __future__ import annotations

import re
import unicodedata

ABBREVIATIONS = {
    "vc": "voce",
    "vcs": "voces",
    "pq": "porque",
    "q": "que",
    "tb": "tambem",
    "tbm": "tambem",
    "hj": "hoje",
    "amn": "amanha",
    "obg": "obrigado",
    "obgd": "obrigado",
    "vlw": "valeu",
    "pf": "por favor",
    "pfv": "por favor",
    "pfvr": "por favor",
    "blz": "beleza",
    "td": "tudo",
    "msg": "mensagem",
    "qnd": "quando",
    "ta": "esta",
    "to": "estou",
    "ngm": "ninguem",
    "cmg": "comigo",
    "mt": "muito",
    "mto": "muito",
    "qto": "quanto",
    "marca": "marcar",
    "agenda": "agendar",
    "n": "nao",
    "ñ": "nao",
    "oq": "o que",
    "qnt": "quanto",
    "qnto": "quanto",
    "qdo": "quando",
    "hr": "hora",
    "hrs": "horas",
    "sdds": "saudades",
    "fds": "fim de semana",
    "flw": "falou",
    "dr": "doutor",
    "dra": "doutora",
}


def fold(text: str) -> str:
    """Lowercase with accents removed: "Manhã" -> "manha"."""
    folded = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


def normalise(text: str) -> str:
    """Lowercase, accents folded, abbreviations expanded, emphasis squeezed."""
    plain = fold(text)
    plain = re.sub(r"(\w)\1{2,}", r"\1\1", plain)  # "oiiii" -> "oii", "simmm" -> "simm"
    words = re.findall(r"\w+|[^\w\s]", plain)
    return " ".join(ABBREVIATIONS.get(word, word) for word in words)
