"""the disruption ledger: disruptions of an adult of concern and the children they protect

Revision ID: 0025_disruption
Revises: 0024_qa_review
Create Date: 2026-12-07 14:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025_disruption"
down_revision = "0024_qa_review"
branch_labels = None
depends_on = None

Stamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "disruption",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("adult_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("reference", sa.String(length=100), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("recorded_at", Stamp, nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_name", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", Stamp, nullable=False),
        sa.Column("updated_at", Stamp, nullable=False),
        sa.ForeignKeyConstraint(
            ["adult_id"], ["person.id"], name=op.f("fk_disruption_adult_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_disruption_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_disruption_team_id_team")),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_disruption_recorded_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disruption")),
    )
    for column in ("adult_id", "organisation_id", "team_id"):
        op.create_index(op.f(f"ix_disruption_{column}"), "disruption", [column])
    op.create_index("ix_disruption_adult_starts", "disruption", ["adult_id", "starts_on"])
    op.create_table(
        "disruption_child",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("disruption_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["disruption_id"],
            ["disruption.id"],
            name=op.f("fk_disruption_child_disruption_id_disruption"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_disruption_child_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disruption_child")),
        sa.UniqueConstraint(
            "disruption_id", "person_id", name=op.f("uq_disruption_child_disruption_id")
        ),
    )
    for column in ("disruption_id", "person_id"):
        op.create_index(op.f(f"ix_disruption_child_{column}"), "disruption_child", [column])


def downgrade() -> None:
    op.drop_table("disruption_child")
    op.drop_table("disruption")
