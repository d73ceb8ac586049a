"""appointments: imported history (external_id, service, professional; exempt from the
no-double-booking constraint); risk_models and appointment_risks: the no-show risk (issue 18)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql


revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# Kept here as written in domain/agenda/models.py (NO_DOUBLE_BOOKING) before and after.
BEFORE = (
    "status IN ('pending', 'scheduled', 'confirmed') AND NOT overbooked "
    "AND (cal_uid IS NULL OR cal_uid LIKE 'local-%') AND NOT simulated"
)
AFTER = BEFORE + " AND source <> 'import'"


def upgrade(scope: str) -> None:
    globals()[f"upgrade_{scope}"]()


def downgrade(scope: str) -> None:
    globals()[f"downgrade_{scope}"]()


def upgrade_public() -> None:
    pass


def downgrade_public() -> None:
    pass


def _constraint(where: str) -> None:
    op.execute("ALTER TABLE appointments DROP CONSTRAINT ex_appointments_no_double_booking")
    op.execute(
        "ALTER TABLE appointments ADD CONSTRAINT ex_appointments_no_double_booking "
        f"EXCLUDE USING gist (tstzrange(start_at, end_at) WITH &&) WHERE ({where})"
    )


def upgrade_tenant() -> None:
    op.add_column("appointments", sa.Column("external_id", sa.String(length=100), nullable=True))
    op.add_column("appointments", sa.Column("service", sa.String(length=200), nullable=True))
    op.add_column("appointments", sa.Column("professional", sa.String(length=200), nullable=True))
    op.create_unique_constraint(
        op.f("uq_appointments_external_id"), "appointments", ["external_id"]
    )
    _constraint(AFTER)
    op.create_table(
        "risk_models",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("version", sa.String(length=60), nullable=False),
        sa.Column("algorithm", sa.String(length=40), nullable=False),
        sa.Column("fingerprint", sa.String(length=120), nullable=False),
        sa.Column("training_size", sa.Integer(), nullable=False),
        sa.Column("no_shows", sa.Integer(), nullable=False),
        sa.Column("evaluation", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("blob", sa.LargeBinary(), nullable=False),
        sa.Column(
            "trained_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_models")),
        sa.UniqueConstraint("version", name=op.f("uq_risk_models_version")),
    )
    op.create_table(
        "appointment_risks",
        sa.Column("appointment_id", sa.BigInteger(), nullable=False),
        sa.Column("risk", sa.Float(), nullable=False),
        sa.Column("reasons", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("model_version", sa.String(length=60), nullable=False),
        sa.Column(
            "scored_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointments.id"],
            name=op.f("fk_appointment_risks_appointment_id_appointments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("appointment_id", name=op.f("pk_appointment_risks")),
    )


def downgrade_tenant() -> None:
    op.drop_table("appointment_risks")
    op.drop_table("risk_models")
    # Imported rows may overlap, which the old constraint refuses: they stay, as encaixes.
    op.execute("UPDATE appointments SET overbooked = true WHERE source = 'import'")
    _constraint(BEFORE)
    op.drop_constraint(op.f("uq_appointments_external_id"), "appointments", type_="unique")
    op.drop_column("appointments", "professional")
    op.drop_column("appointments", "service")
    op.drop_column("appointments", "external_id")
