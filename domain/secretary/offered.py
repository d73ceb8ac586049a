"""What the secretary last offered, so that a short "sim" or "não" answers it (not the menu).

The secretary ends some replies with a yes/no question of its own ("Quer aproveitar e agendar
um horário?", "Posso chamar alguém da equipe para te responder?"). The customer's next "sim"
means yes to that offer; the offer is read back from the secretary's last message.
"""

from __future__ import annotations

import re

from domain.secretary.chat_text import fold, normalise

# The offers, as the secretary words them (domain/secretary/offline.py), folded.
SCHEDULE_OFFER = "Quer aproveitar e agendar um horário?"
HANDOFF_OFFER = "Posso chamar alguém da equipe para te responder?"
_OFFERS = {"schedule": fold(SCHEDULE_OFFER), "handoff": fold(HANDOFF_OFFER)}

_YES = re.compile(
    r"^(?:(?:sim|s|ss|si|claro|quero|queria|gostaria|pode|pode ser|pode sim|bora|vamos|ok|okay|"
    r"blz|beleza|isso|isso mesmo|com certeza|por favor|obrigad[oa]|agendar|sim sim)\b\s*)+$"
)
_NO = re.compile(
    r"^(?:(?:nao|n|agora nao|nao precisa|precisa nao|depois|outra hora|obrigad[oa]|so isso|"
    r"tudo bem|valeu)\b\s*)+$"
)


def offered(last_reply: str) -> str | None:
    """ "schedule" | "handoff" when the secretary's last message ended on that offer."""
    tail = fold(last_reply).strip()
    for kind, words in _OFFERS.items():
        if tail.endswith(words):
            return kind
    return None


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", normalise(text)).split())


def agrees(text: str) -> bool:
    """ "sim", "s", "claro, quero!", "pode ser 👍", "sim pfv"."""
    words = _words(text)
    return bool(words) and _YES.match(words) is not None and not words.startswith("obrigad")


def declines(text: str) -> bool:
    """ "não", "agora não", "não, obrigado"."""
    words = _words(text)
    return bool(words) and _NO.match(words) is not None
