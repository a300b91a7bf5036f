"""network alerts and place medians per organisation

Alerts were computed across organisations: one alert owned by the organisation of its first child
named every organisation's children. Each organisation's records are now analysed apart
(decision 18), so an alert is unique by its organisation, kind and subject, its organisation is
always set, and the place medians are kept per organisation.

Existing rows: an alert without an organisation takes that of its first child (else of its subject
person or place); one with neither, which no rebuild ever made, is deleted with its members and
notes. An alert that names another organisation's person or place loses those members, its
evidence and its reason, and is marked inactive until a rebuild finds it again from its own
organisation's records (its notes, assignee and dismissal stay). The place medians are kept for
the one organisation holding people when there is only one (they are its own); otherwise they are
dropped, and save-time checks wait for the next rebuild (`harbour network analyse`).

Downgrade: the old schema holds one alert per kind and subject and one median per place type, so
where organisations have the same one, the lowest-numbered organisation's is kept.

Revision ID: 0018_alerts_per_org
Revises: 0017_casework_gates
Create Date: 2026-12-02 18:00:00
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0018_alerts_per_org"
down_revision = "0017_casework_gates"
branch_labels = None
depends_on = None

REFRESHED = (
    "Found before each organisation's records were analysed apart: the next rebuild shows this "
    "organisation's own evidence."
)


ALERT = sa.table(
    "network_alert",
    sa.column("id", sa.Integer()),
    sa.column("kind", sa.String()),
    sa.column("subject_type", sa.String()),
    sa.column("subject_person_id", sa.Integer()),
    sa.column("subject_place_id", sa.Integer()),
    sa.column("score", sa.Float()),
    sa.column("reason", sa.Text()),
    sa.column("described", sa.JSON()),
    sa.column("active", sa.Boolean()),
    sa.column("organisation_id", sa.Integer()),
)
MEMBER = sa.table(
    "network_alert_member",
    sa.column("id", sa.Integer()),
    sa.column("alert_id", sa.Integer()),
    sa.column("part", sa.String()),
    sa.column("position", sa.Integer()),
    sa.column("person_id", sa.Integer()),
    sa.column("place_id", sa.Integer()),
)
NOTE = sa.table("network_alert_note", sa.column("alert_id", sa.Integer()))
PERSON = sa.table("person", sa.column("id", sa.Integer()), sa.column("organisation_id"))
PLACE = sa.table("place", sa.column("id", sa.Integer()), sa.column("organisation_id"))


@contextmanager
def _keeping_what_names_alerts(bind: sa.Connection) -> Iterator[None]:
    """Keep the alerts' members and notes while SQLite copies `network_alert` in batch mode.

    The copy drops the old table. migrations/env.py switches foreign keys off for that, but it
    cannot inside a transaction already begun, and then the drop deletes every member and note
    on cascade: they are put back.
    """
    if bind.dialect.name != "sqlite" or not bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        yield
        return
    tables = [
        sa.Table(name, sa.MetaData(), autoload_with=bind)
        for name in ("network_alert_member", "network_alert_note")
    ]
    saved = {t.name: bind.execute(sa.select(t)).mappings().all() for t in tables}
    yield
    for table in tables:
        present = set(bind.scalars(sa.select(table.c.id)))
        lost = [dict(r) for r in saved[table.name] if r["id"] not in present]
        if lost:
            bind.execute(table.insert(), lost)


def _delete_alerts(bind: sa.Connection, ids: list[int]) -> None:
    # Foreign keys are off while SQLite migrates (migrations/env.py): no cascade, so by hand.
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        bind.execute(MEMBER.delete().where(MEMBER.c.alert_id.in_(chunk)))
        bind.execute(NOTE.delete().where(NOTE.c.alert_id.in_(chunk)))
        bind.execute(ALERT.delete().where(ALERT.c.id.in_(chunk)))


def _give_organisations(bind: sa.Connection) -> None:
    """Each alert without an organisation takes its first child's, or its subject's."""
    first_child = (
        sa.select(PERSON.c.organisation_id)
        .select_from(MEMBER.join(PERSON, PERSON.c.id == MEMBER.c.person_id))
        .where(MEMBER.c.alert_id == ALERT.c.id, MEMBER.c.part == "child")
        .order_by(MEMBER.c.position)
        .limit(1)
    )
    subject_person = sa.select(PERSON.c.organisation_id).where(
        PERSON.c.id == ALERT.c.subject_person_id
    )
    subject_place = sa.select(PLACE.c.organisation_id).where(PLACE.c.id == ALERT.c.subject_place_id)
    for source in (first_child, subject_person, subject_place):
        bind.execute(
            ALERT.update()
            .where(ALERT.c.organisation_id.is_(None))
            .values(organisation_id=source.scalar_subquery())
        )
    orphans = bind.scalars(sa.select(ALERT.c.id).where(ALERT.c.organisation_id.is_(None)))
    _delete_alerts(bind, list(orphans))


def _forget_other_organisations(bind: sa.Connection) -> None:
    """Take another organisation's people and places out of every alert."""
    person, place = PERSON.alias("p"), PLACE.alias("pl")

    def foreign(person_id: Any, place_id: Any) -> Any:
        return sa.and_(
            sa.or_(person_id.is_not(None), place_id.is_not(None)),
            sa.or_(
                sa.select(person.c.organisation_id).where(person.c.id == person_id)
                .scalar_subquery() != ALERT.c.organisation_id,
                sa.select(place.c.organisation_id).where(place.c.id == place_id)
                .scalar_subquery() != ALERT.c.organisation_id,
            ),
        )  # fmt: skip

    members = bind.execute(
        sa.select(MEMBER.c.id, MEMBER.c.alert_id)
        .select_from(MEMBER.join(ALERT, ALERT.c.id == MEMBER.c.alert_id))
        .where(foreign(MEMBER.c.person_id, MEMBER.c.place_id))
    ).all()
    subjects = bind.scalars(
        sa.select(ALERT.c.id).where(foreign(ALERT.c.subject_person_id, ALERT.c.subject_place_id))
    ).all()
    for start in range(0, len(members), 500):
        chunk = [member_id for member_id, _ in members[start : start + 500]]
        bind.execute(MEMBER.delete().where(MEMBER.c.id.in_(chunk)))
    for alert_id in sorted({a for _, a in members} | set(subjects)):
        kind, subject_type, score = bind.execute(
            sa.select(ALERT.c.kind, ALERT.c.subject_type, ALERT.c.score).where(
                ALERT.c.id == alert_id
            )
        ).one()
        described: dict[str, Any] = {
            "kind": kind,
            "subject": {"type": subject_type, "external_id": ""},
            "score": score,
            "reason": REFRESHED,
            "children": [],
            "members": [],
            "evidence": [],
        }
        bind.execute(
            ALERT.update()
            .where(ALERT.c.id == alert_id)
            .values(reason=REFRESHED, described=described, active=False)
        )


