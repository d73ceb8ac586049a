"""What a customer's answer to a follow-up says: a score on the question's scale (CSAT 1-5,
NPS 0-10) and a sentiment, read from a number ("4", "nota 9", "10/10", "nota dez"), emojis
("😍", "⭐⭐⭐⭐"), words ("ótimo", "amei", "mais ou menos", "péssimo", "não gostei") or, failing
those, the feeling of free text ("a doutora foi super atenciosa"). A negated complaint is
praise ("não tenho do que reclamar", "sem queixas", "zero problemas"); a health or billing
matter without a score is no review ("a dor piorou", "problema com o pagamento"). Pure: the
responder (domain/feedback/responders.py) decides what to do with it.

Everything is read in `chat_text.normalise`'s form (lowercase, no accents, "obg" expanded,
"otimooo" squeezed), so "foi otimo obg", "Ótimo!!" and "OTIMOOO" read alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.secretary.chat_text import normalise
from domain.secretary.feelings import lexicon_sentiment

CSAT = "csat"
NPS = "nps"
SCALE = {CSAT: (1, 5), NPS: (0, 10)}
# A CSAT answer read from words or emojis, said on the NPS scale (0-6 detractors, 7-8 passives,
# 9-10 promoters): a neutral word ("mais ou menos", "normal") is a passive, not a detractor who
# would be handed to a person; only "ruim" and worse are detractors.
CSAT_TO_NPS = {1: 0, 2: 4, 3: 7, 4: 8, 5: 10}
NUMBER_WORDS = {
    "zero": 0,
    "um": 1,
    "uma": 1,
    "dois": 2,
    "duas": 2,
    "tres": 3,
    "quatro": 4,
    "cinco": 5,
    "seis": 6,
    "sete": 7,
    "oito": 8,
    "nove": 9,
    "dez": 10,
}
# Words and phrases on the CSAT scale, longest first where one contains another.
PHRASES: tuple[tuple[str, int], ...] = (
    ("nem bom nem ruim", 3),
    ("mais ou menos", 3),
    ("mais o menos", 3),
    ("poderia ser melhor", 3),
    ("podia ser melhor", 3),
    ("deixou a desejar", 2),
    ("deixou muito a desejar", 1),
    ("nunca mais", 1),
    ("muito ruim", 1),
    ("muito mal", 1),
    ("muito bom", 5),
    ("muito boa", 5),
    ("muito bem", 5),
    ("super bem", 5),
    ("super bom", 5),
    ("foi bem", 4),
    ("tudo certo", 4),
    ("foi tudo bem", 4),  # "tudo bem" alone is small talk ("oi, tudo bem?"), no score
    ("tudo otimo", 5),
    ("de boa", 4),
    # A long wait is a complaint however it is said: "esperei muito", "a espera foi longa".
    (r"esper\w*\s+(?:[a-z]+\s+)?(?:muito|demais|bastante|horas|uma eternidade)", 2),
    (r"esper\w*\s+(?:[a-z]+\s+)?(?:longa|longo|enorme|absurda|cansativa)", 2),
)
STEMS: tuple[tuple[str, int], ...] = (
    ("pessim", 1),
    ("pesim", 1),  # "pesimo"
    ("orrivel", 1),
    ("horrivel", 1),
    ("horroros", 1),
    ("terrivel", 1),
    ("odiei", 1),
    ("lixo", 1),
    ("absurd", 1),
    ("vergonh", 1),
    ("desrespeit", 1),
    ("descaso", 1),
    ("pior", 1),
    ("ruim", 2),
    ("insatisfeit", 2),
    ("decepcion", 2),
    ("demor", 2),
    ("atras", 2),
    ("fraco", 2),
    ("mal atendid", 2),
    ("bem atendid", 4),
    ("grosseir", 1),
    ("gross", 2),  # "foi meio grossa", "o médico foi grosso"
    ("mal educad", 1),
    ("chat[oa]", 2),  # "a secretária é chata"; not "chateado" alone, read by the lexicon
    ("jamais volt", 1),
    ("precisa melhorar", 2),
    ("pode(?:ria)? melhorar", 3),
    ("esper\\w* (?:mais de |quase |umas? |uns )?\\d+ ?(?:h\\b|hora|min)", 2),  # waited 40 min
    ("mediano", 3),
    ("razoavel", 3),
    ("regular", 3),
    ("normal", 3),
    ("aceitavel", 3),
    ("bom", 4),
    ("boa", 4),
    # Any person of the verb: "meu filho adorou", "gostamos", "curti", "amamos".
    (r"gost(?:ei|ou|amos|aram|o)\b", 4),
    (r"curt(?:i|iu|imos|iram)\b", 4),
    ("satisfeit", 4),
    ("legal", 4),
    ("bacana", 4),
    ("tranquil", 4),
    ("agradavel", 4),
    ("atencios", 4),
    (r"am(?:ei|ou|amos|aram)\b", 5),
    ("ador", 5),
    ("otim", 5),
    ("excelente", 5),
    ("exelent", 5),  # as typed in a hurry: "exelente", "excelnte"
    ("excelnt", 5),
    ("perfeit", 5),
    ("maravilh", 5),
    ("sensacional", 5),
    ("incrivel", 5),
    ("espetacular", 5),
    ("fantastic", 5),
    ("impecavel", 5),
    ("top", 5),
    ("show", 5),
    ("massa\\b", 5),  # slang: "foi massa", "daora", "só elogios"
    ("da ?ora\\b", 5),
    ("so (?:tenho )?elogios", 5),
    ("nota mil", 5),
    ("recomend", 5),  # recomendo, recomendaria, recomendei ("não recomendaria" flips)
    ("excepcional", 5),
)
EMOJIS: dict[str, int] = {
    **dict.fromkeys("😡🤬😠👎😭😢😞💔😤😩😫🤮", 1),
    **dict.fromkeys("🙁☹😕😒🙄😔😣", 2),
    **dict.fromkeys("😐😶🤔😑", 3),
    **dict.fromkeys("🙂👍😊☺👌✅", 4),
    **dict.fromkeys("😍🥰🤩😁😃😄😀❤💚💙💜🧡💛👏🙌🔝💯😘🤗", 5),
}
# Filled stars count, empty ones do not: "★★★★☆" is a 4.
STARS = "⭐🌟★✪✫✬✭✮✯✰⭑"
# A "não" (or "nem", "nunca") one word before a word flips it: "não gostei", "não foi bom".
NEGATION = re.compile(r"\b(?:nao|nem|nunca|nada)\s+(?:\w+\s+)?$")
NEGATORS = r"(?:nao|(?<!bom )(?<!boa )nem|nunca|jamais|nada|nd|sem|nenhum|nenhuma|zero|ninguem)"
# What a complaint is about or how it is said; negated ("não tenho do que reclamar", "sem
# queixas", "nenhum problema", "nada de ruim", "não demorou", "problema nenhum") it is praise.
GRIEVANCES = (
    r"(?:reclam|queix|problem|defeit|critic|ruim|mal\b|pessim|horrivel|terrivel|demor|atras|"
    r"espera|desejar|incomod|reparo|decepc|dor(?:es)?\b|doeu|doi\b|sangr|inflam|inch|febre)\w*"
)
# Up to four plain words between the negator and the grievance, none of them a feeling of
# its own ("não gostei foi ruim" stays a complaint) nor crossing punctuation.
_FEELING = r"gost|ador|amei|bo[am]\b|nem\b|otim|pessim|ruim|(?:e|mas|porem|pois|porque|so)\b"
_GAP = rf"(?:(?!{_FEELING})\w+\s+){{0,4}}"
_NEGATED_GRIEVANCE = re.compile(
    rf"\b{NEGATORS}\s+{_GAP}{GRIEVANCES}|\b{GRIEVANCES}\s+(?:nenhum|nenhuma|algum|alguma)\b"
)
# Said in place of a negated grievance: a satisfied answer ("satisfeit" below).
_NO_GRIEVANCE = " satisfeito "
# A message about the customer's health or a bill is no review, whatever its feeling ("a dor
# piorou depois do procedimento", "tive um problema com o pagamento"): the secretary answers
# it (and hands health matters to a person) unless the customer also gives a score.
NOT_A_REVIEW = re.compile(
    r"\b(?:dor|dores|doi|doendo|doeu|latej\w*|sensivel|sensibilidade|ardend\w*|febre|"
    r"sangr\w*|inflam\w*|inchad\w*|inchou|incha\w*|"
    r"infec\w*|pus|alergi\w*|coceira|tontura|enjoo|vomit\w*|sintoma\w*|remedio\w*|"
    r"medicament\w*|antibiotico\w*|receita|curativo|sutura|cirurgia|piorou|"
    r"pagamento|pagar|paguei|cobranc\w*|cobrad\w*|cobrou|cobraram|boleto|pix|cartao|fatura|"
    r"reembols\w*|estorn\w*|nota fiscal|recibo|parcela\w*|convenio|plano de saude)\b"
)
# Words around a bare score that say nothing more: "nota 9", "dou 10", "5 estrelas obrigado".
FILLER = set(
    [
        "nota",
        "notas",
        "dou",
        "daria",
        "dei",
        "eu",
        "minha",
        "meu",
        "a",
        "o",
        "e",
        "de",
        "pra",
        "para",
        "com",
        "voces",
        "voce",
        "vcs",
        "estrelas",
        "estrela",
        "ponto",
        "pontos",
        "obrigado",
        "obrigada",
        "valeu",
        "sim",
        "foi",
        "ta",
        "esta",
        "e",
        "um",
        "uma",
        "ou",
    ]
)
_NUMBER = re.compile(r"(?<![\d,.])(\d{1,2})(?:[.,]\d)?(?![\d])")
_EXPLICIT = re.compile(
    r"\bnota\s+(\d{1,2}|" + "|".join(NUMBER_WORDS) + r")\b|\b(\d{1,2})\s*(?:/|de)\s*(5|10)\b"
    r"|\b(\d|um|uma|dois|duas|tres|quatro|cinco)\s*estrelas?\b"
)
_WORD = re.compile(r"[a-z]+")
GREETINGS = re.compile(r"\b(?:bom dia|boa tarde|boa noite|ola|oi|oie)\b")
# "2 dias", "1 hora": a number counting something, not a score.
MEASURES = (
    "minut",
    "hora",
    "dia",
    "semana",
    "mes",
    "meses",
    "ano",
    "vez",
    "vezes",
    "rea",
    "pessoa",
)
# Longer than this, a message is a conversation, not an answer (it still may be a comment).
MAX_ANSWER = 600


@dataclass(frozen=True)
class Answer:
    score: int | None  # on the question's scale; None for free text without a feeling
    sentiment: str  # positive | neutral | negative
    comment: str | None  # the customer's words when they say more than a score
    how: str  # number | emoji | words | text: how the score was read


def read_answer(text: str, kind: str, request: bool = False) -> Answer | None:
    """The score and sentiment `text` gives to a follow-up of `kind`; None when it is no
    answer (a question, a thank-you alone, a health or billing matter, something else).

    `request`: the message also asks for something ("Foi ótimo! Quero marcar o retorno",
    "foi bom, qual o endereço?"). Then only the parts that are no request are read."""
    raw = (text or "").strip()
    if not raw or len(raw) > MAX_ANSWER:
        return None
    if not request:
        return _read(raw, kind)
    parts = [p for p in _CLAUSE.split(_rounded(raw)) if p.strip() and "?" not in p]
    answered = [p.strip() for p in parts if _read(p, kind) is not None]
    if not answered:
        return None
    answer = _read(", ".join(answered), kind)
    return None if answer is None else Answer(answer.score, answer.sentiment, raw, answer.how)


# Where one part of a message ends: "Foi ótimo! Quero marcar", "nota 10, queria remarcar".
_CLAUSE = re.compile(
    r"(?<=[!?.;,\n])\s*|\s+(?:mas|e)\s+(?=quer|gostaria|precis|pode|posso)", re.IGNORECASE
)


_STAR_COUNT = re.compile(rf"\b(\d)\s*[{STARS}]+")
# The customer's own delay ("vou atrasar", "tô atrasada", "desculpa o atraso", "atrasei"):
# no grievance against the clinic, and no answer to a follow-up.
OWN_DELAY = re.compile(
    r"\b(?:vou|vamos|vai|to|tou|estou|estamos|fiquei|acabei|posso|pode|eu)\s+(?:me\s+|ficar\s+)?"
    r"atras\w*|\batrasei\b|\bme atrasei\b|\bdesculp\w*\s+(?:\w+\s+){0,2}atraso\b"
)


def _read(raw: str, kind: str) -> Answer | None:
    raw = _STAR_COUNT.sub(r"\1 estrelas", _rounded(raw.strip()))  # "5⭐" says "5 estrelas"
    # "Bom dia! Foi ótimo": the greeting is no score ("bom" would read as a 4).
    plain = OWN_DELAY.sub(" ", GREETINGS.sub(" ", normalise(raw)))
    plain = _NEGATED_GRIEVANCE.sub(_NO_GRIEVANCE, plain)
    words = _WORD.findall(plain)
    question = "?" in raw
    scored = _number(plain, words, kind)
    how = "number"
    if scored is None and not question:
        csat, how = _emoji(raw), "emoji"
        if csat is None:
            csat, how = _words(plain), "words"
        scored = None if csat is None else _on_scale(csat, kind)
    if how != "number" and NOT_A_REVIEW.search(plain):
        return None
    if scored is None:
        if question:
            return None
        return _free_text(raw, plain, words, kind)
    return Answer(scored, _sentiment(scored, kind, plain), _comment(raw, words), how)


def concerns_care(text: str) -> bool:
    """The message speaks of the customer's health or a bill ("nota 9, mas o dente tá
    doendo"): whatever score it gives, the secretary must also answer it. A negated one ("sem
    dor nenhuma") does not count."""
    plain = _NEGATED_GRIEVANCE.sub(_NO_GRIEVANCE, normalise(text or ""))
    return NOT_A_REVIEW.search(plain) is not None


