"""Merging two records of one person, and undoing it exactly."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from harbour.actor import Role
from harbour.db import Base
from harbour.episodes.models import Episode, EpisodeCompanion
from harbour.errors import Conflict, NotFound, ValidationFailed
from harbour.identity import merging
from harbour.network import alerts
from harbour.network.models import NetworkAlert
from harbour.people import service as people
from harbour.people.models import (
    Association,
    AssociationType,
    Person,
    PersonPhone,
    person_references,
)
from tests.factories import actor_of, make_call, make_episode, make_person, make_user

# What a merge may change and an unmerge not restore: the log of merges and the audit trail
# record that they happened (by design), and the version counters and update times move on so
# that a form opened on either record before the unmerge cannot overwrite it.
LOGS = {"audit_event", "audit_head", "person_merge", "view_justification", "candidate_pair"}
BOOKKEEPING = {("person", "version"), ("person", "updated_at")}


def snapshot(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (bar the logs), with columns in a fixed order."""
    session.flush()
    out = {}
    for table in Base.metadata.sorted_tables:
        if table.name in LOGS:
            continue
        columns = [c for c in table.columns if (table.name, c.name) not in BOOKKEEPING]
        rows = session.execute(select(*columns).order_by(*table.primary_key.columns)).all()
        out[table.name] = [tuple(row) for row in rows]
    return out


@pytest.fixture
def history(session: Session) -> dict[str, Any]:
    """Two records of one girl, each with history, and an adult linked to both."""
    owner = make_user(session, Role.hub_officer)
    born = date(2011, 3, 14)
    first = make_person(
        session, owner, given_name="Katherine", family_name="Obi", date_of_birth=born, sex="female"
    )
    second = make_person(
        session, owner, given_name="Kate", family_name="Obi", date_of_birth=born, sex="female"
    )
    first.flags = ["cse_risk"]
    second.flags, second.aliases = ["mental_health"], ["Katie Obi"]
    adult = make_person(session, owner, given_name="Dean", family_name="Marsh")
    make_episode(session, owner, first)
    episode = make_episode(session, owner, second)
    session.add_all(
        [
            PersonPhone(person_id=first.id, number="+447700900123"),
            PersonPhone(person_id=second.id, number="+447700900123"),  # the same phone twice
            PersonPhone(person_id=second.id, number="+447700900999"),
            EpisodeCompanion(episode_id=episode.id, person_id=adult.id),
            Association(
                subject_id=second.id, object_person_id=adult.id, type=AssociationType.associate,
                organisation_id=owner.organisation_id,
            ),
            Association(
                subject_id=adult.id, object_person_id=second.id, type=AssociationType.associate,
                organisation_id=owner.organisation_id,
            ),
        ]
    )  # fmt: skip
    make_call(session, owner, second)
    session.flush()
    return {"owner": owner, "first": first, "second": second, "adult": adult}


def test_merge_then_unmerge_leaves_the_database_as_it_was(
    session: Session, history: dict[str, Any]
) -> None:
    actor = actor_of(history["owner"])
    before = snapshot(session)
    merge = merging.merge(
        session, actor, history["first"].id, history["second"].id, "Same school and phone"
    )
    assert snapshot(session) != before
    merging.unmerge(session, actor, merge.id, "Social worker says these are two girls")
    assert snapshot(session) == before


def test_history_follows_the_merged_person(session: Session, history: dict[str, Any]) -> None:
    actor = actor_of(history["owner"])
    first, second, adult = history["first"], history["second"], history["adult"]
    merge = merging.merge(session, actor, first.id, second.id, "Same school and phone")
    episodes = session.scalars(select(Episode.person_id)).all()
    assert second.id not in episodes and episodes.count(first.id) == 2
    phones = session.scalars(
        select(PersonPhone.number).where(PersonPhone.person_id == first.id)
    ).all()
    assert sorted(phones) == ["+447700900123", "+447700900999"]
    links = session.execute(select(Association.subject_id, Association.object_person_id)).all()
    assert set(links) == {(first.id, adult.id), (adult.id, first.id)}
    assert sorted(first.flags) == ["cse_risk", "mental_health"]
    assert {"Kate Obi", "Katie Obi"} <= set(first.aliases)
    assert second.merged_into_id == first.id
    # The duplicate phone stays on the merged record: moving it would add nothing.
    left = session.scalars(select(PersonPhone.number).where(PersonPhone.person_id == second.id))
    assert list(left) == ["+447700900123"]
    assert len([m for m in merge.moved if m[0] == "person_phone"]) == 1
    shown, _ = people.list_people(session, actor, query="obi", page=1, per_page=20)
    assert [p.id for p in shown] == [first.id]
    events = session.execute(
        text("SELECT action, justification FROM audit_event WHERE action = 'merge'")
    ).all()
    assert events == [("merge", "Same school and phone")]


