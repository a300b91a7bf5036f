"""Each organisation's network is its own (security review finding 6, decision 18): two
organisations whose children share a phone or a place each get an alert about their own children,
and neither alert names or counts the other's; each organisation's lists and pages show only its
own; the place medians are kept per organisation; the migration keeps the data it can."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from fastapi.testclient import TestClient
from sqlalchemy import Connection, create_engine, func, select, text
from sqlalchemy.orm import Session

from harbour import clock
from harbour.actor import Role
from harbour.auth.models import Organisation, User
from harbour.episodes.models import EpisodeCompanion, Review
from harbour.network import alerts, graph, incremental
from harbour.network import service as network
from harbour.network.models import NetworkAlert, PlaceBaseline
from harbour.people.models import Association, AssociationType, Person, PersonPhone, Place
from harbour.tasks.models import Notification
from tests.factories import (
    csrf_from,
    make_episode,
    make_org,
    make_person,
    make_team,
    make_user,
    sign_in,
)

PHONE = "+447700900777"
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Side:
    org: Organisation
    investigator: User
    officer: User  # reports the children missing
    children: list[Person]


def _side(session: Session, count: int, family: str) -> Side:
    org = make_org(session)
    team = make_team(session, org)
    investigator = make_user(session, Role.exploitation_investigator, team=team)
    officer = make_user(session, Role.hub_officer, team=team)
    children = []
    for i in range(count):
        child = make_person(
            session, investigator, given_name=f"Child{i}", family_name=family,
            date_of_birth=date(date.today().year - 14, 3, i + 1),
        )  # fmt: skip
        home = Place(type="home", name=f"Home of child {i}", organisation_id=org.id)
        session.add(home)
        session.flush()
        child.home_place_id = home.id
        children.append(child)
    session.flush()
    return Side(org, investigator, officer, children)


def _people_named(alert: NetworkAlert) -> set[int]:
    """Every person an alert names: its rows, and the ids in its words and evidence."""
    words = json.dumps(alert.described) + alert.reason
    named = {int(n) for n in re.findall(r"harbour-person-(\d+)", words)}
    rows = {m.person_id for m in alert.members if m.person_id is not None}
    return named | rows | set(alert.child_ids)


def _alerts_of(session: Session, org: Organisation, kind: str) -> list[NetworkAlert]:
    return list(
        session.scalars(
            select(NetworkAlert).where(
                NetworkAlert.organisation_id == org.id, NetworkAlert.kind == kind
            )
        )
    )


@pytest.fixture
def phone(session: Session) -> tuple[Side, Side]:
    """Three children in each of two organisations, all with one phone on their record."""
    a, b = _side(session, 3, "Ashdown"), _side(session, 3, "Birchall")
    for child in a.children + b.children:
        session.add(PersonPhone(person_id=child.id, number=PHONE))
    session.flush()
    return a, b


def test_a_shared_phone_gives_each_organisation_its_own_alert_about_its_own_children(
    session: Session, phone: tuple[Side, Side]
) -> None:
    a, b = phone
    alerts.store(session, network.analyse(session))
    for side, other in ((a, b), (b, a)):
        (alert,) = _alerts_of(session, side.org, "shared_phone")
        assert alert.subject_key == PHONE
        assert sorted(alert.child_ids) == sorted(c.id for c in side.children)
        assert not _people_named(alert) & {c.id for c in other.children}
        assert alert.reason.startswith("phone linked to 3 children")
        assert len(alert.described["children"]) == 3


def test_an_organisations_graph_holds_none_of_anothers_people_however_they_are_linked(
    session: Session, phone: tuple[Side, Side]
) -> None:
    """Another organisation's person, on the same phone or found with one of ours, is not even a
    vertex of our graph (alerts count only the people the graph classes as children or adults,
    so a stray vertex would not show in them)."""
    a, b = phone
    episode = make_episode(session, a.officer, a.children[0])
    session.add(EpisodeCompanion(episode_id=episode.id, person_id=b.children[0].id))
    session.flush()
    g = graph.build(session, clock.now(), organisation=a.org.id)
    assert set(g.ids["person"]) == {c.id for c in a.children}
    assert set(g.ids["phone"]) == {PHONE}


def test_a_saved_link_raises_the_alert_of_its_own_organisation_only(
    session: Session, phone: tuple[Side, Side]
) -> None:
    a, b = phone
    alerts.store(session, network.analyse(session))  # both organisations' medians are kept
    late = make_person(
        session, b.investigator, given_name="Late", date_of_birth=date(date.today().year - 13, 1, 1)
    )
    session.add(
        Association(
            subject_id=late.id, object_phone=PHONE, type=AssociationType.uses_phone,
            organisation_id=b.org.id,
        )
    )  # fmt: skip
    session.flush()
    summary = incremental.check(session, {f"person:{late.id}", f"phone:{PHONE}"})
    assert summary is not None and summary.refreshed == 1
    (theirs,) = _alerts_of(session, b.org, "shared_phone")
    assert sorted(theirs.child_ids) == sorted([*(c.id for c in b.children), late.id])
    (ours,) = _alerts_of(session, a.org, "shared_phone")
    assert sorted(ours.child_ids) == sorted(c.id for c in a.children)


def test_a_shared_place_is_a_hotspot_only_of_its_own_organisation_with_its_own_children(
    session: Session,
) -> None:
    """Four children of A and four of B found at A's flat (B's episodes name A's place record):
    A's hotspot names A's four; B, whose network does not hold A's place, has none there."""
    a, b = _side(session, 4, "Ashdown"), _side(session, 4, "Birchall")
    flat = Place(type="home", name="Flat 9", organisation_id=a.org.id)
    session.add(flat)
    session.flush()
    for side in (a, b):
        for child in side.children:
            make_episode(session, side.officer, child).found_place_id = flat.id
    session.flush()
    alerts.store(session, network.analyse(session))
    (hotspot,) = _alerts_of(session, a.org, "hotspot")
    assert hotspot.subject_place_id == flat.id
    assert sorted(hotspot.child_ids) == sorted(c.id for c in a.children)
    assert not _people_named(hotspot) & {c.id for c in b.children}
    assert hotspot.reason.startswith("4 unrelated children")
    assert _alerts_of(session, b.org, "hotspot") == []
    # Each organisation's medians come from its own places only.
    kept = session.execute(
        select(PlaceBaseline.organisation_id, PlaceBaseline.place_type).where(
            PlaceBaseline.organisation_id.in_([a.org.id, b.org.id])
        )
    ).all()
    figures = ("home", "home:share", "home:strong")
    assert sorted(kept) == sorted((org.id, kind) for org in (a.org, b.org) for kind in figures)
    kept_a = alerts.baseline(session, a.org.id)
    assert kept_a is not None and kept_a["home"] == 0.0 and kept_a["home:strong"] == 0.0


