"""supervisors' reviews of sampled decisions (children graded low, calls not sent to police)

Revision ID: 0024_qa_review
Revises: 0023_measure_episode
Create Date: 2026-12-03 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024_qa_review"
down_revision = "0023_measure_episode"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "qa_review",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "organisation_id", sa.Integer(), sa.ForeignKey("organisation.id"), nullable=False
        ),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column(
            "episode_id",
            sa.Integer(),
            sa.ForeignKey("episode.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column(
            "call_id", sa.Integer(), sa.ForeignKey("call.id", ondelete="CASCADE"), nullable=True
        ),
        sa.Column("decided", sa.String(200), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sampled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sampled_by_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=True),
        sa.Column("verdict", sa.String(20), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=True),
        sa.Column("reviewed_by_name", sa.String(200), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.UniqueConstraint("episode_id", name="uq_qa_review_episode"),
        sa.UniqueConstraint("call_id", name="uq_qa_review_call"),
    )
    op.create_index("ix_qa_review_organisation_id", "qa_review", ["organisation_id"])


def downgrade() -> None:
    op.drop_table("qa_review")
