"""A small sentiment lexicon with negation and emojis, kept where it beats the learned model.

In leave-one-writer-out cross-validation the model alone read sentiment right 85.2 % of the
time; taking the lexicon's verdict when the model says "neutral" and the lexicon hears a
feeling ("não gostei", "péssimo", "😡", "adorei") made it 86.7 %, and taking its complaint over
the model's praise 86.8 %: the lexicon knows words the corpus has too few examples of.
Otherwise, where both have an opinion, the model's wins.
"""

from __future__ import annotations

import re

from domain.secretary.chat_text import normalise

POSITIVE = (
    "obrigad",
    "agradec",
    "otim",
    "excelente",
    "adorei",
    "gostei",
    "perfeit",
    "maravilh",
    "parabens",
    "legal",
    "top",
    "show",
    "feliz",
    "satisfeit",
    "atencios",
    "ajudou",
    "valeu",
)
NEGATIVE = (
    "pessim",
    "horrivel",
    "ruim",
    "absurd",
    "raiva",
    "demora",
    "insatisfeit",
    "reclam",
    "decepcion",
    "nunca mais",
    "lixo",
    "descaso",
    "irritad",
    "chatead",
    "ridicul",
    "vergonha",
    "ninguem responde",
    "ninguem me",
    "nao resolve",
    "esperando ha",
    "deixaram esperando",
    "nao funciona",
    "nao consigo",
    "erro",
    "problema",
    "nao recebi",
)
POSITIVE_EMOJI = set("😀😃😄😁😊🙂😍🥰😘👍👏🙌❤💚💙🤗✅⭐🌟")
NEGATIVE_EMOJI = set("😡😠😤👎😞😢😭😒🙄💔😩😫")
NEGATION = re.compile(r"\b(nao|nunca|nem)\s+(\w+\s+)?$")


def lexicon_sentiment(text: str) -> str:
    """positive | neutral | negative by the lexicon: stems counted, a "não" before one flips it,
    emojis count, "!!" sharpens a complaint."""
    plain = normalise(text)
    score = 0
    for stems, sign in ((POSITIVE, 1), (NEGATIVE, -1)):
        for stem in stems:
            for match in re.finditer(rf"\b{re.escape(stem)}", plain):
                negated = NEGATION.search(plain[: match.start()]) and not stem.startswith("nao")
                score += -sign if negated else sign
    score += sum(1 for ch in text if ch in POSITIVE_EMOJI)
    score -= sum(1 for ch in text if ch in NEGATIVE_EMOJI)
    if text.count("!") >= 2 and score < 0:
        score -= 1
    return "positive" if score > 0 else "negative" if score < 0 else "neutral"


def blend(model: str, text: str) -> str:
    """The model's sentiment, unless it heard none and the lexicon did, or it heard praise
    where the lexicon hears a complaint ("vcs são péssimos" is never positive)."""
    heard = lexicon_sentiment(text)
    if model == "neutral" or (model == "positive" and heard == "negative"):
        return heard
    return model
