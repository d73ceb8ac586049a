"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
${imports if imports else ""}

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}


def upgrade(scope: str) -> None:
    globals()[f"upgrade_{scope}"]()


def downgrade(scope: str) -> None:
    globals()[f"downgrade_{scope}"]()


def upgrade_public() -> None:
    ${context.get("public_upgrades", "pass")}


def downgrade_public() -> None:
    ${context.get("public_downgrades", "pass")}


def upgrade_tenant() -> None:
    ${context.get("tenant_upgrades", "pass")}


def downgrade_tenant() -> None:
    ${context.get("tenant_downgrades", "pass")}
