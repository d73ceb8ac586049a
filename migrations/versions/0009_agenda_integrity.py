"""appointments: the operator's notes, double booking on purpose, and no double booking
otherwise (an exclusion constraint over the active local bookings' time ranges)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# Kept here as written in domain/agenda/models.py (NO_DOUBLE_BOOKING) at this revision.
HOLDS = (
    "status IN ('pending', 'scheduled', 'confirmed') AND NOT overbooked "
    "AND (cal_uid IS NULL OR cal_uid LIKE 'local-%')"
)


def upgrade(scope: str) -> None:
    globals()[f"upgrade_{scope}"]()


def downgrade(scope: str) -> None:
    globals()[f"downgrade_{scope}"]()


def upgrade_public() -> None:
    pass


def downgrade_public() -> None:
    pass


def upgrade_tenant() -> None:
    op.add_column("appointments", sa.Column("notes", sa.Text(), nullable=True))
    op.add_column(
        "appointments",
        sa.Column("overbooked", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )
    # Double bookings made before the constraint stay, marked as the operator's: the later of
    # two overlapping bookings is the one flagged.
    op.execute(
        f"""
        UPDATE appointments AS later SET overbooked = true
        WHERE {HOLDS.replace("status", "later.status").replace("cal_uid", "later.cal_uid")}
          AND EXISTS (
            SELECT 1 FROM appointments AS earlier
            WHERE earlier.id < later.id
              AND earlier.status IN ('pending', 'scheduled', 'confirmed')
              AND (earlier.cal_uid IS NULL OR earlier.cal_uid LIKE 'local-%')
              AND tstzrange(earlier.start_at, earlier.end_at)
                  && tstzrange(later.start_at, later.end_at)
          )
        """
    )
    op.execute(
        "ALTER TABLE appointments ADD CONSTRAINT ex_appointments_no_double_booking "
        f"EXCLUDE USING gist (tstzrange(start_at, end_at) WITH &&) WHERE ({HOLDS})"
    )


def downgrade_tenant() -> None:
    op.execute("ALTER TABLE appointments DROP CONSTRAINT ex_appointments_no_double_booking")
    op.drop_column("appointments", "overbooked")
    op.drop_column("appointments", "notes")
