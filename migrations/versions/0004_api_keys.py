"""company API keys

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade(scope: str) -> None:
    globals()[f"upgrade_{scope}"]()


def downgrade(scope: str) -> None:
    globals()[f"downgrade_{scope}"]()


def upgrade_public() -> None:
    op.create_table('api_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("role IN ('company_admin', 'operator')", name=op.f('ck_api_keys_role')),
    sa.ForeignKeyConstraint(['company_id'], ['public.companies.id'], name=op.f('fk_api_keys_company_id_companies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by'], ['public.users.id'], name=op.f('fk_api_keys_created_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_keys')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_api_keys_key_hash')),
    schema='public'
    )
    op.create_index(op.f('ix_api_keys_company_id'), 'api_keys', ['company_id'], unique=False, schema='public')


def downgrade_public() -> None:
    op.drop_index(op.f('ix_api_keys_company_id'), table_name='api_keys', schema='public')
    op.drop_table('api_keys', schema='public')


def upgrade_tenant() -> None:
    pass


def downgrade_tenant() -> None:
    pass
