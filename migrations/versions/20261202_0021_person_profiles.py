"""the person's profiles, photos and addresses over time

- `person_address`: where a person lived, from when to when. Every person with a home on record
  gets one open period at it, marked as imported (its start is not known); `person.home_place_id`
  stays, as the current address, so everything that reads the home keeps working.
- `person_photo`: photographs of the person, apart from any episode's.
- The Philomena and Herbert profiles stay in their JSON columns, now in the shape of
  `harbour.people.profile_schemas`: the keys imports used are renamed to the form's
  (`part1_completed_at` and `completed_at` to `completed_on`; `places_frequented`,
  `likely_destinations` and the like to `places_they_may_go`). Any other key stays as it was.

Downgrade drops the two tables (the home on each record stays) and renames the profile keys back
(`completed_on` to `part1_completed_at` or `completed_at`, `places_they_may_go` to
`places_frequented` or `likely_destinations`); keys only the form writes stay, as free fields,
which the profile columns always allowed.

Revision ID: 0021_person_profiles
Revises: 0020_legacy_grade
Create Date: 2026-12-02 18:00:00
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0021_person_profiles"
down_revision = "0020_legacy_grade"
branch_labels = None
depends_on = None

# As harbour.people.profile_schemas.LEGACY_KEYS had them at this revision.
_PLACES = ("places_frequented", "likely_destinations", "places_she_goes", "places_he_goes")
UP = {
    "philomena": {
        "part1_completed_at": "completed_on",
        **dict.fromkeys(_PLACES, "places_they_may_go"),
    },
    "herbert": {"completed_at": "completed_on", **dict.fromkeys(_PLACES, "places_they_may_go")},
}
DOWN = {
    "philomena": {"completed_on": "part1_completed_at", "places_they_may_go": "places_frequented"},
    "herbert": {"completed_on": "completed_at", "places_they_may_go": "likely_destinations"},
}


def _rename(profile: dict[str, Any], keys: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in profile.items():
        new = keys.get(key, key)
        if new in out and new != key:  # two old keys for one new one: keep both lists' items
            if isinstance(out[new], list) and isinstance(value, list):
                out[new] = out[new] + [v for v in value if v not in out[new]]
            continue
        out[new] = value
    return out


def _convert(renames: dict[str, dict[str, str]]) -> None:
    bind = op.get_bind()
    for column, keys in renames.items():
        rows = bind.execute(
            sa.text(f"SELECT id, {column} FROM person WHERE {column} IS NOT NULL")  # noqa: S608
        ).all()
        update = sa.text(f"UPDATE person SET {column} = :value WHERE id = :id").bindparams(  # noqa: S608
            sa.bindparam("value", type_=sa.JSON)
        )
        for person_id, raw in rows:
            profile = json.loads(raw) if isinstance(raw, str) else raw
            if not isinstance(profile, dict):
                continue
            renamed = _rename(profile, keys)
            if renamed != profile:
                bind.execute(update, {"value": renamed, "id": person_id})


def upgrade() -> None:
    op.create_table(
        "person_address",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("from_on", sa.Date(), nullable=True),
        sa.Column("to_on", sa.Date(), nullable=True),
        sa.Column("imported", sa.Boolean(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_person_address_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["place_id"], ["place.id"], name=op.f("fk_person_address_place_id_place")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_person_address_recorded_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_address")),
    )
    with op.batch_alter_table("person_address", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_person_address_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_person_address_place_id"), ["place_id"], unique=False)

    op.create_table(
        "person_photo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(length=20), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=True),
        sa.Column("taken_on", sa.Date(), nullable=True),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_person_photo_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["user_account.id"],
            name=op.f("fk_person_photo_uploaded_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_photo")),
    )
    with op.batch_alter_table("person_photo", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_photo_person_id"), ["person_id"], unique=False)

    # Each home on record becomes the current address, its start not known.
    op.get_bind().execute(
        sa.text(
            "INSERT INTO person_address (person_id, place_id, imported, created_at, updated_at) "
            "SELECT id, home_place_id, :yes, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM person "
            "WHERE home_place_id IS NOT NULL ORDER BY id"
        ),
        {"yes": True},
    )
    _convert(UP)


def downgrade() -> None:
    _convert(DOWN)
    with op.batch_alter_table("person_photo", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_photo_person_id"))
    op.drop_table("person_photo")
    with op.batch_alter_table("person_address", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_address_place_id"))
        batch_op.drop_index(batch_op.f("ix_person_address_person_id"))
    op.drop_table("person_address")
