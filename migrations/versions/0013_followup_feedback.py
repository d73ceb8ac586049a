"""followups (public): the follow-up after an appointment, claimed once by the scheduler;
feedback_events (tenant): the answers it collects (G7)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade(scope: str) -> None:
    globals()[f"upgrade_{scope}"]()


def downgrade(scope: str) -> None:
    globals()[f"downgrade_{scope}"]()


def upgrade_public() -> None:
    op.create_table(
        "followups",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("appointment_id", sa.BigInteger(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="pending", nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=8), nullable=True),
        sa.Column("stage", sa.String(length=8), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("alert", sa.String(length=8), nullable=True),
        sa.Column("alert_attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("alert_error", sa.String(length=200), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'sent', 'dropped', 'skipped')", name=op.f("ck_followups_status")
        ),
        sa.CheckConstraint(
            "kind IS NULL OR kind IN ('csat', 'nps')", name=op.f("ck_followups_kind")
        ),
        sa.CheckConstraint(
            "stage IS NULL OR stage IN ('score', 'comment', 'done')",
            name=op.f("ck_followups_stage"),
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["public.companies.id"],
            name=op.f("fk_followups_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followups")),
        sa.UniqueConstraint("company_id", "key", name=op.f("uq_followups_company_id_key")),
        schema="public",
    )
    op.create_index(
        "ix_followups_due",
        "followups",
        ["due_at"],
        unique=False,
        schema="public",
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_index(
        "ix_followups_alert",
        "followups",
        ["id"],
        unique=False,
        schema="public",
        postgresql_where=sa.text("alert = 'pending'"),
    )
    op.create_index(
        "ix_followups_comment",
        "followups",
        ["id"],
        unique=False,
        schema="public",
        postgresql_where=sa.text("stage = 'comment'"),
    )
    op.create_index(
        "ix_followups_appointment",
        "followups",
        ["company_id", "appointment_id"],
        unique=False,
        schema="public",
    )


def downgrade_public() -> None:
    op.drop_index("ix_followups_appointment", table_name="followups", schema="public")
    op.drop_index("ix_followups_comment", table_name="followups", schema="public")
    op.drop_index("ix_followups_alert", table_name="followups", schema="public")
    op.drop_index("ix_followups_due", table_name="followups", schema="public")
    op.drop_table("followups", schema="public")


def upgrade_tenant() -> None:
    op.create_table(
        "feedback_events",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("followup_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("score", sa.SmallInteger(), nullable=True),
        sa.Column("sentiment", sa.String(length=8), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("appointment_id", sa.BigInteger(), nullable=True),
        sa.Column("contact_id", sa.BigInteger(), nullable=True),
        sa.Column("professional", sa.String(length=200), nullable=True),
        sa.Column("event_type_id", sa.Integer(), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("kind IN ('csat', 'nps')", name=op.f("ck_feedback_events_kind")),
        sa.CheckConstraint(
            "sentiment IN ('positive', 'neutral', 'negative')",
            name=op.f("ck_feedback_events_sentiment"),
        ),
        sa.CheckConstraint(
            "score IS NULL OR (kind = 'csat' AND score BETWEEN 1 AND 5) "
            "OR (kind = 'nps' AND score BETWEEN 0 AND 10)",
            name=op.f("ck_feedback_events_score"),
        ),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointments.id"],
            name=op.f("fk_feedback_events_appointment_id_appointments"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_feedback_events_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_events")),
        sa.UniqueConstraint(
            "followup_id", "kind", name=op.f("uq_feedback_events_followup_id_kind")
        ),
    )
    op.create_index(
        "ix_feedback_events_created_at", "feedback_events", ["created_at"], unique=False
    )


def downgrade_tenant() -> None:
    op.drop_index("ix_feedback_events_created_at", table_name="feedback_events")
    op.drop_table("feedback_events")