def test_each_organisations_list_and_pages_show_only_its_own_alerts(
    client: TestClient, session: Session, phone: tuple[Side, Side]
) -> None:
    a, b = phone
    alerts.store(session, network.analyse(session))
    (ours,) = _alerts_of(session, a.org, "shared_phone")
    (theirs,) = _alerts_of(session, b.org, "shared_phone")
    session.commit()
    sign_in(client, a.investigator.username)
    for show in ("open", "mine", "dismissed"):
        listed = client.get("/network/alerts", params={"show": show}).text
        assert f'href="/network/alerts/{theirs.id}"' not in listed
    assert f'href="/network/alerts/{ours.id}"' in client.get("/network/alerts").text
    token = csrf_from(client.get("/").text)
    for path in (f"/network/alerts/{theirs.id}", f"/network/alerts/{theirs.id}/justify"):
        answer = (
            client.get(path)
            if path.endswith(str(theirs.id))
            else client.post(path, data={"reason": "safeguarding", "csrf_token": token})
        )
        assert answer.status_code == 404, path
    worked = client.post(
        f"/network/alerts/{theirs.id}",
        data={"csrf_token": token, "action": "note", "text": "x", "version": "1"},
    )
    assert worked.status_code == 404
    assert client.get("/network/graph", params={"alert": theirs.id}).status_code == 404
    client.post(
        f"/network/alerts/{ours.id}/justify", data={"reason": "safeguarding", "csrf_token": token}
    )
    page = client.get(f"/network/alerts/{ours.id}").text
    assert "ASHDOWN" in page and "BIRCHALL" not in page and "Birchall" not in page
    named = {int(n) for n in re.findall(r"harbour-person-(\d+)", page)}
    assert named >= {c.id for c in a.children} and not named & {c.id for c in b.children}
    graph = client.get("/network/graph", params={"alert": ours.id, "steps": 2}).json()
    reached = {el["data"]["id"] for el in graph["elements"]}
    assert not reached & {f"person:{c.id}" for c in b.children}


# -- the migration ---------------------------------------------------------------------------


def _config(connection: Connection) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["connection"] = connection
    return config


def _insert(connection: Connection, sql: str, **values: object) -> None:
    connection.execute(text(sql), values)


ALERT = (
    "INSERT INTO network_alert (id, kind, subject_type, subject_key, score, reason, described, "
    "evidence_count, active, status, first_raised_at, last_raised_at, organisation_id, version) "
    "VALUES (:id, 'shared_phone', 'phone', :key, 0.8, 'phone linked to 4 children', "
    "'{\"children\": [\"x\"]}', 4, 1, 'open', '2026-01-01', '2026-01-01', :org, 1)"
)
MEMBER = (
    "INSERT INTO network_alert_member (alert_id, part, position, person_id) "
    "VALUES (:alert, 'child', :position, :person)"
)