_DECIMAL = re.compile(r"(?<![\d.,])(\d{1,2})[.,](\d)(?![\d.,])")


def _rounded(raw: str) -> str:
    """ "4,5" or "4.5" is a 5 and "8,4" an 8: half up, as a person would round a score."""
    return _DECIMAL.sub(lambda m: str(int(m.group(1)) + (int(m.group(2)) >= 5)), raw)


def _number(plain: str, words: list[str], kind: str) -> int | None:
    """A score typed as a number: "4", "nota 9", "10/10", "nota dez", "5 😍". A number inside
    a sentence ("volto em 2 semanas") is no score unless said as one ("nota 8")."""
    plain = _TIME.sub(" ", plain)  # "5 da tarde", "às 9h": a time, not a score
    said_as = [_said(m, kind) for m in _EXPLICIT.finditer(plain)]
    explicit = [v for v in said_as if v is not None]
    if explicit:
        # "nota 10 pra doutora mas a recepção 0": the lowest, so the complaint is seen.
        bare = [_fit(int(m.group(1)), kind) for m in _BARE_SCORE.finditer(plain)]
        return min(explicit + [v for v in bare if v is not None])
    numbers = [int(m.group(1)) for m in _NUMBER.finditer(plain)]
    spoken = [NUMBER_WORDS[w] for w in words if w in NUMBER_WORDS and w not in ("um", "uma")]
    found = numbers or spoken
    rest = [w for w in words if w not in FILLER and w not in NUMBER_WORDS]
    leading = _LEADING.match(plain)
    if leading is not None and not any(w.startswith(MEASURES + COUNTED) for w in rest[:1]):
        # The answer first, then why: "3 poderia ter sido mais rápido", "5, amei a doutora".
        return _fit(int(leading.group(1)), kind)
    counting = any(w.startswith(MEASURES + COUNTED) for w in rest)
    if len(found) != 1 or len(rest) > 2 or counting:
        return None
    value = found[0]
    return _fit(value, kind)


