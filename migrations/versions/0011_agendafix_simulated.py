"""appointments: the Simulador's bookings flagged `simulated`, out of the double-booking
constraint (they never take a real customer's time)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# Kept here as written in domain/agenda/models.py (NO_DOUBLE_BOOKING) before and after.
BEFORE = (
    "status IN ('pending', 'scheduled', 'confirmed') AND NOT overbooked "
    "AND (cal_uid IS NULL OR cal_uid LIKE 'local-%')"
)
AFTER = BEFORE + " AND NOT simulated"


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
    op.add_column(
        "appointments",
        sa.Column("simulated", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )
    # Bookings the Simulador made before: its contacts' phones are "sim<user id>".
    op.execute("UPDATE appointments SET simulated = true WHERE phone LIKE 'sim%'")
    _constraint(AFTER)


def downgrade_tenant() -> None:
    op.execute("UPDATE appointments SET status = 'cancelled' WHERE simulated")
    _constraint(BEFORE)
    op.drop_column("appointments", "simulated")