def test_the_migration_gives_alerts_and_medians_an_organisation_and_back(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'per_org.db'}")
    with engine.connect() as connection:
        config = _config(connection)
        command.upgrade(config, "0017_casework_gates")
        for org in (1, 2):
            _insert(
                connection,
                "INSERT INTO organisation (id, name, kind, created_at, updated_at) "
                "VALUES (:id, :name, 'police', '2026-01-01', '2026-01-01')",
                id=org,
                name=f"Org {org}",
            )
        for pid, org in ((10, 1), (11, 1), (20, 2), (21, 2)):
            _insert(
                connection,
                "INSERT INTO person (id, sex, organisation_id, version, created_at, updated_at) "
                "VALUES (:id, 'unknown', :org, 1, '2026-01-01', '2026-01-01')",
                id=pid,
                org=org,
            )
        # 1: made across organisations, owned by 1, naming 2's children; 2: no organisation;
        # 3: no organisation and no members (nothing says whose it is).
        _insert(connection, ALERT, id=1, key="+447700900001", org=1)
        _insert(connection, ALERT, id=2, key="+447700900002", org=None)
        _insert(connection, ALERT, id=3, key="+447700900003", org=None)
        for alert, people in ((1, (10, 11, 20, 21)), (2, (20, 21))):
            for position, person in enumerate(people):
                _insert(connection, MEMBER, alert=alert, position=position, person=person)
        _insert(
            connection,
            "INSERT INTO network_alert_note (alert_id, kind, text, author_name, at) "
            "VALUES (1, 'note', 'Known to the team', 'Harbour', '2026-01-01')",
        )
        _insert(
            connection,
            "INSERT INTO network_baseline (place_type, median_children, computed_at) "
            "VALUES ('park', 2.0, '2026-01-01')",
        )
        connection.commit()

        command.upgrade(config, "0018_alerts_per_org")
        connection.commit()
        rows = connection.execute(
            text("SELECT id, organisation_id, active, reason FROM network_alert ORDER BY id")
        ).all()
        assert [(r[0], r[1]) for r in rows] == [(1, 1), (2, 2)]
        assert rows[0][2] == 0 and "next rebuild" in rows[0][3]  # 1 named 2's children
        assert rows[1][2] == 1 and rows[1][3] == "phone linked to 4 children"
        members = connection.execute(
            text("SELECT alert_id, person_id FROM network_alert_member ORDER BY alert_id, position")
        ).all()
        assert [tuple(m) for m in members] == [(1, 10), (1, 11), (2, 20), (2, 21)]
        assert connection.execute(text("SELECT count(*) FROM network_alert_note")).scalar() == 1
        # Two organisations hold people: the old medians were a mixture, and are not kept.
        assert connection.execute(text("SELECT count(*) FROM network_baseline")).scalar() == 0
        # Both organisations may now have an alert about the same phone.
        _insert(connection, ALERT, id=4, key="+447700900002", org=1)
        _insert(connection, MEMBER, alert=4, position=0, person=10)
        for org in (1, 2):
            _insert(
                connection,
                "INSERT INTO network_baseline (organisation_id, place_type, median_children, "
                "computed_at) VALUES (:org, 'park', :median, '2026-01-01')",
                org=org,
                median=float(org),
            )
        connection.commit()

        command.downgrade(config, "0017_casework_gates")
        connection.commit()
        kept = connection.execute(
            text("SELECT id, organisation_id FROM network_alert ORDER BY id")
        ).all()
        assert [tuple(r) for r in kept] == [(1, 1), (4, 1)]  # one per phone: organisation 1's
        members = connection.execute(
            text("SELECT alert_id, person_id FROM network_alert_member ORDER BY alert_id, position")
        ).all()
        assert [tuple(m) for m in members] == [(1, 10), (1, 11), (4, 10)]
        medians = connection.execute(
            text("SELECT place_type, median_children FROM network_baseline")
        ).all()
        assert [tuple(m) for m in medians] == [("park", 1.0)]
        command.upgrade(config, "head")
        connection.commit()
    engine.dispose()


def test_only_the_alerts_organisation_is_told_of_it(
    session: Session, phone: tuple[Side, Side]
) -> None:
    """An episode of A's child that B's officer owns (recorded by B): B's officer is not told of
    A's alert, which they could not open."""
    a, b = phone
    ours = make_episode(session, a.officer, a.children[0])
    theirs = make_episode(session, a.officer, a.children[1])
    theirs.organisation_id, theirs.owner_id = b.org.id, b.officer.id
    ours.owner_id = a.officer.id
    session.flush()
    alerts.store(session, network.analyse(session))
    (alert,) = _alerts_of(session, a.org, "shared_phone")
    told = set(
        session.scalars(
            select(Notification.user_id).where(Notification.link == f"/network/alerts/{alert.id}")
        )
    )
    assert a.officer.id in told and a.investigator.id in told and b.officer.id not in told


