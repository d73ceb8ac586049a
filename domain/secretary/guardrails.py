"""Guardrails around the secretary (P3): what goes in, and what may come out.

- Input is sanitised: Unicode normalised (NFKC), control and zero-width characters removed
  (they hide instructions from people but not from models), whitespace tidied, length capped.
- Prompt-injection attempts in Portuguese and English are detected; the pipeline answers them
  with a safe reply and counts them in secretaria_llm_prompt_injection_blocked_total.
- Output is checked before it is sent: no sentence of the system prompt, no canary planted in
  it, no configured secret; WhatsApp-unfriendly markdown is reduced to what WhatsApp shows.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from domain.secretary.nlu import fold

MAX_INPUT_CHARS = 2000
ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)

INJECTION_PATTERNS = (
    # English
    r"\bignore (all |any |the )?(previous|prior|above|earlier|your) (instructions|rules|prompts?)",
    r"\b(disregard|forget) (all |the |your )?(previous |prior )?(instructions|rules)",
    r"\b(system|developer) (prompt|message|instructions)\b",
    r"\b(reveal|show|print|repeat|tell me) (me )?(your|the) (instructions|prompt|rules)",
    r"\byou are now\b|\bact as (a |an )?(?!customer)",
    r"\b(jailbreak|do anything now|developer mode)\b",
    # Portuguese (accents folded before matching)
    r"\bignore (todas )?(as |suas )?(instrucoes|regras|orientacoes)( anteriores)?",
    r"\b(esqueca|desconsidere) (todas )?(as |suas )?(instrucoes|regras)",
    r"\b(prompt|instrucoes) (do sistema|de sistema|iniciais|originais)\b",
    r"\b(revele|mostre|repita|diga|me passa) (quais sao )?(o seu |seu |o |as |suas )?"
    r"(prompt|instrucoes|regras internas)",
    r"\ba partir de agora (voce|vc) (e|sera|vai ser)\b",
    r"\b(finja|aja como se|atue como) (que )?(voce|vc)? ?(e|fosse|nao tivesse)",
    r"\bmodo (desenvolvedor|dev|sem restricoes)\b",
    # Markup that only an attacker writes to a secretary
    r"</?\s*(system|assistant|instructions?)\s*>|#{2,}\s*(system|instruction)",
)
_INJECTION = re.compile("|".join(f"(?:{p})" for p in INJECTION_PATTERNS), re.I)

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


def is_injection(text: str) -> bool:
    return _INJECTION.search(fold(sanitise(text))) is not None


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
