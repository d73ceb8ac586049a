"""messages: how many parts of a long reply have gone out (`parts_sent`), so a retried
delivery resumes at the first part not yet sent; delivery_logs: which part each row is about

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade(scope: str) -> None:
    globals()[f"upgrade_{scope}"]()


def downgrade(scope: str) -> None:
    globals()[f"downgrade_{scope}"]()


def upgrade_public() -> None:
    pass


def downgrade_public() -> None:
    pass


def upgrade_tenant() -> None:
    # A message sent before this revision went out whole, in one part.
    op.add_column(
        "messages",
        sa.Column("parts_sent", sa.Integer(), server_default=sa.text("0"), nullable=False),
    )
    op.execute("UPDATE messages SET parts_sent = 1 WHERE direction = 'outbound' AND status = 'sent'")
    op.add_column("delivery_logs", sa.Column("part", sa.Integer(), nullable=True))


def downgrade_tenant() -> None:
    op.drop_column("delivery_logs", "part")
    op.drop_column("messages", "parts_sent")
