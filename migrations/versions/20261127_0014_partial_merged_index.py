"""index person.merged_into_id only where set

Revision ID: 0014_partial_merged_index
Revises: 0013_import_ref_record
Create Date: 2026-11-27 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_partial_merged_index"
down_revision = "0013_import_ref_record"
branch_labels = None
depends_on = None

WHERE = sa.text("merged_into_id IS NOT NULL")


def upgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index("ix_person_merged_into_id")
        batch_op.create_index(
            "ix_person_merged_into_id",
            ["merged_into_id"],
            unique=False,
            postgresql_where=WHERE,
            sqlite_where=WHERE,
        )


def downgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index("ix_person_merged_into_id")
        batch_op.create_index("ix_person_merged_into_id", ["merged_into_id"], unique=False)
