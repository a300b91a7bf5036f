"""strategy meetings and MACE panels: attendees, children, decisions and actions

Revision ID: 0028_meeting
Revises: 0027_referral
Create Date: 2026-12-08 00:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0028_meeting"
down_revision = "0027_referral"
branch_labels = None
depends_on = None

Stamp = sa.DateTime(timezone=True)


def _meeting_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["meeting_id"],
        ["meeting.id"],
        name=op.f(f"fk_{table}_meeting_id_meeting"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("held_at", Stamp, nullable=False),
        sa.Column("chair", sa.String(length=200), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=True),
        sa.Column("information", sa.Text(), nullable=False),
        sa.Column("minutes", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_name", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", Stamp, nullable=False),
        sa.Column("updated_at", Stamp, nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_meeting_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_meeting_recorded_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting")),
    )
    op.create_index(op.f("ix_meeting_organisation_id"), "meeting", ["organisation_id"])
    op.create_index(op.f("ix_meeting_held_at"), "meeting", ["held_at"])
    op.create_table(
        "meeting_attendee",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=200), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("organisation_text", sa.String(length=200), nullable=True),
        _meeting_fk("meeting_attendee"),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_meeting_attendee_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_attendee")),
    )
    op.create_index(op.f("ix_meeting_attendee_meeting_id"), "meeting_attendee", ["meeting_id"])
    op.create_table(
        "meeting_child",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        _meeting_fk("meeting_child"),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_meeting_child_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_meeting_child_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_child")),
        sa.UniqueConstraint("meeting_id", "person_id", name=op.f("uq_meeting_child_meeting_id")),
    )
    op.create_index(op.f("ix_meeting_child_meeting_id"), "meeting_child", ["meeting_id"])
    op.create_index(op.f("ix_meeting_child_person_id"), "meeting_child", ["person_id"])
    op.create_table(
        "meeting_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        _meeting_fk("meeting_decision"),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_meeting_decision_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_decision")),
    )
    op.create_index(op.f("ix_meeting_decision_meeting_id"), "meeting_decision", ["meeting_id"])
    op.create_table(
        "meeting_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        _meeting_fk("meeting_action"),
        sa.ForeignKeyConstraint(
            ["task_id"], ["task.id"], name=op.f("fk_meeting_action_task_id_task")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_action")),
        sa.UniqueConstraint("task_id", name=op.f("uq_meeting_action_task_id")),
    )
    op.create_index(op.f("ix_meeting_action_meeting_id"), "meeting_action", ["meeting_id"])


def downgrade() -> None:
    for table in ("meeting_action", "meeting_decision", "meeting_child", "meeting_attendee"):
        op.drop_table(table)
    op.drop_table("meeting")
