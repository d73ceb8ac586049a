"""How customers answer "Como foi seu atendimento?" on WhatsApp, and what each answer says:
a score on the question's scale and a sentiment. Realistic phrasings: typos, no accents,
abbreviations, emojis, shouting, numbers in sentences that are not scores."""

from __future__ import annotations

import pytest

from domain.feedback.answers import is_complaint, read_answer, read_comment

CSAT_ANSWERS = [
    # numbers, one tap
    ("1", 1, "negative"),
    ("2", 2, "negative"),
    ("3", 3, "neutral"),
    ("4", 4, "positive"),
    ("5", 5, "positive"),
    (" 5 ", 5, "positive"),
    ("5!", 5, "positive"),
    ("5 😍", 5, "positive"),
    ("4 - gostei", 4, "positive"),
    ("nota 5", 5, "positive"),
    ("Nota 10!!", 5, "positive"),  # said on a 0-10 scale
    ("nota 9", 5, "positive"),
    ("nota 8", 4, "positive"),
    ("10/10", 5, "positive"),
    ("5/5", 5, "positive"),
    ("nota dez", 5, "positive"),
    ("dou 5", 5, "positive"),
    ("5 estrelas", 5, "positive"),
    ("cinco", 5, "positive"),
    # emojis
    ("😍", 5, "positive"),
    ("😍😍😍", 5, "positive"),
    ("👍", 4, "positive"),
    ("🙂", 4, "positive"),
    ("😐", 3, "neutral"),
    ("🙁", 2, "negative"),
    ("😡", 1, "negative"),
    ("👎", 1, "negative"),
    ("⭐⭐⭐⭐⭐", 5, "positive"),
    ("⭐⭐⭐", 3, "neutral"),
    ("❤️", 5, "positive"),
    # words
    ("ótimo", 5, "positive"),
    ("otimo", 5, "positive"),
    ("Ótimo!!", 5, "positive"),
    ("OTIMOOO", 5, "positive"),
    ("foi otimo obg", 5, "positive"),
    ("amei", 5, "positive"),
    ("Amei!! 😍", 5, "positive"),
    ("adorei o atendimento", 5, "positive"),
    ("excelente", 5, "positive"),
    ("Excelente!!! 👏👏", 5, "positive"),
    ("perfeito, obrigada", 5, "positive"),
    ("maravilhoso", 5, "positive"),
    ("top demais", 5, "positive"),
    ("muito bom!", 5, "positive"),
    ("mt bom", 5, "positive"),
    ("foi tudo otimo, a dra é um amor", 5, "positive"),
    ("bom", 4, "positive"),
    ("foi bom", 4, "positive"),
    ("gostei", 4, "positive"),
    ("Gostei muito", 4, "positive"),
    ("foi bem", 4, "positive"),
    ("tudo certo", 4, "positive"),
    ("Bom dia! Foi ótimo", 5, "positive"),  # the greeting is no score
    ("mais ou menos", 3, "neutral"),
    ("mais o menos", 3, "neutral"),
    ("Mais ou menos...", 3, "neutral"),
    ("normal", 3, "neutral"),
    ("razoavel", 3, "neutral"),
    ("nem bom nem ruim", 3, "neutral"),
    ("poderia ser melhor", 3, "neutral"),
    ("ruim", 2, "negative"),
    ("nao gostei", 2, "negative"),
    ("não gostei", 2, "negative"),
    ("n gostei", 2, "negative"),
    ("nao foi bom", 2, "negative"),
    ("demorou demais", 2, "negative"),
    ("demorou muito pra ser atendida", 2, "negative"),
    ("deixou a desejar", 2, "negative"),
    ("péssimo", 1, "negative"),
    ("pessimo", 1, "negative"),
    ("PÉSSIMO!!!", 1, "negative"),
    ("horrivel", 1, "negative"),
    ("pessimo atendimento, esperei 1 hora", 1, "negative"),
    ("a recepcionista foi grosseira", 1, "negative"),
    ("nunca mais volto", 1, "negative"),
    # mixed praise and complaint rounds down: a complaint is never lost
    ("Ótimo atendimento mas demorou muito", 3, "neutral"),
]


@pytest.mark.parametrize(("text", "score", "sentiment"), CSAT_ANSWERS)
def test_csat_answers(text: str, score: int, sentiment: str) -> None:
    answer = read_answer(text, "csat")
    assert answer is not None
    assert (answer.score, answer.sentiment) == (score, sentiment)


NPS_ANSWERS = [
    ("10", 10, "positive"),
    ("nota 10!!", 10, "positive"),
    ("9", 9, "positive"),
    ("8", 8, "neutral"),
    ("7", 7, "neutral"),
    ("6", 6, "negative"),
    ("0", 0, "negative"),
    ("nota 9", 9, "positive"),
    ("dez", 10, "positive"),
    ("10/10", 10, "positive"),
    ("amei", 10, "positive"),
    ("mais ou menos", 6, "negative"),
    ("péssimo", 0, "negative"),
    ("recomendo sim, 10", 10, "positive"),
]


@pytest.mark.parametrize(("text", "score", "sentiment"), NPS_ANSWERS)
def test_nps_answers(text: str, score: int, sentiment: str) -> None:
    answer = read_answer(text, "nps")
    assert answer is not None
    assert (answer.score, answer.sentiment) == (score, sentiment)


@pytest.mark.parametrize(
    ("text", "sentiment"),
    [
        ("a doutora foi super atenciosa comigo", "positive"),
        ("me trataram com descaso na recepção", "negative"),
        ("fiquei esperando ha 40 min e ninguem me chamou", "negative"),
    ],
)
def test_free_text_is_read_by_its_feeling(text: str, sentiment: str) -> None:
    answer = read_answer(text, "csat")
    assert answer is not None and answer.how in ("text", "words")
    assert answer.sentiment == sentiment and answer.comment == text


@pytest.mark.parametrize(
    "text",
    [
        "vcs abrem sabado?",
        "quanto custa a limpeza?",
        "obrigado",
        "obg",
        "ok",
        "bom dia",
        "sim",
        "volto em 2 semanas",
        "esperei 2 horas",  # a number counting something is no score
        "",
        "   ",
        "posso marcar outra consulta?",
        "15",  # out of every scale
    ],
)
def test_what_is_no_answer_goes_to_the_secretary(text: str) -> None:
    assert read_answer(text, "csat") is None


def test_a_bare_score_keeps_no_comment_and_words_are_kept() -> None:
    assert read_answer("5 😍", "csat").comment is None  # type: ignore[union-attr]
    assert read_answer("nota 9", "nps").comment is None  # type: ignore[union-attr]
    said = "demorou demais, fiquei 1 hora na sala de espera"
    assert read_answer(said, "csat").comment == said  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "kind", "complaint"),
    [
        ("1", "csat", True),
        ("2", "csat", True),
        ("3", "csat", False),
        ("mais ou menos", "csat", False),
        ("6", "nps", True),
        ("7", "nps", False),
        ("péssimo", "nps", True),
        ("amei", "csat", False),
        ("me trataram com descaso na recepção", "csat", True),
    ],
)
def test_complaints(text: str, kind: str, complaint: bool) -> None:
    answer = read_answer(text, kind)
    assert answer is not None and is_complaint(answer, kind) is complaint


def test_the_open_answer_after_a_low_score() -> None:
    comment = read_comment("A recepcionista foi grossa e esperei 1 hora")
    assert comment is not None and comment.comment and comment.score is None
    assert read_comment("pessimo atendimento").sentiment == "negative"  # type: ignore[union-attr]
    assert read_comment("obrigada") is None
    assert read_comment("") is None
