"""network alerts and their notes

Revision ID: 0010_network
Revises: 0009_screening
Create Date: 2026-11-27 08:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_network"
down_revision = "0009_screening"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "network_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("subject_type", sa.String(length=20), nullable=False),
        sa.Column("subject_key", sa.String(length=60), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("described", sa.JSON(), nullable=False),
        sa.Column("child_ids", sa.JSON(), nullable=False),
        sa.Column("member_keys", sa.JSON(), nullable=False),
        sa.Column("evidence_count", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open", "assigned", "dismissed", name="alert_status", native_enum=False, length=10
            ),
            nullable=False,
        ),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("operation", sa.String(length=100), nullable=True),
        sa.Column("dismissed_reason", sa.Text(), nullable=True),
        sa.Column("dismissed_evidence_count", sa.Integer(), nullable=True),
        sa.Column("first_raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignee_id"],
            ["user_account.id"],
            name=op.f("fk_network_alert_assignee_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_network_alert_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_alert")),
        sa.UniqueConstraint(
            "kind", "subject_type", "subject_key", name=op.f("uq_network_alert_kind")
        ),
    )
    with op.batch_alter_table("network_alert", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_network_alert_assignee_id"), ["assignee_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_network_alert_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index("ix_network_alert_status_score", ["status", "score"], unique=False)

    op.create_table(
        "network_alert_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["network_alert.id"],
            name=op.f("fk_network_alert_note_alert_id_network_alert"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_network_alert_note_author_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_alert_note")),
    )
    with op.batch_alter_table("network_alert_note", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_network_alert_note_alert_id"), ["alert_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("network_alert_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_network_alert_note_alert_id"))
    op.drop_table("network_alert_note")
    with op.batch_alter_table("network_alert", schema=None) as batch_op:
        batch_op.drop_index("ix_network_alert_status_score")
        batch_op.drop_index(batch_op.f("ix_network_alert_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_network_alert_assignee_id"))
    op.drop_table("network_alert")
