"""The follow-up's answers in the secretary's chain (G7), next to the reminders' answers: a
score ("4", "nota 9", "😍", "péssimo", "mais ou menos"), then, after a low one, what could be
better. A complaint goes to a person at once (handoff reason `negative_feedback`) and raises
the signed alert the scheduler POSTs to the company's alert URL. Anything that is no answer,
or comes after the 7-day window, goes on to the secretary as usual; an answer that also asks
for something ("Foi ótimo! Quero marcar o retorno") is recorded and goes on to the secretary
too, who answers the request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from domain.db import TenantDatabase
from domain.feedback import store
from domain.feedback.answers import (
    Answer,
    concerns_care,
    is_complaint,
    read_answer,
    read_comment,
)
from domain.feedback.wording import ASK_COMMENT, THANKS_COMMENT, THANKS_GOOD, THANKS_NEUTRAL
from domain.observability.metrics import (
    FEEDBACK_SCORE,
    FOLLOWUPS_ANSWERED,
    FOLLOWUPS_NEGATIVE,
    metrics,
)
from domain.operations.audit import record
from domain.secretary.chain import Ask
from domain.secretary.replies import Composed

REASON = "negative_feedback"
ACTOR = "cliente (WhatsApp)"
# An answer that also asks for something ("Foi ótimo! Quero marcar o retorno", "nota 10, queria
# remarcar", "foi bom, qual o endereço?"): its score is kept, the secretary answers the request.
REQUESTS = ("schedule", "reschedule", "cancel", "handoff", "sales", "support")
# Booking requests are told apart surely at a lower confidence than the rest: a review is
# seldom read as "schedule", while a complaint often reads as "support" or "handoff" ("fui mal
# atendida" is "support" at 0.9), so those count as requests only as a question.
BOOKING = ("schedule", "reschedule", "cancel")
BOOKING_CONFIDENCE = 0.6


@dataclass(frozen=True)
class _Taken:
    """What an answer did, counted once the transaction committed."""

    reply: Composed | None  # None: recorded, and the secretary answers what else was asked
    kind: str
    score: int | None = None
    complaint: bool = False


class FollowupAnswers:
    always = False

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def respond(self, ask: Ask) -> Composed | None:
        if not ask.text.strip():
            return None
        async with TenantDatabase(self._engine, ask.company.id).transaction() as conn:
            followup = await store.open_followup(conn, ask.company.id, ask.phone, ask.now)
            if followup is None:
                return None
            if followup.stage == "score":
                if await store.moved_on(conn, followup, ask.context.inbound.conversation_id):
                    return None  # the talk is about something else now: the secretary's
                taken = await self._score(conn, followup, ask)
            else:
                taken = await self._comment(conn, followup, ask)
        if taken is None:
            return None
        if taken.score is not None:
            metrics.inc(FOLLOWUPS_ANSWERED, kind=taken.kind)
            metrics.observe(FEEDBACK_SCORE, taken.score, kind=taken.kind)
        if taken.complaint:
            metrics.inc(FOLLOWUPS_NEGATIVE, kind=taken.kind)
        return taken.reply

    async def _score(self, conn: AsyncConnection, followup: Any, ask: Ask) -> _Taken | None:
        kind = followup.kind or "csat"
        booking = _books(ask)
        asked = "?" in ask.text or ask.analysis.second in REQUESTS
        request = booking or asked or concerns_care(ask.text)
        answer = read_answer(ask.text, kind, request=request)
        if answer is None:
            return None
        if booking and answer.how in ("words", "text") and answer.sentiment == "negative":
            # "quero remarcar, atrasei", "preciso remarcar, vou demorar": the delay is the
            # customer's own; a complaint beside a booking request comes with a score.
            return None
        complaint = is_complaint(answer, kind)
        inbound = ask.context.inbound
        event_id = await store.record_score(
            conn, followup, answer, inbound.id, inbound.contact_id, complaint, ask.now
        )
        if event_id is None:
            return None  # answered already (a retried job): the secretary takes it
        await _audit(conn, "feedback.answered", event_id, kind, answer)
        if complaint:
            return _Taken(self._handoff(ask, asks=answer.comment is None), kind, answer.score, True)
        if request:
            return _Taken(None, kind, answer.score)
        body = THANKS_GOOD if answer.sentiment == "positive" else THANKS_NEUTRAL
        return _Taken(Composed(body, "followup", analysis=ask.analysis), kind, answer.score)

    async def _comment(self, conn: AsyncConnection, followup: Any, ask: Ask) -> _Taken | None:
        answer = read_comment(ask.text)
        if answer is None or ("?" in ask.text and _asks(ask)):
            return None
        complaint = answer.sentiment == "negative"
        if not await store.record_comment(conn, followup, answer, complaint):
            return None
        await _audit(conn, "feedback.commented", followup.id, followup.kind or "csat", answer)
        kind = followup.kind or "csat"
        return _Taken(Composed(THANKS_COMMENT, "followup", analysis=ask.analysis), kind)

    def _handoff(self, ask: Ask, asks: bool) -> Composed:
        """The one message of a complaint: sorry, the open question when the customer has not
        said what went wrong yet, and that a person will answer (the bot then stays quiet)."""
        first = (ask.context.contact_name or "").strip().split(" ")[0]
        you = f", {first}" if first else ""
        person = f"uma pessoa da equipe da {ask.company.name} vai falar com você por aqui"
        if asks:
            body = f"{ASK_COMMENT.replace('Sentimos muito.', f'Sentimos muito{you}.')} "
            body += f"Pode escrever à vontade: {person}."
        else:
            body = f"Sentimos muito pela sua experiência{you}. Obrigada por nos contar: {person}."
        return Composed(body, "handoff", REASON, "followup", analysis=ask.analysis)


def _asks(ask: Ask) -> bool:
    return ask.analysis.intent in REQUESTS and ask.analysis.confidence >= 0.8


def _books(ask: Ask) -> bool:
    """The message asks to book, move or cancel: sure enough as a whole, or in a clause."""
    analysis = ask.analysis
    sure = analysis.intent in BOOKING and analysis.confidence >= BOOKING_CONFIDENCE
    return sure or analysis.second in BOOKING


async def _audit(
    conn: AsyncConnection, action: str, entity_id: int, kind: str, answer: Answer
) -> None:
    await record(
        conn,
        actor=ACTOR,
        action=action,
        entity="feedback_event" if action == "feedback.answered" else "followup",
        entity_id=entity_id,
        after={"kind": kind, "score": answer.score, "sentiment": answer.sentiment},
    )
