"""reminders (public) and the appointment's confirmation, check-in and last reminder

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade(scope: str) -> None:
    globals()[f"upgrade_{scope}"]()


def downgrade(scope: str) -> None:
    globals()[f"downgrade_{scope}"]()


def upgrade_public() -> None:
    op.create_table('reminders',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('appointment_id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), server_default='pending', nullable=False),
    sa.Column('reason', sa.String(length=64), nullable=True),
    sa.Column('message_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'sent', 'dropped', 'skipped')", name=op.f('ck_reminders_status')),
    sa.ForeignKeyConstraint(['company_id'], ['public.companies.id'], name=op.f('fk_reminders_company_id_companies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders')),
    sa.UniqueConstraint('company_id', 'key', name=op.f('uq_reminders_company_id_key')),
    schema='public'
    )
    op.create_index('ix_reminders_due', 'reminders', ['due_at'], unique=False, schema='public', postgresql_where=sa.text("status = 'pending'"))
    op.create_index('ix_reminders_appointment', 'reminders', ['company_id', 'appointment_id'], unique=False, schema='public')


def downgrade_public() -> None:
    op.drop_index('ix_reminders_appointment', table_name='reminders', schema='public')
    op.drop_index('ix_reminders_due', table_name='reminders', schema='public', postgresql_where=sa.text("status = 'pending'"))
    op.drop_table('reminders', schema='public')


def upgrade_tenant() -> None:
    op.add_column('appointments', sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('appointments', sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('appointments', sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True))


def downgrade_tenant() -> None:
    op.drop_column('appointments', 'reminded_at')
    op.drop_column('appointments', 'checked_in_at')
    op.drop_column('appointments', 'confirmed_at')
