"""invitations (public) and a membership's deactivation: a new company's first admin and the
people its admins invite set their own password through a link that works once

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade(scope: str) -> None:
    globals()[f"upgrade_{scope}"]()


def downgrade(scope: str) -> None:
    globals()[f"downgrade_{scope}"]()


def upgrade_public() -> None:
    op.create_table('invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("role IN ('company_admin', 'operator')", name=op.f('ck_invitations_role')),
    sa.ForeignKeyConstraint(['company_id'], ['public.companies.id'], name=op.f('fk_invitations_company_id_companies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by'], ['public.users.id'], name=op.f('fk_invitations_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['public.users.id'], name=op.f('fk_invitations_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_invitations_token_hash')),
    schema='public'
    )
    op.create_index(op.f('ix_invitations_company_id'), 'invitations', ['company_id'], unique=False, schema='public')
    op.create_index(op.f('ix_invitations_user_id'), 'invitations', ['user_id'], unique=False, schema='public')
    op.add_column('memberships', sa.Column('deactivated_at', sa.DateTime(timezone=True), nullable=True), schema='public')
    op.add_column("memberships", sa.Column("pending", sa.Boolean(), server_default=sa.text("false"), nullable=False), schema="public")


def downgrade_public() -> None:
    op.drop_column("memberships", "pending", schema="public")
    op.drop_column('memberships', 'deactivated_at', schema='public')
    op.drop_index(op.f('ix_invitations_user_id'), table_name='invitations', schema='public')
    op.drop_index(op.f('ix_invitations_company_id'), table_name='invitations', schema='public')
    op.drop_table('invitations', schema='public')


def upgrade_tenant() -> None:
    pass


def downgrade_tenant() -> None:
    pass
