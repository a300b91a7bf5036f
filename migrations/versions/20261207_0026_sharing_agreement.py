"""information-sharing agreements: parties, covers, fields and named cases

Revision ID: 0026_sharing_agreement
Revises: 0025_disruption
Create Date: 2026-12-07 23:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026_sharing_agreement"
down_revision = "0025_disruption"
branch_labels = None
depends_on = None

Stamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sharing_agreement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("force_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("condition", sa.String(length=30), nullable=False),
        sa.Column("area", sa.String(length=100), nullable=True),
        sa.Column("residents", sa.Boolean(), nullable=False),
        sa.Column("looked_after", sa.Boolean(), nullable=False),
        sa.Column("open_cases", sa.Boolean(), nullable=False),
        sa.Column("named_cases", sa.Boolean(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("suspended_at", Stamp, nullable=True),
        sa.Column("suspended_reason", sa.Text(), nullable=True),
        sa.Column("ended_at", Stamp, nullable=True),
        sa.Column("ended_reason", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", Stamp, nullable=False),
        sa.Column("updated_at", Stamp, nullable=False),
        sa.ForeignKeyConstraint(
            ["force_id"],
            ["organisation.id"],
            name=op.f("fk_sharing_agreement_force_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["organisation.id"],
            name=op.f("fk_sharing_agreement_partner_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_sharing_agreement_created_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sharing_agreement")),
        sa.UniqueConstraint("reference", name=op.f("uq_sharing_agreement_reference")),
    )
    for column in ("force_id", "partner_id"):
        op.create_index(op.f(f"ix_sharing_agreement_{column}"), "sharing_agreement", [column])
    op.create_table(
        "sharing_agreement_field",
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["sharing_agreement.id"],
            name=op.f("fk_sharing_agreement_field_agreement_id_sharing_agreement"),
        ),
        sa.PrimaryKeyConstraint("agreement_id", "field", name=op.f("pk_sharing_agreement_field")),
    )
    op.create_table(
        "sharing_agreement_person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("added_at", Stamp, nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["sharing_agreement.id"],
            name=op.f("fk_sharing_agreement_person_agreement_id_sharing_agreement"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_sharing_agreement_person_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["added_by_id"],
            ["user_account.id"],
            name=op.f("fk_sharing_agreement_person_added_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sharing_agreement_person")),
        sa.UniqueConstraint(
            "agreement_id", "person_id", name=op.f("uq_sharing_agreement_person_agreement_id")
        ),
    )
    op.create_index(
        op.f("ix_sharing_agreement_person_person_id"), "sharing_agreement_person", ["person_id"]
    )


def downgrade() -> None:
    op.drop_table("sharing_agreement_person")
    op.drop_table("sharing_agreement_field")
    op.drop_table("sharing_agreement")
