"""the person record kept in Harbour: the legal basis of a looked-after child, their social
worker, and when each warning marker is next reviewed

The new columns are all nullable, so existing records keep what they hold: a looked-after child
imported before this has no legal basis recorded until someone records it (and so does not count
as in care for a warning notice, which needs a care order, an interim care order, an emergency
protection order or police protection).

Downgrade drops the columns and what they hold; everything else on the record stays. It needs
SQLite 3.35 or later (ALTER TABLE ... DROP COLUMN).

Revision ID: 0019_person_record
Revises: 0018_alerts_per_org
Create Date: 2026-12-02 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019_person_record"
down_revision = "0018_alerts_per_org"
branch_labels = None
depends_on = None

COLUMNS = (
    "care_basis",
    "social_worker_name",
    "social_worker_phone",
    "social_worker_email",
    "flag_reviews",
)


def upgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("care_basis", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("social_worker_name", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("social_worker_phone", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("social_worker_email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("flag_reviews", sa.JSON(), nullable=True))


def downgrade() -> None:
    # Dropped in place (ALTER TABLE ... DROP COLUMN, SQLite 3.35 and later): none of these
    # columns is indexed or constrained, and copying the person table instead would fail under
    # enforced foreign keys once other tables' rows point at people.
    with op.batch_alter_table("person", schema=None, recreate="never") as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
