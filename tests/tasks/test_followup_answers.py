"""Answers to the follow-up after an appointment, through the webhook and the real inbound
job (G7): every form of answer becomes one FeedbackEvent and a thank-you; a complaint hands
the conversation to a person and its signed alert reaches the company's alert URL; anything
else, or an answer after the 7-day window, is an ordinary message for the secretary."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import func

from domain.conversations.models import Conversation
from domain.feedback import alerts
from domain.feedback.models import FeedbackEvent, Followup
from domain.operations.models import AuditLog
from domain.webhooks.signatures import verify_signature
from tests.fakes.receiver import FakeReceiver
from tests.support.agenda import Clinic
from tests.support.factories import change, change_company, configure
from tests.support.feedback import followed_up


@pytest.mark.parametrize(
    ("said", "score", "sentiment"),
    [
        ("5", 5, "positive"),
        ("5 😍", 5, "positive"),
        ("ótimo", 5, "positive"),
        ("amei", 5, "positive"),
        ("foi otimo obg", 5, "positive"),
        ("nota 9", 5, "positive"),
        ("4", 4, "positive"),
        ("mais ou menos", 3, "neutral"),
        ("3", 3, "neutral"),
        # a negated complaint is praise, not a complaint for a person
        ("não tenho do que reclamar", 4, "positive"),
        ("Nada a reclamar 👍", 4, "positive"),
        ("sem queixas", 4, "positive"),
        ("zero problemas", 4, "positive"),
    ],
)
async def test_a_happy_or_neutral_answer_is_recorded_once_and_thanked(
    client: Any, clinic: Clinic, said: str, score: int, sentiment: str
) -> None:
    chat = clinic.chat(client)
    followup = await followed_up(clinic)
    reply = await chat.say(said)
    assert "obrigada pela sua avaliação" in reply.lower()
    [event] = await clinic.rows(FeedbackEvent)
    assert (event.followup_id, event.kind, event.score, event.sentiment) == (
        followup,
        "csat",
        score,
        sentiment,
    )
    assert event.contact_id is not None and event.appointment_id is not None
    audit = [a.action for a in await clinic.rows(AuditLog) if a.action.startswith("feedback")]
    assert audit == ["feedback.answered"]
    # The follow-up is settled: the next "5" is an ordinary message, not a second answer.
    await chat.say("5")
    assert len(await clinic.rows(FeedbackEvent)) == 1
    [talk] = await clinic.rows(Conversation)
    assert talk.status == "open"


async def test_nps_answers_are_read_on_0_to_10(client: Any, clinic: Clinic) -> None:
    chat = clinic.chat(client)
    await followed_up(clinic, kind="nps")
    assert "obrigada" in (await chat.say("nota 10!!")).lower()
    [event] = await clinic.rows(FeedbackEvent)
    assert (event.kind, event.score, event.sentiment) == ("nps", 10, "positive")
    metrics_text = (await (await client.get("/metrics")).get_data()).decode()
    assert 'secretaria_appointment_followups_answered_total{kind="nps"} 1.0' in metrics_text
    # (sent as CSAT by the dispatcher; the test made it an NPS question afterwards)
    assert 'secretaria_appointment_followups_sent_total{kind="csat"} 1.0' in metrics_text
    assert 'secretaria_appointment_feedback_score_bucket{kind="nps",le="10.0"} 1.0' in metrics_text


# "mal atendida" reads as a "support" request to the NLU: still a complaint.
@pytest.mark.parametrize("said", ["1", "péssimo", "nao gostei", "😡", "mal atendida"])
async def test_a_complaint_asks_what_to_improve_and_goes_to_a_person_with_a_signed_alert(
    client: Any, clinic: Clinic, receiver: FakeReceiver, said: str
) -> None:
    await configure(clinic.engine, clinic.id, agenda={"local": True}, alert_url=receiver.url)
    await change_company(clinic.engine, clinic.id, webhook_secret="secret-acme")
    chat = clinic.chat(client)
    followup = await followed_up(clinic)
    reply = await chat.say(said)
    assert "O que poderíamos melhorar?" in reply and "uma pessoa da equipe" in reply
    [talk] = await clinic.rows(Conversation)
    assert (talk.status, talk.handoff_reason) == ("handoff", "negative_feedback")
    [event] = await clinic.rows(FeedbackEvent)
    assert event.sentiment == "negative" and event.score is not None and event.score <= 2
    # The bot is quiet now; the scheduler's next tick POSTs the alert, signed, once.
    async with httpx.AsyncClient() as http:
        assert await alerts.send_pending(clinic.engine, http) == {
            "sent": 1,
            "failed": 0,
            "retry": 0,
        }
        assert await alerts.send_pending(clinic.engine, http) == {
            "sent": 0,
            "failed": 0,
            "retry": 0,
        }
    [(headers, body)] = receiver.received
    verify_signature(
        ["secret-acme"], headers["X-Timestamp"], headers["X-Signature"], body, now=time.time()
    )
    sent = orjson.loads(body)
    assert (sent["event"], sent["followup_id"], sent["sentiment"]) == (
        "feedback.negative",
        followup,
        "negative",
    )
    assert sent["customer"] == "Maria Souza" and sent["company"] == "acme"
    [row] = await clinic.rows(Followup, where=Followup.id == followup)
    assert (row.alert, row.stage) == ("sent", "comment")
    metrics_text = (await (await client.get("/metrics")).get_data()).decode()
    assert 'secretaria_appointment_followups_negative_total{kind="csat"} 1.0' in metrics_text


async def test_a_complaint_in_words_is_kept_as_the_comment(
    client: Any, clinic: Clinic, receiver: FakeReceiver
) -> None:
    await configure(clinic.engine, clinic.id, agenda={"local": True}, alert_url=receiver.url)
    await change_company(clinic.engine, clinic.id, webhook_secret="secret-acme")
    receiver.script = [503]  # the first POST fails; the next tick tries again
    chat = clinic.chat(client)
    await followed_up(clinic)
    said = "demorou demais, fiquei 1 hora esperando"
    reply = await chat.say(said)
    assert "Obrigada por nos contar" in reply and "O que poderíamos" not in reply
    [event] = await clinic.rows(FeedbackEvent)
    assert (event.score, event.sentiment, event.comment) == (2, "negative", said)
    async with httpx.AsyncClient() as http:
        assert (await alerts.send_pending(clinic.engine, http))["retry"] == 1
        assert (await alerts.send_pending(clinic.engine, http))["sent"] == 1
    assert orjson.loads(receiver.received[-1][1])["comment"] == said


async def test_a_low_score_then_the_comment_when_a_person_gave_the_bot_back(
    client: Any, clinic: Clinic
) -> None:
    chat = clinic.chat(client)
    await followed_up(clinic, kind="nps")
    assert "O que poderíamos melhorar?" in await chat.say("6")
    # An operator gave the conversation back before the customer wrote again.
    await change(clinic.engine, Conversation, Conversation.id > 0, tenant=clinic.id, status="open")
    assert "Obrigada por nos contar" in await chat.say("a recepção demorou pra me chamar")
    [event] = await clinic.rows(FeedbackEvent)
    assert (event.kind, event.score, event.comment) == (
        "nps",
        6,
        "a recepção demorou pra me chamar",
    )
    actions = [a.action for a in await clinic.rows(AuditLog) if a.action.startswith("feedback")]
    assert actions == ["feedback.answered", "feedback.commented"]


@pytest.mark.parametrize(
    "said",
    [
        "vcs abrem sábado?",
        "quanto custa a limpeza?",
        "oi",
        # health and billing matters are no review: the secretary takes them
        "a dor piorou depois do procedimento",
        "tive um problema com o pagamento",
        "estou com febre desde ontem",
        "o remédio não fez efeito",
        # a delay beside a booking request is the customer's own, no complaint
        "quero remarcar, atrasei",
        "preciso remarcar pq vou me atrasar",
        "quero cancelar, vou demorar pra voltar",
        "da pra remarcar? me atrasei no trabalho",
    ],
)
async def test_what_is_no_answer_goes_to_the_secretary(
    client: Any, clinic: Clinic, said: str
) -> None:
    chat = clinic.chat(client)
    await followed_up(clinic)
    reply = await chat.say(said)
    assert "pela sua avaliação" not in reply and "Sentimos muito pela sua experiência" not in reply
    assert await clinic.rows(FeedbackEvent) == []
    [row] = await clinic.rows(Followup)
    assert row.stage == "score"  # still waiting for the score


async def test_after_seven_days_the_answer_window_is_closed(client: Any, clinic: Clinic) -> None:
    chat = clinic.chat(client)
    followup = await followed_up(clinic)
    week_ago = func.now() - timedelta(days=7, minutes=1)
    await change(clinic.engine, Followup, Followup.id == followup, sent_at=week_ago)
    await chat.say("5")
    assert await clinic.rows(FeedbackEvent) == []


@pytest.mark.parametrize(
    ("said", "score"),
    [
        ("Foi ótimo! Quero marcar o retorno", 5),
        ("nota 10, queria remarcar pra semana que vem", 5),
        ("foi bom, qual o endereço mesmo?", 4),
        ("nota 9, mas o dente tá doendo", 5),  # the pain is answered, not thanked for
    ],
)
async def test_an_answer_with_a_request_keeps_the_score_and_the_secretary_answers(
    client: Any, clinic: Clinic, said: str, score: int
) -> None:
    chat = clinic.chat(client)
    await followed_up(clinic)
    reply = await chat.say(said)
    # The secretary's own answer, not the follow-up's thank-you that would swallow the request.
    assert reply and "pela sua avaliação" not in reply.lower() and "Sentimos" not in reply
    [event] = await clinic.rows(FeedbackEvent)
    assert (event.score, event.sentiment) == (score, "positive")
    [row] = await clinic.rows(Followup)
    assert row.stage != "score"  # answered: the next message is not read as a score
    [talk] = await clinic.rows(Conversation)
    assert talk.status == "open"


async def test_a_neutral_word_on_nps_is_a_passive_not_a_complaint(
    client: Any, clinic: Clinic
) -> None:
    chat = clinic.chat(client)
    await followed_up(clinic, kind="nps")
    reply = await chat.say("mais ou menos")
    assert "obrigada pela sua avaliação" in reply.lower()
    [event] = await clinic.rows(FeedbackEvent)
    assert (event.score, event.sentiment) == (7, "neutral")
    [talk] = await clinic.rows(Conversation)
    assert talk.status == "open"


async def test_once_the_talk_moved_on_a_short_yes_belongs_to_it_not_to_the_follow_up(
    client: Any, clinic: Clinic
) -> None:
    # Second QA pass: "perfeito, até lá" after the secretary answered a question was read as
    # a 5 for the follow-up sent before.
    chat = clinic.chat(client)
    await followed_up(clinic)
    await chat.say("qual o endereço de vocês?")
    await chat.say("perfeito, até lá")
    await chat.say("5 da tarde ta bom")
    assert await clinic.rows(FeedbackEvent) == []


async def test_small_talk_or_the_customers_own_delay_is_no_answer(
    client: Any, clinic: Clinic
) -> None:
    chat = clinic.chat(client)
    await followed_up(clinic)
    for said in ("oi tudo bem", "vou atrasar uns 10 minutos"):
        reply = await chat.say(said)
        assert "sentimos muito" not in reply.lower() and "avaliação" not in reply.lower()
    assert await clinic.rows(FeedbackEvent) == []
