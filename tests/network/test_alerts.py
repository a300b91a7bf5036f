"""Stored alerts: kept across rebuilds, worked by investigators, dismissed until new evidence."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from harbour.actor import Channel, Role, system_actor
from harbour.auth.models import Organisation, User
from harbour.cli import app
from harbour.errors import Conflict, NotFound, ValidationFailed
from harbour.identity import merging
from harbour.interop import importer
from harbour.network import alerts, incremental, view
from harbour.network import service as network
from harbour.network.models import AlertStatus, NetworkAlert, PlaceBaseline
from harbour.people.models import Association, AssociationType, Person, Place
from harbour.simulate.service import simulate
from harbour.tasks.models import Notification
from tests.factories import (
    actor_of,
    csrf_from,
    make_episode,
    make_org,
    make_person,
    make_team,
    make_user,
    sign_in,
)

AS_OF = date(2026, 11, 27)


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("alerts")
    simulate(seed=1, scale="demo", years=1, as_of=AS_OF, out=out)
    return out


@pytest.fixture
def org(session: Session, batch: Path) -> Organisation:
    org = make_org(session)
    importer.run_import(batch, system_actor(Channel.cli), organisation_id=org.id)
    session.flush()
    return org


@pytest.fixture
def investigator(session: Session, org: Organisation) -> User:
    return make_user(session, Role.exploitation_investigator, team=make_team(session, org))


def _rebuild(session: Session) -> alerts.StoreSummary:
    return alerts.store(session, network.analyse(session))


def _associate(session: Session) -> NetworkAlert:
    return session.scalars(
        select(NetworkAlert)
        .where(NetworkAlert.kind == "common_associate")
        .order_by(NetworkAlert.score.desc())
    ).first()  # type: ignore[return-value]


def test_a_rebuild_keeps_each_alert_once_and_tells_the_team(
    session: Session, org: Organisation, investigator: User
) -> None:
    first = _rebuild(session)
    assert first.new > 0 and first.notified > 0
    again = _rebuild(session)
    assert again.new == 0 and again.refreshed == first.new
    keys = session.execute(
        select(NetworkAlert.kind, NetworkAlert.subject_type, NetworkAlert.subject_key)
    ).all()
    assert len(keys) == len(set(keys)) == first.new
    told = session.scalars(
        select(Notification.link).where(Notification.user_id == investigator.id)
    ).all()
    assert len(told) == first.new and all(link.startswith("/network/alerts/") for link in told)


def test_a_dismissed_alert_comes_back_only_with_new_evidence(
    session: Session, org: Organisation, investigator: User
) -> None:
    _rebuild(session)
    alert = _associate(session)
    actor = actor_of(investigator)
    with pytest.raises(ValidationFailed):
        alerts.act(session, actor, alert.id, action="dismiss", version=alert.version, text="no")
    alerts.act(
        session, actor, alert.id, action="dismiss", version=alert.version,
        text="Youth worker at the club: known and vetted",
    )  # fmt: skip
    _rebuild(session)
    assert alert.status is AlertStatus.dismissed  # the same evidence: stays dismissed
    listed = alerts.listed(session, include_dismissed=False)
    assert alert.id not in [a["id"] for a in listed]
    assert alert.id in [a["id"] for a in alerts.listed(session, include_dismissed=True)]
    # A new child linked to the adult: new evidence, so the alert comes back.
    adult = int(alert.subject_key)
    child = session.scalars(
        select(Person.id).where(
            Person.id.not_in(alert.child_ids), Person.date_of_birth > date(2012, 1, 1)
        )
    ).first()
    session.add(
        Association(
            subject_id=child, object_person_id=adult, type=AssociationType.associate,
            organisation_id=org.id,
        )
    )  # fmt: skip
    summary = _rebuild(session)
    assert summary.returned == 1 and alert.status is AlertStatus.open
    assert alert.evidence_count > alert.dismissed_evidence_count  # type: ignore[operator]


def test_assigning_needs_a_colleague_and_a_fresh_version(
    session: Session, org: Organisation, investigator: User
) -> None:
    _rebuild(session)
    alert = _associate(session)
    actor = actor_of(investigator)
    with pytest.raises(ValidationFailed):
        alerts.act(session, actor, alert.id, action="assign", version=alert.version)
    stale = alert.version
    alerts.act(
        session, actor, alert.id, action="assign", version=stale, assignee_id=investigator.id
    )
    assert alert.status is AlertStatus.assigned and alert.assignee_id == investigator.id
    with pytest.raises(Conflict):
        alerts.act(session, actor, alert.id, action="note", version=stale, text="Late note")
    officer = actor_of(make_user(session, Role.officer, team=make_team(session, org)))
    with pytest.raises(NotFound):  # officers do not see alerts at all
        alerts.act(session, officer, alert.id, action="note", version=alert.version, text="Hi")


def test_the_view_walks_from_a_child_to_the_adult_and_respects_scope(
    session: Session, org: Organisation, investigator: User
) -> None:
    _rebuild(session)
    alert = _associate(session)
    child = alert.child_ids[0]
    walked = view.walk(session, actor_of(investigator), {f"person:{child}"}, steps=2)
    assert f"person:{child}" in walked.nodes and walked.edges
    around = view.walk(session, actor_of(investigator), set(alert.member_keys), steps=1)
    adult = f"person:{alert.subject_key}"
    assert any(adult in (e["source"], e["target"]) for e in around.edges.values())
    only_found = view.walk(
        session, actor_of(investigator), {f"person:{child}"}, steps=2, types={"found_at"}
    )
    assert {e["type"] for e in only_found.edges.values()} <= {"found_at"}
    stranger = actor_of(make_user(session, Role.exploitation_investigator))
    assert view.walk(session, stranger, {f"person:{child}"}, steps=2).nodes == set()


def test_the_view_shows_busy_places_but_does_not_walk_through_them(session: Session) -> None:
    owner = make_user(session, Role.hub_officer, team=make_team(session))
    park = Place(type="park", name="Alder Park", organisation_id=owner.organisation_id)
    flat = Place(type="home", name="Flat 2", organisation_id=owner.organisation_id)
    session.add_all([park, flat])
    session.flush()
    first, second, third = (make_episode(session, owner) for _ in range(3))
    first.last_seen_place_id = second.found_place_id = park.id
    third.found_place_id = flat.id
    first.found_place_id = flat.id
    session.flush()
    actor, centre = actor_of(owner), f"person:{first.person_id}"

    def reached() -> set[str]:
        return view.walk(session, actor, {centre}, steps=2).nodes

    # Before any rebuild a park is walked through: the second child is two steps away.
    assert f"person:{second.person_id}" in reached()
    # Once the rebuild's medians say the usual park sees several children, it is shown, not
    # walked through; a quiet flat still is.
    session.add(
        PlaceBaseline(organisation_id=owner.organisation_id, place_type="park", median_children=5.0)
    )
    session.flush()
    assert "park" in view.busy_types(session)
    nodes = reached()
    assert f"place:{park.id}" in nodes and f"person:{second.person_id}" not in nodes
    assert f"person:{third.person_id}" in nodes
    assert f"person:{second.person_id}" in view.walk(session, actor, {f"place:{park.id}"}).nodes


def test_the_command_lists_open_alerts_and_all_with_dismissed(
    connection: Connection, session: Session, org: Organisation, investigator: User
) -> None:
    session.commit()
    result = CliRunner().invoke(app, ["network", "alerts", "--format", "json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    assert listed and all(a["status"] == "open" for a in listed)
    alert = session.get_one(NetworkAlert, listed[0]["id"])
    alerts.act(
        session, actor_of(investigator), alert.id, action="dismiss", version=alert.version,
        text="Known to the team already",
    )  # fmt: skip
    session.commit()
    again = json.loads(CliRunner().invoke(app, ["network", "alerts"]).output)
    every = json.loads(CliRunner().invoke(app, ["network", "alerts", "--all"]).output)
    assert alert.id not in [a["id"] for a in again]
    assert "dismissed" in [a["status"] for a in every if a["id"] == alert.id]


def test_an_investigator_opens_an_alert_sees_the_network_and_assigns_it(
    client: TestClient, session: Session, org: Organisation, investigator: User
) -> None:
    _rebuild(session)
    alert = _associate(session)
    session.commit()
    sign_in(client, investigator.username)
    inbox = client.get("/network/alerts").text
    assert f'href="/network/alerts/{alert.id}"' in inbox
    here = f"/network/alerts/{alert.id}"
    assert "Why are you viewing this alert?" in client.get(here).text
    denied = client.get("/network/graph", params={"alert": alert.id})
    assert denied.status_code == 403
    token = csrf_from(client.get("/").text)
    given = client.post(f"{here}/justify", data={"reason": "safeguarding", "csrf_token": token})
    assert given.status_code == 303
    page = client.get(here).text
    assert 'data-testid="evidence"' in page and alert.described["evidence"][0]["summary"] in page
    graph = client.get("/network/graph", params={"alert": alert.id, "steps": 1}).json()
    ids = {el["data"]["id"] for el in graph["elements"]}
    assert f"person:{alert.subject_key}" in ids and f"person:{alert.child_ids[0]}" in ids
    assigned = client.post(
        here,
        data={
            "csrf_token": csrf_from(page),
            "action": "assign",
            "assignee_id": str(investigator.id),
            "version": str(alert.version),
        },
    )
    assert assigned.status_code == 303
    mine = client.get("/network/alerts", params={"show": "mine"}).text
    assert f'href="/network/alerts/{alert.id}"' in mine


def test_a_child_reported_under_two_records_counts_once_after_a_merge(
    session: Session, investigator: User
) -> None:
    owner = make_user(session, Role.hub_officer, team=make_team(session))
    adult = make_person(session, owner, given_name="Dean", family_name="Marsh",
                        date_of_birth=date(1990, 1, 1))  # fmt: skip
    kids = [
        make_person(
            session, owner, given_name=given, family_name=family, date_of_birth=date(2011, 3, 14)
        )
        for given, family in (("Katherine", "Obi"), ("Kate", "Obi"), ("Lily", "Ward"))
    ]
    for kid in kids:
        session.add(
            Association(
                subject_id=kid.id, object_person_id=adult.id, type=AssociationType.associate,
                organisation_id=owner.organisation_id,
            )
        )  # fmt: skip
    session.flush()

    def children_of_adult() -> list[int]:
        found = network.analyse(session).alerts
        matching = [
            a.children for a in found if a.kind == "common_associate" and a.subject.key == adult.id
        ]
        return matching[0] if matching else []

    assert len(children_of_adult()) == 3  # Katherine and Kate Obi look like two children
    merging.merge(session, actor_of(owner), kids[0].id, kids[1].id, "Same girl: Kate is Katherine")
    assert children_of_adult() == []  # two children now: below the three an alert needs


def test_the_map_draws_the_boroughs_hotspots_and_routes(
    client: TestClient, session: Session, org: Organisation, investigator: User
) -> None:
    _rebuild(session)
    routes = session.scalars(
        select(NetworkAlert.id).where(NetworkAlert.kind == "county_lines")
    ).all()
    session.commit()
    sign_in(client, investigator.username)
    page = client.get("/network/map").text
    assert 'data-testid="map"' in page and "<polygon" in page
    assert routes and all(f'href="/network/alerts/{r}"' in page for r in routes)
    assert "<line" in page


def test_a_saved_link_raises_its_alert_before_the_commit_ends(
    session: Session, org: Organisation, investigator: User
) -> None:
    _rebuild(session)  # the full rebuild also keeps the place medians the check needs
    session.commit()
    owner = make_user(session, Role.hub_officer, team=make_team(session, org))
    adult = make_person(
        session, owner, given_name="Rory", family_name="Vance", date_of_birth=date(1988, 2, 2)
    )
    children = session.scalars(
        select(Person.id).where(Person.date_of_birth > date(2011, 1, 1)).limit(3)
    ).all()
    for child in children:
        session.add(
            Association(
                subject_id=child, object_person_id=adult.id, type=AssociationType.associate,
                organisation_id=org.id, source_text="intelligence",
            )
        )  # fmt: skip
    session.commit()  # no rebuild: the save itself checks the network around it
    raised = session.scalars(
        select(NetworkAlert).where(
            NetworkAlert.kind == "common_associate", NetworkAlert.subject_key == str(adult.id)
        )
    ).one()
    assert sorted(raised.child_ids) == sorted(children) and raised.status is AlertStatus.open
    told = session.scalars(
        select(Notification).where(
            Notification.user_id == investigator.id,
            Notification.link == f"/network/alerts/{raised.id}",
        )
    ).all()
    assert len(told) == 1


def test_an_undated_missing_person_is_not_taken_for_an_adult(session: Session) -> None:
    owner = make_user(session, Role.hub_officer, team=make_team(session))
    undated_child = make_person(session, owner, given_name="Kay", family_name="Obi")
    make_episode(session, owner, undated_child)  # reported missing, age unknown
    nickname = make_person(session, owner, given_name="T")  # known only as 'T'
    kids = [
        make_person(session, owner, given_name=n, family_name="Ward",
                    date_of_birth=date(2011, 5, i + 1))
        for i, n in enumerate(("Lily", "Mae", "Ava"))
    ]  # fmt: skip
    for kid in kids:
        for other in (undated_child, nickname):
            session.add(
                Association(
                    subject_id=kid.id, object_person_id=other.id,
                    type=AssociationType.associate, organisation_id=owner.organisation_id,
                )
            )  # fmt: skip
    session.flush()
    subjects = {
        a.subject.key for a in network.analyse(session).alerts if a.kind == "common_associate"
    }
    assert nickname.id in subjects and undated_child.id not in subjects


def test_links_from_when_an_adult_was_a_child_do_not_make_them_an_associate(
    session: Session,
) -> None:
    from datetime import UTC, datetime

    owner = make_user(session, Role.hub_officer, team=make_team(session))
    today = date.today()
    grown = make_person(session, owner, given_name="Jay", family_name="Reid",
                        date_of_birth=date(today.year - 21, 3, 1))  # fmt: skip
    kids = [
        make_person(session, owner, given_name=n, family_name="Cole",
                    date_of_birth=date(today.year - 13, 5, i + 1))
        for i, n in enumerate(("Ivy", "Zoe", "Mia"))
    ]  # fmt: skip

    def link(kid: Person, when: datetime) -> None:
        session.add(
            Association(
                subject_id=kid.id, object_person_id=grown.id, type=AssociationType.associate,
                organisation_id=owner.organisation_id, observed_at=when,
            )
        )  # fmt: skip
        session.flush()

    def subjects() -> set[object]:
        found = network.analyse(session).alerts
        return {a.subject.key for a in found if a.kind == "common_associate"}

    for kid in kids:  # six years ago, when Jay was fifteen
        link(kid, datetime(today.year - 6, 6, 1, tzinfo=UTC))
    assert grown.id not in subjects()
    for kid in kids:  # last year, as an adult of twenty
        link(kid, datetime(today.year - 1, 6, 1, tzinfo=UTC))
    assert grown.id in subjects()


def test_only_a_change_to_a_link_asks_for_a_network_check(session: Session) -> None:
    owner = make_user(session, Role.hub_officer, team=make_team(session))
    episode = make_episode(session, owner)
    session.commit()
    seen, hotel = (
        Place(type=kind, name=name, organisation_id=owner.organisation_id)
        for kind, name in (("station", "Central Station"), ("hotel", "Station Hotel"))
    )
    session.add_all([seen, hotel])
    session.flush()
    episode.last_seen_place_id = seen.id
    session.flush()
    session.info.pop(incremental.KEY, None)
    episode.circumstances = "Left after an argument"  # not a link, though she has places
    session.flush()
    assert not session.info.get(incremental.KEY)
    episode.found_place_id = hotel.id  # a link: where she was found
    session.flush()
    assert f"place:{hotel.id}" in session.info[incremental.KEY]
    session.rollback()


def test_the_map_draws_only_the_viewers_own_places(
    client: TestClient, session: Session, org: Organisation, investigator: User
) -> None:
    """Another organisation's places (a foster home's address) never shape the map."""
    other = make_org(session)
    stranger = make_user(session, Role.hub_officer, team=make_team(session, other))
    session.add(
        Place(
            type="foster_home", address="1 Hidden Lane", borough="Elsewhere Borough",
            lat=51.9, lon=0.9, organisation_id=stranger.organisation_id,
        )
    )  # fmt: skip
    _rebuild(session)
    session.commit()
    sign_in(client, investigator.username)
    page = client.get("/network/map").text
    assert "Elsewhere Borough" not in page
