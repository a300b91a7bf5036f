"""network baseline for incremental alerts

Revision ID: 0012_baseline
Revises: 0011_intelligence
Create Date: 2026-11-27 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_baseline"
down_revision = "0011_intelligence"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "network_baseline",
        sa.Column("place_type", sa.String(length=30), nullable=False),
        sa.Column("median_children", sa.Double(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("place_type", name=op.f("pk_network_baseline")),
    )


def downgrade() -> None:
    op.drop_table("network_baseline")