def test_the_markers_review_dates_follow_the_merge_and_come_back(
    session: Session, history: dict[str, Any]
) -> None:
    actor = actor_of(history["owner"])
    first, second = history["first"], history["second"]
    first.flags, first.flag_reviews = ["cse_risk", "weapons"], {"cse_risk": "2027-03-01"}
    second.flags = ["cse_risk", "mental_health"]
    second.flag_reviews = {"cse_risk": "2027-01-15", "mental_health": "2027-02-01"}
    session.flush()
    merge = merging.merge(session, actor, first.id, second.id, "Same school and phone")
    # The sooner review of each marker is kept, so none is reviewed later than either record said.
    assert first.flag_reviews == {"cse_risk": "2027-01-15", "mental_health": "2027-02-01"}
    merging.unmerge(session, actor, merge.id, "Two different girls after all")
    assert first.flag_reviews == {"cse_risk": "2027-03-01"}


def test_a_merge_needs_a_reason_and_records_in_scope(
    session: Session, history: dict[str, Any]
) -> None:
    actor = actor_of(history["owner"])
    with pytest.raises(ValidationFailed):
        merging.merge(session, actor, history["first"].id, history["second"].id, "same")
    stranger = make_person(session, make_user(session, Role.hub_officer))
    with pytest.raises(NotFound):
        merging.merge(session, actor, history["first"].id, stranger.id, "Looks like the same girl")
    officer = actor_of(make_user(session, Role.officer))
    with pytest.raises(NotFound):  # another organisation's officer cannot see them at all
        merging.merge(session, officer, history["first"].id, history["second"].id, "Same girl")


def test_a_merged_record_cannot_take_part_again_until_undone(
    session: Session, history: dict[str, Any]
) -> None:
    actor = actor_of(history["owner"])
    first, second, adult = history["first"], history["second"], history["adult"]
    merge = merging.merge(session, actor, first.id, second.id, "Same school and phone")
    with pytest.raises(Conflict):
        merging.merge(session, actor, adult.id, second.id, "Trying to merge it twice")
    later = merging.merge(session, actor, adult.id, first.id, "A deliberate wrong merge")
    with pytest.raises(Conflict):  # its survivor has since been merged: undo that first
        merging.unmerge(session, actor, merge.id, "Two different girls after all")
    merging.unmerge(session, actor, later.id, "Undo the deliberate wrong merge")
    merging.unmerge(session, actor, merge.id, "Two different girls after all")
    with pytest.raises(Conflict):
        merging.unmerge(session, actor, merge.id, "Undoing a merge twice")
    assert session.get(Person, second.id).merged_into_id is None  # type: ignore[union-attr]


def test_every_column_that_names_a_person_is_declared() -> None:
    """A new table with a person's id must be declared with names_a_person, or merges skip it."""
    named = {
        (table.name, fk.parent.name)
        for table in Base.metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column.table.name == "person"
    }
    machinery = {
        ("person", "merged_into_id"),
        ("person_merge", "survivor_id"),
        ("person_merge", "merged_id"),
        ("candidate_pair", "low_id"),
        ("candidate_pair", "high_id"),
    }
    declared = {(c.table.name, c.name) for c in person_references()}
    assert declared == named - machinery


def test_a_merge_refuses_while_the_database_names_a_person_nobody_declared(
    session: Session, history: dict[str, Any]
) -> None:
    session.execute(
        text("CREATE TABLE stray (id INTEGER PRIMARY KEY, who INTEGER REFERENCES person(id))")
    )
    merging._checked.clear()
    try:
        with pytest.raises(RuntimeError, match=r"stray\.who"):
            merging.merge(
                session,
                actor_of(history["owner"]),
                history["first"].id,
                history["second"].id,
                "Same school and phone",
            )
    finally:
        merging._checked.clear()


def test_an_alert_follows_its_adult_and_children_through_a_merge(
    session: Session, history: dict[str, Any]
) -> None:
    """The investigator's notes stay on the alert: its subject and children are rows a merge
    re-points, and the next rebuild finds the alert under the surviving record."""
    owner = history["owner"]
    first, second, adult = history["first"], history["second"], history["adult"]
    twin = make_person(session, owner, given_name="Dean", family_name="Marsh")
    alert = NetworkAlert(
        kind="common_associate", subject_type="person", subject_key=str(twin.id),
        subject_person_id=twin.id, score=0.9, reason="Linked to two children", described={},
        evidence_count=2, organisation_id=owner.organisation_id,
    )  # fmt: skip
    alert.child_ids = [second.id]
    alert.member_keys = [f"person:{twin.id}", "phone:+447700900555"]
    session.add(alert)
    session.flush()
    actor = actor_of(owner)
    merging.merge(session, actor, first.id, second.id, "Same school and phone")
    merging.merge(session, actor, adult.id, twin.id, "Same man, two records")
    session.expire(alert)
    assert alert.subject_person_id == adult.id
    assert alert.child_ids == [first.id]
    assert alert.member_keys == [f"person:{adult.id}", "phone:+447700900555"]
    known, retired = alerts._known([alert])
    assert list(known) == [("common_associate", "person", str(adult.id))] and retired == []
