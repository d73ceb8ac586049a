"""The secretary's responders: one small interface, run in order until one answers.

Each responder looks at one inbound message (`Ask`) and either answers it (`Composed`),
passes (`None`: not mine, the next one looks), or lets go of a conversation it was running
(`PASS_TO_SECRETARY`: a customer who gave up on booking is answered by the secretary itself,
the responders that run only for some conversations are skipped), or hands a question asked
in the middle of a flow to the secretary and keeps the flow (`PassToSecretary(resume=...)`:
the secretary's answer ends with the flow's own question again). The last responder (the
model) always answers, so every message that reaches the chain gets one reply.

A new capability (follow-up answers, waitlist offers) is one module with one responder and
one line in `domain/secretary/service.py`'s list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
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
    # A flow under way that the customer interrupted with a question: its question again, said
    # after the secretary's answer (the secretary then offers nothing of its own).
    resume: str = ""

    @property
    def phone(self) -> str:
        return str(self.context.inbound.phone)


@dataclass(frozen=True)
class PassToSecretary:
    resume: str = ""  # empty: the flow was let go; else said after the secretary's answer

    def __repr__(self) -> str:
        return f"PassToSecretary(resume={self.resume!r})" if self.resume else "PASS_TO_SECRETARY"


PASS_TO_SECRETARY: Final = PassToSecretary()
# Answers after which the flow is not taken up again: a person takes over, or a refusal.
_NO_RESUME = ("handoff", "guardrail", "ratelimit")


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
        if isinstance(answer, PassToSecretary):
            released = True
            ask = replace(ask, resume=answer.resume)
        elif isinstance(answer, Composed):
            if ask.resume and answer.source not in _NO_RESUME:
                return replace(answer, body=f"{answer.body}\n\n{ask.resume}")
            return answer
    raise LookupError("no responder answered: the chain must end with one that always does")