def upgrade() -> None:
    bind = op.get_bind()
    _give_organisations(bind)
    _forget_other_organisations(bind)
    with _keeping_what_names_alerts(bind), op.batch_alter_table("network_alert") as batch_op:
        batch_op.alter_column("organisation_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint("uq_network_alert_kind", type_="unique")
        batch_op.create_unique_constraint(
            "uq_network_alert_organisation_id",
            ["organisation_id", "kind", "subject_type", "subject_key"],
        )

    person = sa.table("person", sa.column("organisation_id"), sa.column("merged_into_id"))
    holders = bind.scalars(
        sa.select(person.c.organisation_id).where(person.c.merged_into_id.is_(None)).distinct()
    ).all()
    with op.batch_alter_table("network_baseline", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
    baseline = sa.table("network_baseline", sa.column("organisation_id", sa.Integer()))
    if len(holders) == 1:
        bind.execute(baseline.update().values(organisation_id=holders[0]))
    bind.execute(baseline.delete().where(baseline.c.organisation_id.is_(None)))
    with op.batch_alter_table("network_baseline", schema=None) as batch_op:
        batch_op.alter_column("organisation_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint("pk_network_baseline", type_="primary")
        batch_op.create_primary_key("pk_network_baseline", ["organisation_id", "place_type"])
        batch_op.create_foreign_key(
            "fk_network_baseline_organisation_id_organisation",
            "organisation",
            ["organisation_id"],
            ["id"],
        )


def downgrade() -> None:
    bind = op.get_bind()
    baseline = sa.table(
        "network_baseline", sa.column("place_type"), sa.column("organisation_id", sa.Integer())
    )
    other = baseline.alias("other")
    bind.execute(
        baseline.delete().where(
            sa.exists().where(
                other.c.place_type == baseline.c.place_type,
                other.c.organisation_id < baseline.c.organisation_id,
            )
        )
    )
    with op.batch_alter_table("network_baseline", schema=None) as batch_op:
        batch_op.drop_constraint(
            "fk_network_baseline_organisation_id_organisation", type_="foreignkey"
        )
        batch_op.drop_constraint("pk_network_baseline", type_="primary")
        batch_op.create_primary_key("pk_network_baseline", ["place_type"])
        batch_op.drop_column("organisation_id")

    # One alert per kind and subject: the lowest-numbered organisation's.
    alert = sa.table(
        "network_alert",
        sa.column("id", sa.Integer()),
        sa.column("kind"),
        sa.column("subject_type"),
        sa.column("subject_key"),
        sa.column("organisation_id", sa.Integer()),
    )
    earlier = alert.alias("earlier")
    later = bind.scalars(
        sa.select(alert.c.id).where(
            sa.exists().where(
                earlier.c.kind == alert.c.kind,
                earlier.c.subject_type == alert.c.subject_type,
                earlier.c.subject_key == alert.c.subject_key,
                earlier.c.organisation_id < alert.c.organisation_id,
            )
        )
    )
    _delete_alerts(bind, list(later))
    with _keeping_what_names_alerts(bind), op.batch_alter_table("network_alert") as batch_op:
        batch_op.drop_constraint("uq_network_alert_organisation_id", type_="unique")
        batch_op.create_unique_constraint(
            "uq_network_alert_kind", ["kind", "subject_type", "subject_key"]
        )
        batch_op.alter_column("organisation_id", existing_type=sa.Integer(), nullable=True)