def test_the_links_page_lists_only_links_the_viewers_organisation_recorded(
    client: TestClient, session: Session
) -> None:
    a, b = _side(session, 1, "Ashdown"), _side(session, 0, "Birchall")
    child = a.children[0]
    adult = make_person(session, b.officer, given_name="Dean", family_name="Marsh")
    ours = make_person(session, a.officer, given_name="Rory", family_name="Vance")
    for subject, org, words in (
        (adult, b.org, "Their informant says so"),
        (ours, a.org, "Our own patrol saw them"),
    ):
        session.add(
            Association(
                subject_id=subject.id, object_person_id=child.id, type=AssociationType.associate,
                organisation_id=org.id, source_text=words, intel_source="2",
                intel_assessment="B", intel_handling="C",
            )
        )  # fmt: skip
    session.commit()
    sign_in(client, a.investigator.username)
    here = f"/people/{child.id}/intelligence"
    client.post(
        f"/people/{child.id}/justify",
        data={
            "reason": "safeguarding",
            "next": here,
            "csrf_token": csrf_from(client.get("/").text),
        },
    )
    page = client.get(here).text
    assert "Our own patrol saw them" in page and "VANCE, Rory" in page
    assert "Their informant" not in page and "a person you cannot see" not in page


def test_a_child_joining_a_known_network_tells_the_assignee_and_the_childs_officer(
    session: Session, phone: tuple[Side, Side]
) -> None:
    a, _ = phone
    alerts.store(session, network.analyse(session))
    (alert,) = _alerts_of(session, a.org, "shared_phone")
    alert.assignee_id = a.investigator.id
    late = make_person(
        session, a.officer, given_name="Late", date_of_birth=date(date.today().year - 13, 1, 1)
    )
    episode = make_episode(session, a.officer, late)
    assert episode.owner_id == a.officer.id
    session.add(
        Association(
            subject_id=late.id, object_phone=PHONE, type=AssociationType.uses_phone,
            organisation_id=a.org.id,
        )
    )  # fmt: skip
    session.flush()
    before = session.scalar(select(func.count()).select_from(Notification)) or 0
    summary = incremental.check(session, {f"person:{late.id}", f"phone:{PHONE}"})
    assert summary is not None and summary.refreshed == 1
    told = session.scalars(
        select(Notification).where(Notification.text.contains("joined a known network"))
    ).all()
    assert {n.user_id for n in told} == {a.investigator.id, a.officer.id}
    assert all(n.text.startswith(f"{late.display_name} has joined") for n in told)
    assert all(n.link == f"/network/alerts/{alert.id}" for n in told)
    assert (session.scalar(select(func.count()).select_from(Notification)) or 0) > before


def _intelligence_reviews(session: Session, episode_id: int) -> int:
    return len(
        session.scalars(
            select(Review).where(Review.episode_id == episode_id, Review.kind == "intelligence")
        ).all()
    )


def test_an_alert_about_a_child_still_missing_prompts_a_regrade_in_its_organisation_only(
    session: Session, phone: tuple[Side, Side]
) -> None:
    a, b = phone
    ours = make_episode(session, a.officer, a.children[0])
    theirs = make_episode(session, b.officer, b.children[0])
    summary = alerts.store(session, network.analyse(session))
    assert summary.prompted == 2  # one child missing on each side, each in its own alert
    assert _intelligence_reviews(session, ours.id) == 1
    assert _intelligence_reviews(session, theirs.id) == 1
    told = session.scalars(
        select(Notification.text).where(
            Notification.user_id == a.officer.id, Notification.text.contains("New intelligence")
        )
    ).all()
    assert told and "Shared phone alert" in told[0]
    alerts.store(session, network.analyse(session))  # refreshed, not new: no second prompt
    assert _intelligence_reviews(session, ours.id) == 1


def test_a_missing_child_joining_a_known_network_is_prompted_for_a_regrade(
    session: Session, phone: tuple[Side, Side]
) -> None:
    a, _ = phone
    alerts.store(session, network.analyse(session))
    late = make_person(
        session, a.officer, given_name="Late", date_of_birth=date(date.today().year - 13, 1, 1)
    )
    episode = make_episode(session, a.officer, late)
    session.add(PersonPhone(person_id=late.id, number=PHONE))
    session.flush()
    summary = incremental.check(session, {f"person:{late.id}", f"phone:{PHONE}"})
    assert summary is not None and summary.prompted == 1
    assert _intelligence_reviews(session, episode.id) == 1
