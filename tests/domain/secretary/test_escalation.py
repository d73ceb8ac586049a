"""When the secretary calls a person (P7): pure rules over the remembered turns."""

from __future__ import annotations

from domain.secretary import escalation
from domain.secretary.memory import Turn
from domain.secretary.nlu import analyse


def customer(i: int, text: str) -> Turn:
    a = analyse(text)
    return Turn(i, "user", text, a.intent, a.sentiment)


def ours(i: int, source: str) -> Turn:
    return Turn(i, "model", "…", source=source)


def test_asking_for_a_person_hands_over_at_once() -> None:
    assert escalation.before_reply(analyse("quero falar com um atendente"), []) == (
        "customer_request",
        "asked_for_a_person",
    )


def test_one_complaint_is_answered_two_are_handed_over() -> None:
    upset = analyse("que absurdo, isso nao funciona")
    assert upset.sentiment == "negative"
    assert escalation.before_reply(upset, []) is None
    history = [customer(1, "isso é um absurdo, péssimo atendimento"), ours(2, "llm")]
    assert escalation.before_reply(upset, history) == (
        "unsupported_request",
        "repeated_frustration",
    )
    calm = [customer(1, "oi"), ours(2, "llm"), customer(3, "ok"), ours(4, "llm")]
    assert escalation.before_reply(upset, calm) is None


def test_three_messages_not_understood_offline_go_to_a_person() -> None:
    unclear = analyse("blablabla xyz")
    assert unclear.intent == "other"
    two = [customer(1, "asdf"), ours(2, "offline"), customer(3, "qwerty"), ours(4, "offline")]
    assert escalation.offline_gives_up(unclear, two) == ("pending_clarification", "not_understood")
    assert escalation.offline_gives_up(unclear, two[2:]) is None
    understood = [customer(1, "quero marcar"), ours(2, "offline"), customer(3, "qwerty")]
    assert escalation.offline_gives_up(unclear, understood) is None


def test_a_second_model_failure_in_a_row_is_a_tool_failure() -> None:
    assert not escalation.model_keeps_failing([])
    assert not escalation.model_keeps_failing([customer(1, "oi"), ours(2, "llm")])
    assert escalation.model_keeps_failing([customer(1, "oi"), ours(2, "fallback")])


def test_every_reason_has_a_message_that_names_the_company_and_the_customer() -> None:
    for reason in escalation.OPENINGS:
        text = escalation.message(reason, "Clínica Sorriso", "Maria Souza")
        assert "Clínica Sorriso" in text and "Maria" in text and "Souza" not in text
