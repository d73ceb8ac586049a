"""Appointments (G2) in the tenant schema, kept in step with Cal.com both ways, the Cal.com
webhook deliveries already applied (idempotency), and the reminders due (G5) in `public`,
where one indexed query finds every company's due reminders."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Identity,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import PublicBase, TenantBase

STATUSES = ("pending", "scheduled", "confirmed", "rescheduled", "cancelled", "completed", "no_show")
# The statuses that hold a time in the agenda (free slots leave them out; the constraint below).
ACTIVE = ("pending", "scheduled", "confirmed")
# No two active bookings of our own calendar overlap, whoever books (chat, panel, two requests
# racing). Exempt: a booking the operator double-booked on purpose ("Agendar mesmo assim"), and
# Cal.com's bookings (their uid is not local-…): Cal.com arbitrates its own calendar, and its
# webhook must never be refused for a time it has already given away. And the Simulador's
# bookings: a rehearsal never takes a real customer's time. And imported history (issue 18):
# the clinic's former system arbitrated its own calendar, often one per professional, so its
# future appointments overlap each other legitimately (they still count as busy for new ones).
NO_DOUBLE_BOOKING = (
    "status IN ('pending', 'scheduled', 'confirmed') AND NOT overbooked "
    "AND (cal_uid IS NULL OR cal_uid LIKE 'local-%') AND NOT simulated "
    "AND source <> 'import'"
)
# Where imported appointments come from (source) and their uid's prefix: local-… so every
# Cal.com path (sync, reschedule, cancel) leaves them alone.
IMPORTED = "import"
IMPORT_PREFIX = "local-import-"


class Appointment(TenantBase):
    __tablename__ = "appointments"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    # Cal.com's booking uid (a reschedule makes a new one), or local-<company>-<message>
    # for the local calendar: either way the key that makes a booking idempotent.
    cal_uid: Mapped[str | None] = mapped_column(String(100), unique=True)
    cal_booking_id: Mapped[int | None] = mapped_column(BigInteger)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    phone: Mapped[str | None] = mapped_column(String(20))  # E.164 digits, no '+'
    name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    title: Mapped[str | None] = mapped_column(String(300))
    event_type_id: Mapped[int | None] = mapped_column(Integer)
    start_at: Mapped[datetime] = mapped_column()
    end_at: Mapped[datetime] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default="scheduled")
    source: Mapped[str] = mapped_column(String(16))  # chat | calcom | panel | local | import
    # Issue 18: the id the clinic's former system gave an imported appointment (a second
    # import of the same file updates instead of duplicating), and what and with whom it is,
    # which the no-show model reads. An imported row's created_at is its booked_at (when the
    # customer booked it), so the lead time is start_at - created_at for every row alike.
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    service: Mapped[str | None] = mapped_column(String(200))
    professional: Mapped[str | None] = mapped_column(String(200))
    meeting_url: Mapped[str | None] = mapped_column(Text)
    rescheduled_from_uid: Mapped[str | None] = mapped_column(String(100))
    rescheduled_to_uid: Mapped[str | None] = mapped_column(String(100))
    cancellation_reason: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)  # the operator's, never sent to the customer
    # Booked over another appointment or outside the opening hours on the operator's word.
    overbooked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    # Booked in the panel's Simulador: never in Cal.com, never reminded, never counted, and it
    # takes no real slot.
    simulated: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    # G5/G6: the customer confirmed (a reminder's answer), arrived (check-in by the operator),
    # and when the last reminder went out (a "1" or "sim" after it is an answer to it).
    confirmed_at: Mapped[datetime | None] = mapped_column()
    checked_in_at: Mapped[datetime | None] = mapped_column()
    reminded_at: Mapped[datetime | None] = mapped_column()
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSONB)  # the last Cal.com view
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())

    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'scheduled', 'confirmed', 'rescheduled', 'cancelled', "
            "'completed', 'no_show')",
            name="status",
        ),
        Index("ix_appointments_start_at", "start_at"),
        Index("ix_appointments_phone", "phone"),
        ExcludeConstraint(
            (func.tstzrange(text("start_at"), text("end_at")), "&&"),
            name="ex_appointments_no_double_booking",
            using="gist",
            where=text(NO_DOUBLE_BOOKING),
        ),
    )


class CalWebhookEvent(TenantBase):
    """A Cal.com delivery applied once: its (trigger, booking uid, createdAt) is the key."""

    __tablename__ = "cal_webhook_events"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    trigger: Mapped[str] = mapped_column(String(64))
    uid: Mapped[str] = mapped_column(String(100))
    created: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(server_default=func.now())

    __table_args__ = (UniqueConstraint("trigger", "uid", "created"),)


REMINDER_STATUSES = ("pending", "sent", "dropped", "skipped")


class Reminder(PublicBase):
    """One message due about one appointment: a reminder before it (kind "24h", "1h", … from
    the company's offsets, or "manual"), or the no-show check after it ("no_show").

    `key` makes planning idempotent: kind, appointment and the start it was planned for, so
    a moved appointment gets new rows while the old ones are dropped when they come due.
    """

    __tablename__ = "reminders"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    appointment_id: Mapped[int] = mapped_column(BigInteger)  # in the company's schema
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(120))
    starts_at: Mapped[datetime] = mapped_column()  # the appointment's start when planned
    due_at: Mapped[datetime] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default="pending", server_default="pending")
    reason: Mapped[str | None] = mapped_column(String(64))  # why dropped or skipped
    message_id: Mapped[int | None] = mapped_column(BigInteger)  # the message it became
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    done_at: Mapped[datetime | None] = mapped_column()

    __table_args__ = (
        UniqueConstraint("company_id", "key"),
        CheckConstraint("status IN ('pending', 'sent', 'dropped', 'skipped')", name="status"),
        # The dispatcher's query: pending rows by due time, and nothing else is indexed.
        Index(
            "ix_reminders_due",
            "due_at",
            postgresql_where=text("status = 'pending'"),
        ),
        Index("ix_reminders_appointment", "company_id", "appointment_id"),
    )
