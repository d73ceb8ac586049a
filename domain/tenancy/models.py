"""Global tables (schema `public`): plans, companies, subscriptions, users, memberships."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import PublicBase


class Plan(PublicBase):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    # None means unlimited.
    monthly_messages: Mapped[int | None] = mapped_column(Integer)
    monthly_tokens: Mapped[int | None] = mapped_column(BigInteger)
    price_cents: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    currency: Mapped[str] = mapped_column(String(3), default="BRL", server_default="BRL")
    # What happens at 100 % of the quota: stop bot replies, or keep going and bill overage.
    overage: Mapped[str] = mapped_column(String(16), default="block", server_default="block")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    __table_args__ = (CheckConstraint("overage IN ('block', 'allow')", name="overage"),)


class Company(PublicBase):
    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    domain: Mapped[str | None] = mapped_column(String(253), unique=True)
    timezone: Mapped[str] = mapped_column(
        String(64), default="America/Sao_Paulo", server_default="America/Sao_Paulo"
    )
    status: Mapped[str] = mapped_column(String(16), default="active", server_default="active")
    # HMAC key of the signed webhook (W1). Needed in clear to verify signatures.
    webhook_secret: Mapped[str | None] = mapped_column(Text)
    # Optional X-Webhook-Token, stored as a SHA-256 hex digest.
    webhook_token_hash: Mapped[str | None] = mapped_column(String(64))
    # Token of the URL form /webhook/whaticket/<slug>/<token> (W4), SHA-256 hex digest.
    url_token_hash: Mapped[str | None] = mapped_column(String(64))
    settings: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())

    __table_args__ = (
        CheckConstraint("status IN ('active', 'suspended')", name="status"),
        CheckConstraint("slug ~ '^[a-z0-9][a-z0-9-]{0,63}$'", name="slug_format"),
    )


class Subscription(PublicBase):
    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    status: Mapped[str] = mapped_column(String(16), default="active", server_default="active")
    current_period_start: Mapped[datetime] = mapped_column(server_default=func.now())
    current_period_end: Mapped[datetime | None] = mapped_column()
    provider: Mapped[str | None] = mapped_column(String(32))
    external_id: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())

    __table_args__ = (
        CheckConstraint("status IN ('trialing', 'active', 'past_due', 'canceled')", name="status"),
    )


class User(PublicBase):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    password_hash: Mapped[str] = mapped_column(Text)
    is_platform_admin: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    last_login_at: Mapped[datetime | None] = mapped_column()

    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lower"),)


class Membership(PublicBase):
    """A user's role in one company; a user may belong to several."""

    __tablename__ = "memberships"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    # Set when the company's admin deactivates the person here (they may belong elsewhere
    # too, so the user itself stays active); the session and tokens stop at once.
    deactivated_at: Mapped[datetime | None] = mapped_column()
    # An account that already existed was invited here: no access (deactivated_at is set too)
    # until its owner accepts with their own password, so no admin adds someone unasked.
    pending: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")

    __table_args__ = (CheckConstraint("role IN ('company_admin', 'operator')", name="role"),)
