"""What to call a customer. The name they told us (kept in the contact's profile) first; the
WhatsApp pushName only as a hint, and not when it is obviously not a person's name ("Simulador",
"Loja do Zé", "💙", "Cliente 123"). A simulated contact (the panel's Simulador) has no
WhatsApp name at all: it is never called by the operator's tool."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from domain.conversations.simulator import is_simulated
from domain.secretary.chat_text import fold

# Words that are never a person's name, alone or inside one.
NOT_NAMES = frozenset(
    [
        "simulador",
        "simulacao",
        "teste",
        "test",
        "cliente",
        "client",
        "usuario",
        "user",
        "whatsapp",
        "business",
        "wa",
        "admin",
        "suporte",
        "atendimento",
        "loja",
        "empresa",
        "clinica",
        "ltda",
        "me",
        "eireli",
        "oficial",
        "vendas",
        "contato",
        "celular",
        "desconhecido",
        "unknown",
        "sim",
        "nao",
        "ok",
        "oi",
        "ola",
        "obrigado",
        "obrigada",
        "tchau",
        "bom",
        "dia",
        "boa",
        "tarde",
        "noite",
        "quero",
        "agendar",
        "marcar",
        "cancelar",
        "remarcar",
        "sair",
        "menu",
        "voltar",
        "consulta",
        "horario",
        "amanha",
        "hoje",
        "segunda",
        "terca",
        "quarta",
        "quinta",
        "sexta",
        "sabado",
        "domingo",
        "manha",
        "nome",
        "meu",
        "e",
        "o",
        "a",
        "de",
        "da",
        "do",
        "pode",
        "ser",
        "ainda",
        "depois",
        "antes",
        "agora",
        "qualquer",
    ]
)
_LETTERS = re.compile(r"^[^\W\d_]+(?:['’-][^\W\d_]+)*$")
# "meu nome é Ana Lima", "sou a Ana", "é Ana": the name after the lead words.
_LEAD = re.compile(
    r"^(?:(?:o\s+)?meu\s+nome\s+(?:e|eh)\s+|me\s+chamo\s+|sou\s+(?:o\s+|a\s+)?|e\s+)"
)
# "pro meu filho, ele se chama Pedro Lima", "o nome dela é Ana": the name after these words,
# wherever they are in the answer.
_NAMED = re.compile(
    r"\b(?:meu\s+nome\s+(?:e|eh)|me\s+chamo|(?:ele|ela)\s+(?:se\s+)?chama"
    r"|nome\s+(?:dele|dela)\s+(?:e|eh))\s+"
)
_PARTICLES = frozenset(("da", "de", "do", "das", "dos", "e"))


def plausible(raw: str | None) -> str | None:
    """`raw` tidied when it reads as a person's name (one to six words of letters, none of
    them a word no name has); else None."""
    words = _without_symbols(raw or "").split()
    if not 1 <= len(words) <= 6 or not any(len(w) > 1 for w in words):
        return None
    if not all(_LETTERS.match(w) for w in words):
        return None
    folded = [fold(w) for w in words]
    if any(w in NOT_NAMES and w not in _PARTICLES for w in folded):
        return None
    if folded[0] in _PARTICLES or folded[-1] in _PARTICLES:
        return None
    return " ".join(w if not w.islower() and not w.isupper() else _title(w) for w in words)


def _without_symbols(text: str) -> str:
    """`text` without emoji and other symbols ("Joana 😊", "Fernanda 🌸" are names too)."""
    joiners = "\u200d\ufe0e\ufe0f"  # glue inside emoji sequences
    kept = (" " if unicodedata.category(ch)[0] in "SC" or ch in joiners else ch for ch in text)
    return "".join(kept).strip()


def _title(word: str) -> str:
    return word if fold(word) in _PARTICLES else word[:1].upper() + word[1:].lower()


def customer_name(
    profile: dict[str, Any], contact_name: str | None, push_name: str | None, phone: str
) -> str | None:
    """The name to use with this contact, or None to ask for it."""
    told = profile.get("name")
    if isinstance(told, str) and told:
        return told
    if is_simulated(phone):
        return None
    return plausible(contact_name) or plausible(push_name)


def read_name(text: str) -> str | None:
    """The name in a customer's answer to "Qual o seu nome completo?", or None."""
    if "?" in text:
        return None
    said = " ".join(re.sub(r"[.!,;:()\"]", " ", _without_symbols(text)).split())
    named = [*_NAMED.finditer(fold(said))]
    lead = named[-1] if named else _LEAD.match(fold(said))
    if lead:
        said = said[lead.end() :]
    return plausible(said)


def first_name(name: str | None) -> str:
    return (name or "").strip().split(" ")[0]
