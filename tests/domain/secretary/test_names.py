"""What the secretary calls a customer: the name told, a pushName only when it reads as a
name, never the Simulador's."""

from __future__ import annotations

import pytest

from domain.secretary.names import customer_name, plausible, read_name


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("Maria Souza", "Maria Souza"),
        ("maria da silva", "Maria da Silva"),
        ("JOÃO", "João"),
        ("Ana-Clara", "Ana-Clara"),
        ("Simulador", None),
        ("💙", None),
        ("Loja do Zé", None),
        ("Cliente 123", None),
        ("+55 11 98888-7777", None),
        ("~", None),
        ("", None),
        (None, None),
    ],
)
def test_a_push_name_is_a_name_only_when_it_reads_as_one(raw: str | None, name: str | None) -> None:
    assert plausible(raw) == name


def test_the_name_told_wins_and_the_simulator_has_none() -> None:
    assert customer_name({"name": "Ana Lima"}, "Maria", "Maria", "5511") == "Ana Lima"
    assert customer_name({}, None, "Maria Souza", "5511") == "Maria Souza"
    assert customer_name({}, "Simulador", "Simulador", "sim1") is None
    assert customer_name({}, "Maria", "Maria", "sim1") is None


@pytest.mark.parametrize(
    ("said", "name"),
    [
        ("Ana Lima", "Ana Lima"),
        ("meu nome é Ana Lima", "Ana Lima"),
        ("me chamo ana", "Ana"),
        ("sou a Carla Dias.", "Carla Dias"),
        ("e pro meu filho, ele chama Pedro Lima", "Pedro Lima"),  # re-walk 6
        ("é pra minha mãe, o nome dela é Rosa Maria", "Rosa Maria"),
        ("qual o endereço?", None),
        ("sim", None),
        ("123", None),
    ],
)
def test_reads_the_name_in_an_answer(said: str, name: str | None) -> None:
    assert read_name(said) == name


@pytest.mark.parametrize(
    ("said", "name"),
    [
        ("meu nome é joana pereira 😊", "Joana Pereira"),
        ("Joana Pereira!! 🙏🏽", "Joana Pereira"),
        ("ana-clara ❤️", "Ana-clara"),
        ("😊", None),
        ("123 😊", None),
    ],
)
def test_a_name_told_with_emoji_or_punctuation_is_read(said: str, name: str | None) -> None:
    assert read_name(said) == name


def test_a_push_name_with_an_emoji_is_still_a_name() -> None:
    assert plausible("Fernanda 🌸") == "Fernanda"


def test_emoji_around_a_name_are_decoration_not_a_reason_to_refuse_it() -> None:
    assert plausible("Fernanda 🌸") == "Fernanda"
    assert plausible("👩‍⚕️ Ana Lima") == "Ana Lima"
    assert plausible("💙") is None and plausible("Cliente 123 🌸") is None
