"""Batch resolution into the review queue, and intake look-ups, on the simulator's people."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from harbour.actor import Role
from harbour.identity import batch, candidates, service
from harbour.identity.models import CandidatePair, PairStatus
from harbour.interop import importer
from harbour.linkage.service import TrainedModel
from harbour.people.models import ImportRef, Person, PersonPhone, Place
from tests.factories import actor_of, csrf_from, make_org, make_team, make_user, sign_in
from tests.identity.conftest import SYSTEM

pytestmark = pytest.mark.slow  # trains or scores a Splink model, or fuzzes the whole API


@pytest.fixture(scope="module")
def files(people_files: Path) -> Path:
    return people_files


@pytest.fixture
def loaded(session: Session, files: Path, model_path: Path) -> dict[str, Any]:
    org = make_org(session)
    importer.run_import(files, SYSTEM, organisation_id=org.id)
    session.flush()
    truth = json.loads((files / "truth.json").read_text())["identities"]
    ids = dict(
        session.execute(
            select(ImportRef.record_id, ImportRef.external_id).where(ImportRef.kind == "person")
        ).all()
    )
    analyst = make_user(session, Role.analyst, team=make_team(session, org))
    return {"org": org, "truth": {rid: truth[ext] for rid, ext in ids.items()}, "user": analyst}


def _pairs(session: Session) -> list[tuple[int, int]]:
    return list(session.execute(select(CandidatePair.low_id, CandidatePair.high_id)).all())


def test_resolve_queues_true_duplicates_once_and_saves_the_model(
    session: Session, loaded: dict[str, Any], model_path: Path
) -> None:
    summary = batch.resolve_people(session, SYSTEM)
    assert model_path.exists() and summary.queued_new == len(_pairs(session)) > 0
    truth = loaded["truth"]
    pairs = _pairs(session)
    same = [truth[a] == truth[b] for a, b in pairs]
    assert sum(same) / len(same) >= 0.9  # the queue is mostly true duplicates
    duplicates = {}
    for rid, identity in truth.items():
        duplicates.setdefault(identity, []).append(rid)
    true_pairs = sum(len(v) * (len(v) - 1) // 2 for v in duplicates.values())
    assert sum(same) / true_pairs >= 0.8  # and finds most of them
    # Run again: every pair is still there once; a decided pair is left as decided.
    session.execute(
        CandidatePair.__table__.update()
        .where(CandidatePair.id == select(func.min(CandidatePair.id)).scalar_subquery())
        .values(status=PairStatus.rejected)
    )
    again = batch.resolve_people(session, SYSTEM)
    assert again.queued_new == 0 and again.already_decided == 1
    assert sorted(_pairs(session)) == sorted(pairs) and len(set(pairs)) == len(pairs)
    assert all(low < high for low, high in pairs)


def test_the_queue_never_shows_a_pair_twice_across_pages(
    session: Session, loaded: dict[str, Any], trained: TrainedModel
) -> None:
    batch.resolve_people(session, SYSTEM, trained=trained)
    actor = actor_of(loaded["user"])
    seen: list[tuple[int, int]] = []
    page = 1
    while True:
        rows, total = service.queue(session, actor, show="open", page=page, per_page=5)
        if not rows:
            break
        seen += [(r.low.id, r.high.id) for r in rows]
        page += 1
    assert len(seen) == total == len(set(seen)) == len({frozenset(p) for p in seen}) > 0


def test_same_name_and_birth_but_nothing_else_is_not_merged_automatically(
    session: Session, loaded: dict[str, Any]
) -> None:
    org = loaded["org"]
    owner = make_user(session, Role.hub_officer, team=make_team(session, org))
    twins = []
    for postcode, phone, sex in (("N1 7GU", "+447700900301", "female"), ("SE15 4QN", None, "male")):
        place = Place(type="home", address=f"{len(twins) + 4} Example Road", postcode=postcode,
                      organisation_id=org.id)  # fmt: skip
        session.add(place)
        session.flush()
        person = Person(
            given_name="Amelia", family_name="Smith", date_of_birth=date(2012, 5, 1), sex=sex,
            home_place_id=place.id, organisation_id=org.id, created_by_id=owner.id,
        )  # fmt: skip
        session.add(person)
        session.flush()
        if phone:
            session.add(PersonPhone(person_id=person.id, number=phone))
        twins.append(person.id)
    summary = batch.resolve_people(
        session, SYSTEM, auto_merge_threshold=0.95
    )  # trains on the twins too
    assert summary.merged_automatically > 0  # automatic merging ran on the sure pairs
    assert summary.left_for_review > 0
    for pid in twins:
        assert session.get_one(Person, pid).merged_into_id is None
    low, high = sorted(twins)  # a person decides: the pair waits in the queue
    pair = session.scalar(select(CandidatePair).where(CandidatePair.low_id == low))
    assert pair is not None and pair.high_id == high and pair.status is PairStatus.pending


def test_intake_finds_the_child_from_a_misspelt_name(
    session: Session, loaded: dict[str, Any], trained: TrainedModel
) -> None:
    batch.resolve_people(session, SYSTEM, trained=trained)
    actor = actor_of(loaded["user"])
    truth = loaded["truth"]
    groups: dict[str, list[int]] = {}
    for rid, identity in truth.items():
        groups.setdefault(identity, []).append(rid)
    child = next(
        session.get_one(Person, min(ids))
        for ids in groups.values()
        if len(ids) > 1 and session.get_one(Person, min(ids)).date_of_birth
    )
    family = child.family_name or ""
    typo = family[:2] + family[3] + family[2] + family[4:] if len(family) > 4 else family + "e"
    lookup = candidates.find(
        session,
        actor,
        candidates.Typed(child.given_name, typo, child.date_of_birth.isoformat()),  # type: ignore[union-attr]
        justification="Reporting a missing child",
    )
    assert lookup.scored and lookup.candidates
    top = lookup.candidates[0]
    assert truth[top.person_id] == truth[child.id]
    assert top.probability is not None and top.probability > 0.5
    assert "Date of birth" in top.agree
    # Someone in another organisation sees none of them.
    stranger = actor_of(make_user(session, Role.analyst))
    typed = candidates.Typed(child.given_name, family, child.date_of_birth.isoformat())  # type: ignore[union-attr]
    assert candidates.find(session, stranger, typed, justification="x" * 10).candidates == []


def test_the_report_page_shows_likely_matches_as_the_call_handler_types(
    client: TestClient, session: Session, loaded: dict[str, Any], trained: TrainedModel
) -> None:
    batch.resolve_people(session, SYSTEM, trained=trained)
    org = loaded["org"]
    handler = make_user(session, Role.call_handler, team=make_team(session, org))
    child = session.scalars(
        select(Person).where(Person.date_of_birth.is_not(None), Person.given_name.is_not(None))
    ).first()
    assert child is not None and child.date_of_birth is not None
    session.commit()
    sign_in(client, handler.username)
    typed = {
        "given_name": child.given_name,
        "family_name": (child.family_name or "") + "e",
        "dob_day": str(child.date_of_birth.day),
        "dob_month": str(child.date_of_birth.month),
        "dob_year": str(child.date_of_birth.year),
    }
    start = client.get("/episodes/new").text
    form = typed | {"csrf_token": csrf_from(start)}
    # What was typed goes in the body: the form posts, and HTMX posts as the handler types.
    assert 'method="post" action="/episodes/new" hx-post="/partials/person-matches"' in start
    partial = client.post("/partials/person-matches", data=form).text
    assert f'href="/episodes/new/{child.id}"' in partial and "Date of birth" in partial
    page = client.post("/episodes/new", data=form).text  # without JavaScript, the same list
    assert f'href="/episodes/new/{child.id}"' in page
    # A name and date of birth in a query string (browser history, proxy logs) are not read.
    assert client.get("/partials/person-matches", params=typed).status_code == 405
    assert f'href="/episodes/new/{child.id}"' not in client.get("/episodes/new", params=typed).text


def test_intake_without_a_model_lists_candidates_unscored(
    session: Session, loaded: dict[str, Any], model_path: Path
) -> None:
    assert not model_path.exists()
    person = session.scalars(select(Person).where(Person.names_key.is_not(None))).first()
    assert person is not None
    lookup = candidates.find(
        session,
        actor_of(loaded["user"]),
        candidates.Typed(person.given_name, person.family_name),
        justification="Reporting a missing child",
    )
    assert not lookup.scored and lookup.note and "harbour identity resolve" in lookup.note
    assert person.id in [c.person_id for c in lookup.candidates]
