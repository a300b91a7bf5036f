"""network alerts: subjects and members as rows with foreign keys (from JSON)

A stored alert kept its children's person ids and its members' node keys in JSON, so a merge of
two person records could not re-point them (decision 12) and the next rebuild raised the alert
afresh under the survivor, leaving the investigators' notes on an inactive copy. The subject
person or place and every member are now columns a merge follows.

Revision ID: 0015_alert_members
Revises: 0014_partial_merged_index
Create Date: 2026-12-02 09:00:00
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0015_alert_members"
down_revision = "0014_partial_merged_index"
branch_labels = None
depends_on = None


def _rows(value: Any) -> list[Any]:
    if value is None:
        return []
    return json.loads(value) if isinstance(value, str) else list(value)


def _member(alert_id: int, part: str, position: int, key: str) -> dict[str, Any]:
    kind, _, value = key.partition(":")
    row: dict[str, Any] = {
        "alert_id": alert_id,
        "part": part,
        "position": position,
        "person_id": None,
        "place_id": None,
        "node_key": None,
    }
    if kind == "person" and value.isdigit():
        row["person_id"] = int(value)
    elif kind == "place" and value.isdigit():
        row["place_id"] = int(value)
    else:
        row["node_key"] = key[:80]
    return row


def upgrade() -> None:
    member = op.create_table(
        "network_alert_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("part", sa.String(length=10), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("place_id", sa.Integer(), nullable=True),
        sa.Column("node_key", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["network_alert.id"],
            name=op.f("fk_network_alert_member_alert_id_network_alert"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_network_alert_member_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["place_id"], ["place.id"], name=op.f("fk_network_alert_member_place_id_place")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_alert_member")),
        sa.UniqueConstraint("alert_id", "part", "person_id", name="uq_network_alert_member_person"),
        sa.UniqueConstraint("alert_id", "part", "place_id", name="uq_network_alert_member_place"),
        sa.UniqueConstraint("alert_id", "part", "node_key", name="uq_network_alert_member_node"),
    )
    with op.batch_alter_table("network_alert_member", schema=None) as batch_op:
        for column in ("alert_id", "person_id", "place_id"):
            batch_op.create_index(
                batch_op.f(f"ix_network_alert_member_{column}"), [column], unique=False
            )
    with op.batch_alter_table("network_alert", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subject_person_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("subject_place_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_network_alert_subject_person_id"), ["subject_person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_network_alert_subject_place_id"), ["subject_place_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_network_alert_subject_person_id_person"),
            "person",
            ["subject_person_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_network_alert_subject_place_id_place"),
            "place",
            ["subject_place_id"],
            ["id"],
        )

    bind = op.get_bind()
    people = {r[0] for r in bind.execute(sa.text("SELECT id FROM person"))}
    places = {r[0] for r in bind.execute(sa.text("SELECT id FROM place"))}
    alerts = bind.execute(
        sa.text("SELECT id, subject_type, subject_key, child_ids, member_keys FROM network_alert")
    ).all()
    rows: list[dict[str, Any]] = []
    for alert_id, subject_type, subject_key, child_ids, member_keys in alerts:
        subject = int(subject_key) if str(subject_key).isdigit() else None
        if subject_type == "person" and subject in people:
            bind.execute(
                sa.text("UPDATE network_alert SET subject_person_id = :s WHERE id = :i"),
                {"s": subject, "i": alert_id},
            )
        elif subject_type == "place" and subject in places:
            bind.execute(
                sa.text("UPDATE network_alert SET subject_place_id = :s WHERE id = :i"),
                {"s": subject, "i": alert_id},
            )
        children = [f"person:{c}" for c in _rows(child_ids) if c in people]
        members = [
            k
            for k in _rows(member_keys)
            if not (k.startswith("person:") and int(k[7:]) not in people)
            and not (k.startswith("place:") and int(k[6:]) not in places)
        ]
        for part, keys in (("child", children), ("member", members)):
            rows += [_member(alert_id, part, i, k) for i, k in enumerate(dict.fromkeys(keys))]
    if rows:
        op.bulk_insert(member, rows)

    with op.batch_alter_table("network_alert", schema=None) as batch_op:
        batch_op.drop_column("member_keys")
        batch_op.drop_column("child_ids")


def downgrade() -> None:
    with op.batch_alter_table("network_alert", schema=None) as batch_op:
        batch_op.add_column(sa.Column("child_ids", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("member_keys", sa.JSON(), nullable=True))
    bind = op.get_bind()
    members: dict[int, dict[str, list[Any]]] = {}
    for alert_id, part, person_id, place_id, node_key in bind.execute(
        sa.text(
            "SELECT alert_id, part, person_id, place_id, node_key FROM network_alert_member "
            "ORDER BY alert_id, part, position"
        )
    ):
        held = members.setdefault(alert_id, {"child": [], "member": []})
        if part == "child":
            held["child"].append(person_id)
        else:
            key = (
                f"person:{person_id}"
                if person_id
                else f"place:{place_id}"
                if place_id
                else node_key
            )
            held["member"].append(key)
    for alert_id in [r[0] for r in bind.execute(sa.text("SELECT id FROM network_alert"))]:
        held = members.get(alert_id, {"child": [], "member": []})
        bind.execute(
            sa.text("UPDATE network_alert SET child_ids = :c, member_keys = :m WHERE id = :i"),
            {"c": json.dumps(held["child"]), "m": json.dumps(held["member"]), "i": alert_id},
        )
    with op.batch_alter_table("network_alert", schema=None) as batch_op:
        batch_op.alter_column("child_ids", nullable=False)
        batch_op.alter_column("member_keys", nullable=False)
        batch_op.drop_constraint(
            batch_op.f("fk_network_alert_subject_place_id_place"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_network_alert_subject_person_id_person"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_network_alert_subject_place_id"))
        batch_op.drop_index(batch_op.f("ix_network_alert_subject_person_id"))
        batch_op.drop_column("subject_place_id")
        batch_op.drop_column("subject_person_id")
    op.drop_table("network_alert_member")
