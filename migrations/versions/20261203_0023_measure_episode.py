"""the measures' facts about each episode, kept in step with the records (decision 21)

The table starts empty: `harbour db upgrade` fills it for the episodes already held once the
schema is at head (with the code that keeps it in step, `harbour.measures.store.refresh_all`,
which reads today's models and so cannot run at this revision). Downgrade drops it.

Revision ID: 0023_measure_episode
Revises: 0022_grading_force_data
Create Date: 2026-12-03 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023_measure_episode"
down_revision = "0022_grading_force_data"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "measure_episode",
        sa.Column(
            "episode_id",
            sa.Integer(),
            sa.ForeignKey("episode.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "organisation_id", sa.Integer(), sa.ForeignKey("organisation.id"), nullable=False
        ),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("report_week", sa.Date(), nullable=False),
        sa.Column("report_month", sa.Date(), nullable=False),
        sa.Column("live", sa.Boolean(), nullable=False),
        sa.Column("child", sa.Boolean(), nullable=False),
        sa.Column("borough", sa.String(60), nullable=False),
        sa.Column("age_band", sa.String(10), nullable=False),
        sa.Column("sex", sa.String(20), nullable=False),
        sa.Column("ethnicity", sa.String(40), nullable=False),
        sa.Column("ethnic_group", sa.String(10), nullable=False),
        sa.Column("observed_ethnicity", sa.String(40), nullable=False),
        sa.Column("looked_after", sa.String(10), nullable=False),
        sa.Column("first_graded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_force_data_shown", sa.Boolean(), nullable=True),
        sa.Column("first_grade", sa.String(20), nullable=True),
        sa.Column("first_suggested", sa.String(20), nullable=True),
        sa.Column("first_language", sa.Boolean(), nullable=False),
        sa.Column("first_below", sa.Boolean(), nullable=False),
        sa.Column("first_minutes", sa.Double(), nullable=True),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(20), nullable=True),
        sa.Column("check_held", sa.Boolean(), nullable=False),
        sa.Column("check_face_to_face", sa.Boolean(), nullable=True),
        sa.Column("rhi_status", sa.String(20), nullable=True),
        sa.Column("rhi_held_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rhi_hours", sa.Double(), nullable=True),
        sa.Column("repeat", sa.Boolean(), nullable=False),
        sa.Column("exploitation_flagged", sa.Boolean(), nullable=False),
        sa.Column("missing_again_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("again_hours", sa.Double(), nullable=True),
        sa.Column("concern_after", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_measure_episode_person_id", "measure_episode", ["person_id"])
    op.create_index(
        "ix_measure_episode_org_reported", "measure_episode", ["organisation_id", "reported_at"]
    )


def downgrade() -> None:
    op.drop_table("measure_episode")
