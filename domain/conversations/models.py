"""Per-company tables (schema `tenant_<id>`): contacts, conversations, messages, delivery logs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Identity,
    Index,
    Integer,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import TenantBase


class Contact(TenantBase):
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    # Digits of the E.164 number without '+', as WhatsApp and Whaticket write it.
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    lid: Mapped[str | None] = mapped_column(String(64))
    # Preferences and frequent topics, filled by the reply pipeline.
    profile: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())
    last_message_at: Mapped[datetime | None] = mapped_column()


class Conversation(TenantBase):
    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default="open", server_default="open")
    handoff_reason: Mapped[str | None] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(server_default=func.now())
    last_message_at: Mapped[datetime] = mapped_column(server_default=func.now())
    closed_at: Mapped[datetime | None] = mapped_column()

    __table_args__ = (
        CheckConstraint("status IN ('open', 'handoff', 'closed')", name="status"),
        # At most one conversation that is not closed per contact: filing is race-free.
        Index(
            "uq_conversations_contact_id_active",
            "contact_id",
            unique=True,
            postgresql_where=text("status <> 'closed'"),
        ),
    )


class Message(TenantBase):
    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    # WhatsApp message id (key.id); the dedupe key of W5. Unique within the tenant.
    external_id: Mapped[str | None] = mapped_column(String(128), unique=True)
    direction: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(32), default="text", server_default="text")
    body: Mapped[str] = mapped_column(Text, default="", server_default="")
    phone: Mapped[str] = mapped_column(String(20))
    push_name: Mapped[str | None] = mapped_column(String(200))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE")
    )
    # The raw webhook body as received (W6: the raw message is what is persisted).
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    correlation_id: Mapped[str | None] = mapped_column(String(64))
    wa_timestamp: Mapped[datetime | None] = mapped_column()
    received_at: Mapped[datetime] = mapped_column(server_default=func.now())
    processed_at: Mapped[datetime | None] = mapped_column()
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    error: Mapped[str | None] = mapped_column(Text)
    # Outbound only: the inbound message this answers (one reply per inbound message, so a
    # retried pipeline job can never create a second one), who wrote it, and when it left.
    reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))
    source: Mapped[str | None] = mapped_column(String(16))
    sent_at: Mapped[datetime | None] = mapped_column()
    # Outbound only: how many parts of a long reply (conversations/parts.py) went out; a
    # retried delivery resumes after them, so no part reaches the customer twice.
    parts_sent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # LLM usage of an outbound reply (P4: tokens recorded per message).
    tokens_in: Mapped[int | None] = mapped_column(Integer)
    tokens_out: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        CheckConstraint("direction IN ('inbound', 'outbound')", name="direction"),
        # inbound: received -> processed | failed; outbound: pending -> sent | failed, or
        # outbox when Whaticket is not configured (the reply waits in the panel), or
        # simulated: a reply to the panel's simulator, never sent anywhere.
        CheckConstraint(
            "status IN ('received', 'processed', 'failed', 'pending', 'sent', 'outbox', "
            "'simulated')",
            name="status",
        ),
        Index("ix_messages_conversation_id_id", "conversation_id", "id"),
        # The sweeper and the backlog gauge only ever look at messages not yet processed.
        Index(
            "ix_messages_received_at_pending",
            "received_at",
            postgresql_where=text("status = 'received'"),
        ),
        # One reply per inbound message; partial, so inbound inserts (the webhook's hot path)
        # do not maintain an index entry for their NULL.
        Index(
            "uq_messages_reply_to_id",
            "reply_to_id",
            unique=True,
            postgresql_where=text("reply_to_id IS NOT NULL"),
        ),
        # ... and replies waiting for delivery.
        Index(
            "ix_messages_received_at_undelivered",
            "received_at",
            postgresql_where=text("status = 'pending'"),
        ),
    )


class DeliveryLog(TenantBase):
    """One row per attempt to deliver an outbound message (P6)."""

    __tablename__ = "delivery_logs"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), index=True
    )
    attempt: Mapped[int] = mapped_column(Integer)
    # Which part of the message (1 for the first, or the only one); NULL before parts.
    part: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    http_status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    latency_ms: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    __table_args__ = (
        CheckConstraint(
            "status IN ('SENT', 'FAILED_TEMPORARY', 'FAILED_PERMANENT')", name="status"
        ),
    )
