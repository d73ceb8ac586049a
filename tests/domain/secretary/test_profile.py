"""The contact profile: what is learnt from messages and how it reads in the prompt."""

from __future__ import annotations

from domain.secretary.nlu import analyse
from domain.secretary.profile import describe, learn


def learnt(*messages: str) -> dict:
    profile: dict = {}
    for message_id, text in enumerate(messages, start=1):
        profile = learn(profile, message_id, text, analyse(text))
    return profile


def test_topics_count_what_the_customer_asks_for() -> None:
    profile = learnt(
        "quero marcar uma consulta", "oi", "preciso agendar outro horario", "quanto custa?"
    )
    assert profile["topics"] == {"schedule": 2, "sales": 1}
    assert profile["messages"] == 4


def test_the_same_message_is_never_learnt_twice() -> None:
    once = learnt("quero marcar uma consulta")
    again = learn(once, 1, "quero marcar uma consulta", analyse("quero marcar uma consulta"))
    assert again is once
    older = learn(once, 0, "quero cancelar", analyse("quero cancelar"))
    assert older is once


def test_preferred_period_weekday_and_style_are_remembered() -> None:
    profile = learnt("vc tem horario na quinta de manha? 😊")
    assert profile["preferences"] == {"period": "manhã", "weekday": "quinta", "style": "informal"}
    formal = learnt("Prezada secretária, gostaria de agendar à tarde.")
    assert formal["preferences"]["style"] == "formal"
    assert formal["preferences"]["period"] == "tarde"


def test_description_names_topics_preferences_and_tone() -> None:
    profile = learnt("vc tem horario na quinta de manha?", "quero marcar consulta blz")
    text = describe(profile, "Maria Souza")
    assert "Maria Souza" in text
    assert "agendamento (2x)" in text
    assert "às quintas" in text and "manhã" in text
    assert "tom leve" in text


def test_an_upset_customer_gets_empathy_not_jokes() -> None:
    profile = learnt("que absurdo, ninguem me responde!!")
    assert profile["last_sentiment"] == "negative"
    assert "empatia" in describe(profile, None)


def test_a_new_customer_still_gets_a_tone() -> None:
    assert describe({}, None) == "Use um tom cordial e natural."