# "2 coisas: …", "3 perguntas": a leading number that counts, not a score.
COUNTED = ("coisa", "pergunt", "duvida", "consult", "filho", "exame")
# A score that opens the message and is followed by words or a stop: "3 poderia…", "9 - ótimo".
_LEADING = re.compile(r"^\s*(\d{1,2})(?:\s*[-–,.!:;)]+\s*|\s+)(?=[a-z])")


_TIME = re.compile(
    r"\b(?:as\s+)?\d{1,2}\s*(?::\d{2}|h\b|hs\b|horas?\b|da (?:manha|tarde|noite))|\bas\s+\d{1,2}\b"
)
# A bare number that ends a clause ("a recepção 0"), beside an explicit score.
_BARE_SCORE = re.compile(
    r"(?<![\d/])(?<!/ )(?<!de )\b(\d{1,2})\b(?!\s*(?:/|de\s+\d|estrela|\d))(?=\s*(?:[!.,;]|$))"
)


def _said(match: re.Match[str], kind: str) -> int | None:
    """The score of one explicit form: "nota 9", "8/10", "5/5", "5 estrelas". Stars and "/5"
    are on the 1-5 scale whatever the question: to the NPS question, "5 estrelas" is a 10."""
    said = match.group(1) or match.group(2) or match.group(4)
    value = int(said) if said.isdigit() else NUMBER_WORDS.get(said)
    if value is None:
        return None
    five = match.group(3) == "5" or match.group(4) is not None
    if five:
        return _on_scale(value, kind) if 1 <= value <= 5 else None
    return _fit(value, kind)


