"""casework gates and clocks: the escalation ladder's rung, notifications that close, tasks
carried to the person's record, and places outside the force

Revision ID: 0017_casework_gates
Revises: 0016_grading_override
Create Date: 2026-12-02 15:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_casework_gates"
down_revision = "0016_grading_override"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("supervision_review", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("escalation_level", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("topic", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_notification_topic", ["topic"])
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.add_column(sa.Column("carried_reason", sa.Text(), nullable=True))
    with op.batch_alter_table("place", schema=None) as batch_op:
        batch_op.add_column(sa.Column("force", sa.String(length=60), nullable=True))


def downgrade() -> None:
    # Dropped in place (ALTER TABLE ... DROP COLUMN, SQLite 3.35 and later): copying these
    # tables instead fails, or cascades, under enforced foreign keys once rows point at them.
    with op.batch_alter_table("place", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("force")
    with op.batch_alter_table("task", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("carried_reason")
    with op.batch_alter_table("notification", schema=None, recreate="never") as batch_op:
        batch_op.drop_index("ix_notification_topic")
        batch_op.drop_column("resolved_at")
        batch_op.drop_column("topic")
    with op.batch_alter_table("supervision_review", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("escalation_level")
