"""simulated messages (the panel's simulator)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

from __future__ import annotations

from alembic import op


revision = '0006'
down_revision = '0005'
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
    # A reply to the simulator is final as written: it never goes to Whaticket.
    op.drop_constraint(op.f('ck_messages_status'), 'messages', type_='check')
    op.create_check_constraint(
        op.f('ck_messages_status'),
        'messages',
        "status IN ('received', 'processed', 'failed', 'pending', 'sent', 'outbox', 'simulated')",
    )


def downgrade_tenant() -> None:
    op.execute("UPDATE messages SET status = 'sent' WHERE status = 'simulated'")
    op.drop_constraint(op.f('ck_messages_status'), 'messages', type_='check')
    op.create_check_constraint(
        op.f('ck_messages_status'),
        'messages',
        "status IN ('received', 'processed', 'failed', 'pending', 'sent', 'outbox')",
    )
