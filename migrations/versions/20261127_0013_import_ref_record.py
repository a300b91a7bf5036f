"""import_ref looked up by record

Revision ID: 0013_import_ref_record
Revises: 0012_baseline
Create Date: 2026-11-27 09:20:00
"""

from __future__ import annotations

from alembic import op

revision = "0013_import_ref_record"
down_revision = "0012_baseline"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("import_ref", schema=None) as batch_op:
        batch_op.create_index("ix_import_ref_record", ["kind", "record_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("import_ref", schema=None) as batch_op:
        batch_op.drop_index("ix_import_ref_record")
