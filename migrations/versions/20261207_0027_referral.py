"""referrals between the force and its partner organisations

Revision ID: 0027_referral
Revises: 0026_sharing_agreement
Create Date: 2026-12-07 23:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027_referral"
down_revision = "0026_sharing_agreement"
branch_labels = None
depends_on = None

Stamp = sa.DateTime(timezone=True)


def _fk(column: str, table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{table}.id"], name=op.f(f"fk_referral_{column}_{table}")
    )


def upgrade() -> None:
    op.create_table(
        "referral",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("to_organisation_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("person_text", sa.Text(), nullable=True),
        sa.Column("call_id", sa.Integer(), nullable=True),
        sa.Column("episode_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("due_at", Stamp, nullable=False),
        sa.Column("escalated_at", Stamp, nullable=True),
        sa.Column("consent", sa.String(length=20), nullable=False),
        sa.Column("consent_note", sa.Text(), nullable=True),
        sa.Column("consent_override_reason", sa.Text(), nullable=True),
        sa.Column("consent_overridden_by", sa.String(length=200), nullable=True),
        sa.Column("sent_at", Stamp, nullable=False),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.Column("sent_by_name", sa.String(length=200), nullable=False),
        sa.Column("receiver_owner_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", Stamp, nullable=True),
        sa.Column("decided_by_name", sa.String(length=200), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("partner_reference", sa.String(length=100), nullable=True),
        sa.Column("done_at", Stamp, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", Stamp, nullable=False),
        sa.Column("updated_at", Stamp, nullable=False),
        _fk("organisation_id", "organisation"),
        sa.ForeignKeyConstraint(
            ["to_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_referral_to_organisation_id_organisation"),
        ),
        _fk("person_id", "person"),
        _fk("call_id", "call"),
        _fk("episode_id", "episode"),
        sa.ForeignKeyConstraint(
            ["sent_by_id"], ["user_account.id"], name=op.f("fk_referral_sent_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["receiver_owner_id"],
            ["user_account.id"],
            name=op.f("fk_referral_receiver_owner_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral")),
    )
    for column in ("organisation_id", "person_id", "call_id"):
        op.create_index(op.f(f"ix_referral_{column}"), "referral", [column])
    op.create_index("ix_referral_to_status", "referral", ["to_organisation_id", "status"])


def downgrade() -> None:
    op.drop_table("referral")
