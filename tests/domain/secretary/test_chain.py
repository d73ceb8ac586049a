"""The responder chain: the first answer wins, a released conversation skips to the
secretary's own responders, and a chain that cannot answer is a programming error."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from domain.billing.quotas import Limits
from domain.secretary.chain import PASS_TO_SECRETARY, Ask, PassToSecretary, run_chain
from domain.secretary.nlu import analyse
from domain.secretary.replies import Composed, Context
from domain.tenancy.directory import CompanyProfile


def ask(words: str = "oi") -> Ask:
    company = CompanyProfile(1, "Clínica Sorriso", "sorriso", "America/Sao_Paulo", {}, Limits())
    inbound = SimpleNamespace(id=7, phone="5511988887777", body=words, kind="text")
    analysis = analyse(words)
    return Ask(company, Context(inbound), words, analysis, datetime(2026, 12, 1, tzinfo=UTC))


class Fixed:
    def __init__(self, answer: Composed | PassToSecretary | None, always: bool = False) -> None:
        self.answer, self.always = answer, always
        self.called = 0

    async def respond(self, _: Ask) -> Composed | PassToSecretary | None:
        self.called += 1
        return self.answer


async def test_the_first_responder_that_answers_wins() -> None:
    chain = [Fixed(None), Fixed(Composed("a", "first")), Fixed(Composed("b", "second"), True)]
    assert (await run_chain(chain, ask())).source == "first"
    assert [r.called for r in chain] == [1, 1, 0]


async def test_a_released_conversation_skips_to_the_secretarys_own_responders() -> None:
    reminder = Fixed(Composed("confirmado", "agenda"))
    chain = [
        Fixed(PASS_TO_SECRETARY),
        reminder,
        Fixed(None, always=True),
        Fixed(Composed("olá", "llm"), always=True),
    ]
    assert (await run_chain(chain, ask("desisto"))).source == "llm"
    assert reminder.called == 0


async def test_a_chain_where_nobody_answers_is_an_error() -> None:
    with pytest.raises(LookupError):
        await run_chain([Fixed(None), Fixed(None, always=True)], ask())
