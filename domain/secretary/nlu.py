"""Offline intent and sentiment for Brazilian Portuguese WhatsApp messages (P2).

Rules over a normalised text: accents folded, case lowered, common chat abbreviations
expanded ("vc", "pq", "pfv"), letters repeated for emphasis squeezed ("oiii"). Each intent has
weighted patterns; the strongest wins, with priority between near-ties (a customer who says
"nao vou poder ir, pode desmarcar" is cancelling even though "ir" sounds like attending).
Sentiment uses a small lexicon with negation and emojis. No model download, no network: the
same code runs in tests, in the worker and behind POST /api/nlu/analyze.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

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
    "qdo": "quando",
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
}

# (pattern, weight) per intent, on normalised text.
PATTERNS: dict[str, tuple[tuple[str, float], ...]] = {
    "handoff": (
        (r"\b(atendente|humano|operador|recepcao|recepcionista)\b", 3.0),
        (r"\bfalar com (alguem|uma pessoa|um humano|gente|a equipe|o responsavel)", 3.0),
        (r"\b(uma pessoa|alguem de verdade|alguem da equipe|atendimento humano)\b", 2.5),
        (r"\b(me (passa|transfere)|transferir)\b", 2.0),
        (r"\brobo\b", 1.5),
        (r"\balguem (ai|pra me atender)\b", 2.0),
    ),
    "cancel": (
        (r"\b(cancel\w*|desmarc\w*)\b", 3.0),
        (r"\bnao vou (mais )?(poder|conseguir)? ?(ir|comparecer)\b", 1.5),
        (r"\b(desisti|tirar meu nome)\b", 2.0),
    ),
    "reschedule": (
        (r"\b(remarc\w*|reagend\w*|adiar|antecipar)\b", 3.0),
        (r"\b(mudar|trocar|passar)\b.{0,30}\b(horario|data|dia|consulta|exame)\b", 2.5),
        (r"\b(outro dia|outro horario|mais tarde)\b", 1.5),
    ),
    "confirm": (
        # "confirmo", "confirmar", "confirmada" - but not "(email de) confirmacao".
        (r"\bconfirm(o|a|ar|ado|ada|amos|e|em)\b", 3.0),
        (r"\b(estarei (la|presente|ai)|vou sim)\b", 2.5),
        (r"^(sim|s|ok|pode ser)\b", 1.0),
    ),
    "schedule": (
        (r"\b(agend\w*|marcar|marcacao)\b", 2.5),
        (r"\b(consulta|exame|encaixe|reuniao)\b", 1.0),
        (r"\b(vaga|disponibilidade|horario (disponivel|livre)|tem horario|proximo horario)\b", 2.0),
    ),
    "support": (
        (r"\b(problema|erro|ajuda|duvida|nao funciona|nao consigo|nao recebi)\b", 2.0),
        (
            r"\b(segunda via|boleto|senha|portal|link|resultado|receita|atestado|preparo|jejum)\b",
            1.5,
        ),
        (r"\b(endereco|onde fica|aceitam|convenio|unimed|como faco|como funciona)\b", 1.5),
    ),
    "sales": (
        (r"\b(preco|valor(es)?|quanto (custa|sai|e|esta)|orcamento)\b", 3.0),
        (r"\b(pacote|plano|promocao|desconto|parcela\w*|formas de pagamento|vendem)\b", 2.0),
    ),
    "greeting": (
        (r"^(oi+e?|ola|opa|e ai|bom dia|boa tarde|boa noite|hey|alo)\b", 2.0),
        (r"\b(tudo bem|tudo bom|tudo certo)\b", 1.0),
    ),
}
# Near-ties resolve in this order (earlier wins).
PRIORITY = (
    "handoff",
    "cancel",
    "reschedule",
    "confirm",
    "sales",
    "support",
    "schedule",
    "greeting",
)

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


@dataclass(frozen=True)
class Analysis:
    intent: str
    confidence: float
    sentiment: str


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


def classify_intent(text: str) -> tuple[str, float]:
    """(intent, confidence in 0..1)."""
    plain = normalise(text)
    scores = {
        intent: sum(weight for pattern, weight in patterns if re.search(pattern, plain))
        for intent, patterns in PATTERNS.items()
    }
    best = max(scores.values())
    if best <= 0:
        return "other", 0.5
    contenders = [i for i in PRIORITY if scores[i] >= best - 0.5]
    intent = contenders[0]
    total = sum(scores.values())
    return intent, round(min(1.0, 0.5 + 0.5 * scores[intent] / total), 2)


def classify_sentiment(text: str) -> str:
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


def analyse(text: str) -> Analysis:
    intent, confidence = classify_intent(text)
    return Analysis(intent, confidence, classify_sentiment(text))
