"""Guardrails around the secretary (P3): what goes in, and what may come out.

- Input is sanitised: Unicode normalised (NFKC), control and zero-width characters removed
  (they hide instructions from people but not from models), whitespace tidied, length capped.
- Prompt-injection attempts (domain/secretary/injection.py: Portuguese, English, Spanish, and
  disguised) in the message or the sender's name are answered with a safe reply and counted in
  secretaria_llm_prompt_injection_blocked_total.
- Output is checked before it is sent: no sentence of the system prompt, no canary planted in
  it, no configured secret; WhatsApp-unfriendly markdown is reduced to what WhatsApp shows.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from domain.secretary.chat_text import fold
from domain.secretary.injection import is_injection

__all__ = ["SAFE_INJECTION_REPLY", "is_injection", "leaks", "sanitise", "whatsapp_text"]

MAX_INPUT_CHARS = 2000
ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)

SAFE_INJECTION_REPLY = (
    "Posso ajudar com agendamentos, informações sobre o atendimento ou chamar uma pessoa da "
    "equipe. Como posso ajudar?"
)


def sanitise(text: str, limit: int = MAX_INPUT_CHARS) -> str:
    """What the pipeline (and the model) gets to read of a customer's message."""
    text = unicodedata.normalize("NFKC", text).translate(ZERO_WIDTH)
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return text[:limit]


def leaks(reply: str, system_prompt: str, secrets: Iterable[str] = (), canary: str = "") -> bool:
    """Would sending `reply` reveal the system prompt, its canary or a secret?"""
    folded = fold(reply)
    if canary and canary.lower() in folded:
        return True
    if any(secret and len(secret) >= 6 and secret in reply for secret in secrets):
        return True
    for sentence in re.split(r"(?<=[.!?:\n])\s+", system_prompt):
        sentence = fold(sentence).strip()
        if len(sentence) >= 40 and sentence in folded:
            return True
    return False


def whatsapp_text(reply: str) -> str:
    """Markdown to what WhatsApp renders: *bold*, _italic_, plain lists; no headings or links
    syntax."""
    text = re.sub(r"\*\*(.+?)\*\*", r"*\1*", reply)
    text = re.sub(r"^#{1,6}\s*", "", text, flags=re.M)
    text = re.sub(r"\[([^\]]+)\]\((https?://[^)]+)\)", r"\1: \2", text)
    text = re.sub(r"^\s*[-*]\s+", "• ", text, flags=re.M)
    text = re.sub(r"`{1,3}", "", text)
    return text.strip()
