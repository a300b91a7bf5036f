"""The measures' facts stay in step with the records: after any committed change they equal the
facts worked out again from nothing, and a rolled-back change leaves them as they were."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour.episodes.models import Episode, EpisodeStatus, Outcome
from harbour.measures import episode_facts, store
from harbour.measures.models import EpisodeFactRow
from harbour.people.models import Person, Place
from harbour.risk.grades import RiskGrade
from tests.measures.world import at


def _table(session: Session) -> dict[int, dict[str, Any]]:
    rows = session.scalars(select(EpisodeFactRow)).all()
    columns = [c.key for c in EpisodeFactRow.__table__.columns]
    return {r.episode_id: {c: getattr(r, c) for c in columns} for r in rows}


def _afresh(session: Session) -> dict[int, dict[str, Any]]:
    people = session.scalars(select(Episode.person_id).distinct()).all()
    facts = episode_facts.for_people(session, people)
    return {f.id: store._row(f) for f in facts}


def _same(session: Session) -> None:
    table, afresh = _table(session), _afresh(session)
    assert set(table) == set(afresh)
    for episode_id, row in afresh.items():
        assert {k: table[episode_id][k] for k in row} == row, episode_id


def test_the_facts_follow_every_kind_of_change(session: Session, world: Any) -> None:
    w, _ = world
    session.commit()
    _same(session)
    people = {
        p.given_name: p for p in session.scalars(select(Person)) if p.family_name == "Measured"
    }
    a, b, f = people["A"], people["B"], people["F"]
    b2 = session.scalars(select(Episode).where(Episode.person_id == b.id)).all()[-1]

    a.ethnicity = "black_caribbean"  # the person's record
    a.flags = []
    w.grading(b2, at(6, 29, 22, 40), RiskGrade.high, True)  # a first grading
    b2.status, b2.found_at, b2.outcome = EpisodeStatus.found, at(6, 30, 9), Outcome.found_harmed
    w.screening(f, at(6, 25, 9))  # a concern after F's episode
    camden = session.scalars(select(Place).where(Place.borough == "Camden")).one()
    camden.borough = "Camden Town"  # the home's borough
    moved = session.scalars(select(Episode).where(Episode.person_id == f.id)).first()
    assert moved is not None
    moved.person_id = b.id  # as a merge re-points an episode
    session.commit()
    _same(session)
    rows = _table(session)
    assert rows[b2.id]["first_grade"] == "high" and rows[b2.id]["outcome"] == "found_harmed"
    assert rows[moved.id]["person_id"] == b.id
    assert {r["borough"] for r in rows.values()} >= {"Camden Town"}


def test_a_rolled_back_change_leaves_the_facts_alone(session: Session, world: Any) -> None:
    session.commit()
    before = _table(session)
    person = session.scalars(select(Person).where(Person.given_name == "A")).one()
    person.ethnicity = "white_irish"
    session.flush()
    session.rollback()
    assert _table(session) == before
