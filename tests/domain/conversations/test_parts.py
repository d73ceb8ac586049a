"""A long reply cut into WhatsApp messages (domain/conversations/parts.py, P9): at paragraph,
line and sentence boundaries, a list kept whole when it fits and otherwise cut only between
items, nothing lost, nothing empty, a short reply untouched."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.conversations.parts import split_reply
from tests.support.hostile import BOUNDED


def _words(parts: list[str]) -> list[str]:
    return " ".join(parts).split()


def _sentences(n: int, words: str = "a consulta dura cerca de quarenta minutos") -> str:
    return " ".join(f"Frase {i}: {words}." for i in range(1, n + 1))


def test_a_short_reply_is_one_part_unchanged() -> None:
    reply = "  Olá, Maria!\n\nSua consulta está marcada para amanhã às 13.30.  "
    assert split_reply(reply) == [reply]
    assert split_reply("x" * 1000) == ["x" * 1000]


def test_nothing_to_send_is_no_part() -> None:
    assert split_reply("") == []
    assert split_reply(" \n\n ") == []


def test_paragraphs_are_the_first_boundary() -> None:
    first, second, third = _sentences(10), _sentences(9), _sentences(8)
    parts = split_reply(f"{first}\n\n{second}\n\n{third}", limit=1000)
    assert parts == [f"{first}\n\n{second}", third]


def test_a_long_paragraph_is_cut_after_a_sentence() -> None:
    paragraph = _sentences(40)
    parts = split_reply(paragraph, limit=500)
    assert len(parts) > 1
    assert all(len(part) <= 500 for part in parts)
    assert all(part.endswith(".") for part in parts)
    assert all(part.startswith("Frase ") for part in parts)
    assert _words(parts) == paragraph.split()


@pytest.mark.parametrize(
    "kept",
    [
        "O Dr. Silva",
        "a Dra. Ana",
        "na Av. Paulista",
        "às 13.30 no consultório",
        "por R$ 1.200,00 à vista",
        "em https://clinica.example/agenda?dia=3.5 ou",
        "para contato@clinica.example.com.br hoje",
        "com J. Souza",
    ],
)
def test_no_cut_inside_abbreviations_numbers_urls_or_emails(kept: str) -> None:
    filler = "Leia com calma esta mensagem longa."
    text = " ".join([filler] * 12 + [f"Atendimento {kept} mesmo."] + [filler] * 12)
    for limit in range(60, 200, 7):
        parts = split_reply(text, limit=limit)
        assert any(kept in part for part in parts), (limit, parts)
        assert _words(parts) == text.split()


def test_a_numbered_list_that_fits_stays_in_one_part() -> None:
    intro = _sentences(12)
    items = "\n".join(f"{i}. Dia {i} de março, às {8 + i}h com o Dr. Silva." for i in range(1, 9))
    listing = f"Temos estes horários:\n{items}\nQual prefere?"
    parts = split_reply(f"{intro}\n\n{listing}\n\n{_sentences(6)}", limit=1000)
    assert len(parts) == 2  # the list would fit after the introduction only cut in the middle
    assert parts[0] == intro and parts[1].startswith(listing)


@pytest.mark.parametrize("marker", ["{}.", "{})", "•", "-"])
def test_a_list_longer_than_the_limit_is_cut_only_between_items(marker: str) -> None:
    items = [
        f"{marker.format(i)} Opção {i}: consulta de rotina com retorno em trinta dias. "
        "Traga os exames anteriores."
        for i in range(1, 30)
    ]
    text = "Veja as opções:\n\n" + "\n".join(items)
    parts = split_reply(text, limit=400)
    assert len(parts) > 1 and all(len(part) <= 400 for part in parts)
    for part in parts:
        lines = part.splitlines()
        assert all(line in items for line in lines if line and line != "Veja as opções:")
    assert parts[0].startswith("Veja as opções:\n\n" + items[0])
    assert [line for part in parts for line in part.splitlines() if line in items] == items


def test_sub_items_stay_with_their_item() -> None:
    items = [f"{i}. Plano {i}:\n   - consulta mensal\n   - exames básicos" for i in range(1, 40)]
    parts = split_reply("\n".join(items), limit=200)
    assert all(part.count("\n   - ") == 2 * part.count("Plano ") for part in parts)
    assert _words(parts) == "\n".join(items).split()


def test_a_sentence_longer_than_the_limit_is_cut_between_words() -> None:
    sentence = "palavra " * 200 + "fim."
    parts = split_reply(sentence, limit=100)
    assert all(len(part) <= 100 for part in parts)
    assert all(not part.endswith("palavr") for part in parts)
    assert _words(parts) == sentence.split()


def test_a_word_longer_than_the_limit_is_sent_whole() -> None:
    url = "https://clinica.example/" + "a" * 150
    parts = split_reply(f"Acesse {url} para ver.", limit=100)
    assert url in parts


def test_the_cut_does_not_depend_on_when_it_is_made() -> None:
    text = _sentences(30) + "\n\n" + "\n".join(f"- item {i}" for i in range(80))
    assert split_reply(text) == split_reply(text)


# Texts shaped like replies: words, sentence ends, line and paragraph breaks, list markers.
_word = st.text(alphabet="abcdeçãé0123456789.,$@/:", min_size=1, max_size=14)
_gap = st.sampled_from([" ", " ", " ", ". ", "! ", "? ", "… ", "\n", "\n\n", "\n1. ", "\n- "])
_reply = st.lists(st.tuples(_word, _gap), min_size=1, max_size=400).map(
    lambda pairs: "".join(word + gap for word, gap in pairs)
)


@BOUNDED
@given(_reply, st.integers(min_value=20, max_value=400))
def test_parts_fit_keep_every_word_in_order_and_are_never_empty(text: str, limit: int) -> None:
    parts = split_reply(text, limit=limit)
    assert _words(parts) == text.split()
    assert all(part.strip() for part in parts)
    if len(text) > limit:
        assert all(part == part.strip() for part in parts)
        assert all(len(part) <= limit for part in parts)  # no word here is longer than 20
