"""a grading records whether the grader was shown what the force holds (the force-data panel)

NULL for gradings made before this revision: whether the panel was shown is not known.

Revision ID: 0022_grading_force_data
Revises: 0021_person_profiles
Create Date: 2026-12-03 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022_grading_force_data"
down_revision = "0021_person_profiles"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("risk_grading", schema=None) as batch_op:
        batch_op.add_column(sa.Column("force_data_shown", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("risk_grading", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("force_data_shown")
