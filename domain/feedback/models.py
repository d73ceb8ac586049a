"""Pós-Atendimento (G7): the follow-up due after an appointment, in `public` where one indexed
query finds every company's due follow-ups (as reminders are), and the answers it collects
(`feedback_events`) in the company's schema, next to the appointment and the contact."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Identity,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import PublicBase, TenantBase

FOLLOWUP_STATUSES = ("pending", "sent", "dropped", "skipped")
# What the follow-up waits for once sent: a score, then (after a low one) a comment.
STAGES = ("score", "comment", "done")
KINDS = ("csat", "nps")
SENTIMENTS = ("positive", "neutral", "negative")


class Followup(PublicBase):
    """One follow-up about one appointment, planned when it is booked (due at its end; the
    company's delay and quiet hours are applied when it comes due) and sent at most once.

    No personal data here: the customer is found through the appointment, in the company's
    schema. `alert` is the complaint alert to POST to the company's alert URL ("pending" until
    delivered), one per follow-up however many unhappy answers it gets.
    """

    __tablename__ = "followups"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    appointment_id: Mapped[int] = mapped_column(BigInteger)  # in the company's schema
    key: Mapped[str] = mapped_column(String(120))
    starts_at: Mapped[datetime] = mapped_column()  # the appointment's start when planned
    due_at: Mapped[datetime] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default="pending", server_default="pending")
    reason: Mapped[str | None] = mapped_column(String(64))  # why dropped or skipped
    kind: Mapped[str | None] = mapped_column(String(8))  # csat | nps, chosen when sent
    stage: Mapped[str | None] = mapped_column(String(8))  # score | comment | done, once sent
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    sent_at: Mapped[datetime | None] = mapped_column()
    resent_at: Mapped[datetime | None] = mapped_column()
    answered_at: Mapped[datetime | None] = mapped_column()
    alert: Mapped[str | None] = mapped_column(String(8))  # pending | sent | failed
    alert_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    alert_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    done_at: Mapped[datetime | None] = mapped_column()

    __table_args__ = (
        UniqueConstraint("company_id", "key"),
        CheckConstraint("status IN ('pending', 'sent', 'dropped', 'skipped')", name="status"),
        CheckConstraint("kind IS NULL OR kind IN ('csat', 'nps')", name="kind"),
        CheckConstraint("stage IS NULL OR stage IN ('score', 'comment', 'done')", name="stage"),
        # The dispatcher's claim, the alert sender's and the comment collector's: each a
        # partial index on what is left to do.
        Index("ix_followups_due", "due_at", postgresql_where=text("status = 'pending'")),
        Index("ix_followups_alert", "id", postgresql_where=text("alert = 'pending'")),
        Index("ix_followups_comment", "id", postgresql_where=text("stage = 'comment'")),
        Index("ix_followups_appointment", "company_id", "appointment_id"),
    )


class FeedbackEvent(TenantBase):
    """One answer to a follow-up: a score with its sentiment, and the comment when one came.
    Keyed by follow-up and kind, so a retried job or a second answer never adds a row."""

    __tablename__ = "feedback_events"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    followup_id: Mapped[int] = mapped_column(BigInteger)  # public.followups
    kind: Mapped[str] = mapped_column(String(8))
    score: Mapped[int | None] = mapped_column(SmallInteger)
    sentiment: Mapped[str] = mapped_column(String(8))
    comment: Mapped[str | None] = mapped_column(Text)
    appointment_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointments.id", ondelete="SET NULL")
    )
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    professional: Mapped[str | None] = mapped_column(String(200))
    event_type_id: Mapped[int | None] = mapped_column(Integer)
    message_id: Mapped[int | None] = mapped_column(BigInteger)  # the answer that gave the score
    sent_at: Mapped[datetime] = mapped_column()  # when the question went out
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    __table_args__ = (
        UniqueConstraint("followup_id", "kind"),
        CheckConstraint("kind IN ('csat', 'nps')", name="kind"),
        CheckConstraint("sentiment IN ('positive', 'neutral', 'negative')", name="sentiment"),
        CheckConstraint(
            "score IS NULL OR (kind = 'csat' AND score BETWEEN 1 AND 5) "
            "OR (kind = 'nps' AND score BETWEEN 0 AND 10)",
            name="score",
        ),
        Index("ix_feedback_events_created_at", "created_at"),
    )