def _fit(value: int, kind: str) -> int | None:
    """A number on the question's scale; on CSAT a 6-10 is read as said on a 0-10 scale."""
    if kind == NPS:
        return value if 0 <= value <= 10 else None
    if value == 0:
        return 1  # "0", "nota zero": the unhappiest customer, on a scale that starts at 1
    if 1 <= value <= 5:
        return value
    if 6 <= value <= 10:
        return (value + 1) // 2  # 9 -> 5, 8 -> 4, 6 -> 3
    return None


def _emoji(raw: str) -> int | None:
    """A score in emojis alone (letters beside them are read as words): the stars counted
    ("⭐⭐⭐⭐" = 4), else the average of the faces."""
    if re.search(r"[A-Za-zÀ-ÿ]", raw):
        faces = [EMOJIS[ch] for ch in raw if ch in EMOJIS]
        # "amei 😍" is words, but a face beside a word with no score of its own still counts.
        return round(sum(faces) / len(faces)) if faces and _words(normalise(raw)) is None else None
    stars = sum(raw.count(star) for star in STARS)  # "★★★☆☆": the empty ones are not counted
    if 1 <= stars <= 5:
        return stars
    faces = [EMOJIS[ch] for ch in raw if ch in EMOJIS]
    return round(sum(faces) / len(faces)) if faces else None


