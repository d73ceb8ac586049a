"""Usage and billing tables (schema `public`): daily usage per company, plan alerts sent, and
payment-provider events received."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Identity,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import PublicBase


class UsageDaily(PublicBase):
    """Real-time aggregates (T3, N2): bumped in the transaction that writes each reply, so the
    analytics never scan messages and a reply is counted exactly once."""

    __tablename__ = "usage_daily"

    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)  # in the company's time zone
    messages: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    tokens_in: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    tokens_out: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # Sum of (reply written - customer message received), for the average response time.
    response_ms: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class UsageAlert(PublicBase):
    """A plan threshold crossed (80 % / 100 %), once per company, period, metric and threshold."""

    __tablename__ = "usage_alerts"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    metric: Mapped[str] = mapped_column(String(16))
    threshold: Mapped[int] = mapped_column(Integer)
    used: Mapped[int] = mapped_column(BigInteger)
    quota: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    delivered_at: Mapped[datetime | None] = mapped_column()
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("company_id", "period", "metric", "threshold"),
        CheckConstraint("metric IN ('messages', 'tokens')", name="metric"),
        CheckConstraint("threshold IN (80, 100)", name="threshold"),
    )


class BillingEvent(PublicBase):
    """A payment provider's event, kept once by its id (T4: idempotent)."""

    __tablename__ = "billing_events"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    provider: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(100))
    status: Mapped[str | None] = mapped_column(String(16))  # the subscription status it set
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    received_at: Mapped[datetime] = mapped_column(server_default=func.now())

    __table_args__ = (
        UniqueConstraint("provider", "event_id"),
        CheckConstraint("provider IN ('stripe', 'mercadopago', 'manual')", name="provider"),
    )
