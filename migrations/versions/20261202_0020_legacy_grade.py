"""episodes keep a withdrawn category ("absent") as history, apart from the risk grade

Revision ID: 0020_legacy_grade
Revises: 0019_person_record
Create Date: 2026-12-02 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020_legacy_grade"
down_revision = "0019_person_record"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("episode", schema=None) as batch_op:
        batch_op.add_column(sa.Column("legacy_grade", sa.String(length=20), nullable=True))


def downgrade() -> None:
    # In place: copying the episode table would cascade to everything recorded on episodes.
    with op.batch_alter_table("episode", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("legacy_grade")