def _words(plain: str) -> int | None:
    """A CSAT score from words: each phrase or stem found counts (negated, it flips); mixed
    praise and complaint ("ótimo, mas demorou") rounds down, so a complaint is never lost."""
    found: list[int] = []
    taken = plain
    for phrase, score in PHRASES:
        for match in re.finditer(rf"\b{phrase}\b", taken):
            found.append(_negated(score, taken[: match.start()]))
        taken = re.sub(rf"\b{phrase}\b", " ", taken)
    for stem, score in STEMS:
        for match in re.finditer(rf"\b{stem}", taken):
            found.append(_negated(score, taken[: match.start()]))
    if not found:
        return None
    if min(found) >= 4:
        return max(found)  # all praise: "excelente, muito atenciosa" is a 5, not their mean
    if min(found) <= 2:
        # Praise and a complaint ("a dra é top, a secretária é chata", "ótimo… esperei 3
        # horas"): the complaint is what a person must see, however much praise surrounds it.
        return min(found)
    return int(sum(found) / len(found))  # floor for the positive mean: 3.5 -> 3


def _negated(score: int, before: str) -> int:
    if NEGATION.search(before) is None:
        return score
    return 2 if score >= 3 else 3  # "não gostei" 2, "não foi ruim" 3


def _on_scale(csat: int, kind: str) -> int:
    return CSAT_TO_NPS[csat] if kind == NPS else csat


def _sentiment(score: int, kind: str, raw: str) -> str:
    """By the score; a middle score takes the words' feeling ("3, demorou muito")."""
    low, high = (2, 4) if kind == CSAT else (6, 9)
    if score <= low:
        return "negative"
    if score >= high:
        return "positive"
    heard = lexicon_sentiment(raw)
    return "negative" if heard == "negative" else "neutral"


def _comment(raw: str, words: list[str]) -> str | None:
    """The answer itself, kept when it says more than a score: "5 😍" or "não gostei" is just
    a score (a low one is then asked what went wrong), "demorou demais, esperei 1 hora" more."""
    meaningful = [w for w in words if w not in FILLER and w not in NUMBER_WORDS]
    return raw if len(meaningful) >= 3 else None


_THANKS_ONLY = re.compile(
    r"^(?:(?:obrigad[oa]|valeu|ok|okay|beleza|certo|tchau|bom dia|boa tarde|boa noite)\s*)+$"
)


def _free_text(raw: str, plain: str, words: list[str], kind: str) -> Answer | None:
    """No score said: the feeling of the words, when they have one ("a recepção me tratou
    com descaso" is a complaint); a thank-you alone or a neutral remark is no answer."""
    if not words or _THANKS_ONLY.match(" ".join(words)):
        return None
    heard = lexicon_sentiment(plain)
    if heard == "neutral":
        return None
    csat = 4 if heard == "positive" else 2
    return Answer(_on_scale(csat, kind), heard, raw, "text")


def read_comment(text: str) -> Answer | None:
    """The open answer after a low score ("O que poderíamos melhorar?"): any words count, with
    their feeling (a complaint stays negative unless it plainly praises)."""
    raw = (text or "").strip()
    words = _WORD.findall(normalise(raw))
    if not words or len(raw) > MAX_ANSWER * 4 or _THANKS_ONLY.match(" ".join(words)):
        return None
    heard = lexicon_sentiment(raw)
    return Answer(None, heard, raw, "text")


def is_complaint(answer: Answer, kind: str) -> bool:
    """A score at or below 2 (CSAT) or 6 (NPS), or negative words: a person must see it."""
    limit = 2 if kind == CSAT else 6
    return (answer.score is not None and answer.score <= limit) or answer.sentiment == "negative"
