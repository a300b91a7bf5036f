"""risk gradings keep why force data was set aside

Revision ID: 0016_grading_override
Revises: 0015_alert_members
Create Date: 2026-12-02 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_grading_override"
down_revision = "0015_alert_members"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("risk_grading", schema=None) as batch_op:
        batch_op.add_column(sa.Column("override_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("risk_grading", schema=None) as batch_op:
        batch_op.drop_column("override_reason")
