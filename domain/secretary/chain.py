"""The secretary's responders: one small interface, run in order until one answers.

Each responder looks at one inbound message (`Ask`) and either answers it (`Composed`),
passes (`None`: not mine, the next one looks), or lets go of a conversation it was running
(`PASS_TO_SECRETARY`: a customer who gave up on booking is answered by the secretary itself,
the responders that run only for some conversations are skipped). The last responder (the
model) always answers, so every message that reaches the chain gets one reply.

A new capability (follow-up answers, waitlist offers) is one module with one responder and
one line in `domain/secretary/service.py`'s list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Protocol

from domain.secretary.nlu import Analysis
from domain.secretary.replies import Composed, Context
from domain.tenancy.directory import CompanyProfile


@dataclass(frozen=True)
class Ask:
    """One inbound message as every responder sees it."""

    company: CompanyProfile
    context: Context  # the stored message, the contact, its profile and history
    text: str  # the message, sanitised (guardrails.sanitise)
    analysis: Analysis  # of `text`, made once per message
    now: datetime

    @property
    def phone(self) -> str:
        return str(self.context.inbound.phone)


class PassToSecretary:
    def __repr__(self) -> str:
        return "PASS_TO_SECRETARY"


PASS_TO_SECRETARY: Final = PassToSecretary()


class Responder(Protocol):
    # True for the secretary's own answers (handoff rules, the model), which run even after a
    # conversation was let go; False for those that handle only some conversations.
    always: bool

    async def respond(self, ask: Ask) -> Composed | PassToSecretary | None:
        """The answer, None to let the next responder look, or PASS_TO_SECRETARY."""
        ...


async def run_chain(responders: Sequence[Responder], ask: Ask) -> Composed:
    """The first answer in order; a conversation let go skips to the `always` responders."""
    released = False
    for responder in responders:
        if released and not responder.always:
            continue
        answer = await responder.respond(ask)
        if answer is PASS_TO_SECRETARY:
            released = True
        elif isinstance(answer, Composed):
            return answer
    raise LookupError("no responder answered: the chain must end with one that always does")
