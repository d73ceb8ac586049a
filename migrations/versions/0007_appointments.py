"""appointments and Cal.com webhook deliveries

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql


revision = '0007'
down_revision = '0006'
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
    op.create_table('appointments',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('cal_uid', sa.String(length=100), nullable=True),
    sa.Column('cal_booking_id', sa.BigInteger(), nullable=True),
    sa.Column('contact_id', sa.BigInteger(), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=True),
    sa.Column('event_type_id', sa.Integer(), nullable=True),
    sa.Column('start_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('end_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('meeting_url', sa.Text(), nullable=True),
    sa.Column('rescheduled_from_uid', sa.String(length=100), nullable=True),
    sa.Column('rescheduled_to_uid', sa.String(length=100), nullable=True),
    sa.Column('cancellation_reason', sa.Text(), nullable=True),
    sa.Column('payload', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'scheduled', 'confirmed', 'rescheduled', 'cancelled', 'completed', 'no_show')", name=op.f('ck_appointments_status')),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_appointments_contact_id_contacts'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointments')),
    sa.UniqueConstraint('cal_uid', name=op.f('uq_appointments_cal_uid'))
    )
    op.create_index('ix_appointments_start_at', 'appointments', ['start_at'], unique=False)
    op.create_index('ix_appointments_phone', 'appointments', ['phone'], unique=False)
    op.create_table('cal_webhook_events',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('trigger', sa.String(length=64), nullable=False),
    sa.Column('uid', sa.String(length=100), nullable=False),
    sa.Column('created', sa.String(length=64), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cal_webhook_events')),
    sa.UniqueConstraint('trigger', 'uid', 'created', name=op.f('uq_cal_webhook_events_trigger_uid_created'))
    )


def downgrade_tenant() -> None:
    op.drop_table('cal_webhook_events')
    op.drop_index('ix_appointments_phone', table_name='appointments')
    op.drop_index('ix_appointments_start_at', table_name='appointments')
    op.drop_table('appointments')
