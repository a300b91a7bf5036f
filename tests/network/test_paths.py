"""How are these two connected? The shortest path between two records in scope, each step with
its evidence in words; the justification and audit of the network view; 404 out of scope."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour.actor import Role
from harbour.audit.models import AuditEvent
from harbour.network import paths, words
from harbour.people.models import Person, Place, PlaceType
from tests.factories import actor_of, csrf_from, make_person, make_user, sign_in
from tests.network.worlds import HOTEL, World, make_world


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _signed_in_and_justified(client: TestClient, w: World) -> None:
    sign_in(client, w.investigator.username)
    token = csrf_from(client.get("/").text)
    client.post(
        f"/network/alerts/{w.alert.id}/justify",
        data={"reason": "safeguarding", "csrf_token": token},
    )


def _path(client: TestClient, w: World, start: str, end: str, **more: object) -> TestClient:
    return client.get(  # type: ignore[return-value]
        "/network/path", params={"alert": w.alert.id, "from": start, "to": end, **more}
    )


def test_the_shortest_path_is_told_step_by_step(session: Session) -> None:
    w = make_world(session)
    actor = actor_of(w.investigator)
    namer = words.Namer(session, actor)
    cara, amy = namer.get(f"person:{w.cara.id}"), namer.get(f"person:{w.amy.id}")
    assert cara is not None and amy is not None
    found = paths.find(session, actor, namer, cara, amy)
    assert found is not None
    assert found.keys == [f"person:{w.cara.id}", f"person:{w.dean.id}", f"person:{w.amy.id}"]
    first, second = found.steps
    assert first.lines[0].words.startswith(
        f"LEE, Cara (born 1 August 2012, age 14, record {w.cara.id}): associate of MARSH, Dean"
    )
    assert first.lines[0].sources[0].href == f"/people/{w.cara.id}/intelligence"
    assert second.lines[0].words.startswith("WARD, Amy")
    # Not within one step.
    assert paths.find(session, actor, namer, cara, amy, steps=1) is None


def test_a_path_goes_round_a_record_out_of_scope_and_never_through_a_school(
    session: Session,
) -> None:
    w = make_world(session)
    actor = actor_of(w.investigator)

    class Hiding(words.Namer):
        def get(self, key: str) -> words.Named | None:
            return None if key == f"person:{w.dean.id}" else super().get(key)

    namer = Hiding(session, actor)
    amy, ben = namer.get(f"person:{w.amy.id}"), namer.get(f"person:{w.ben.id}")
    assert amy is not None and ben is not None
    found = paths.find(session, actor, namer, amy, ben)
    assert found is not None  # through the hotel, not Dean
    assert found.keys == [f"person:{w.amy.id}", f"place:{w.hotel.id}", f"person:{w.ben.id}"]
    cara = namer.get(f"person:{w.cara.id}")
    assert cara is not None
    assert paths.find(session, actor, namer, cara, amy) is None  # only Dean joins them
    # A school both children attended joins them only through the school: never a path.
    school = Place(
        type=PlaceType.school, name="Hill School", organisation_id=w.hotel.organisation_id
    )
    session.add(school)
    session.flush()
    for child in (w.cara, w.amy):
        child.home_place_id = school.id  # as if they lived there: a link to the school
    session.flush()
    assert paths.find(session, actor, namer, cara, amy) is None


def test_the_page_reads_what_was_typed_and_says_what_is_wrong(
    client: TestClient, session: Session
) -> None:
    w = make_world(session)
    _signed_in_and_justified(client, w)
    empty = client.get("/network/path", params={"alert": w.alert.id})
    assert empty.status_code == 200 and "How are these two connected?" in empty.text
    missing = _path(client, w, "", f"person {w.amy.id}")
    assert missing.status_code == 422 and "Enter where the path starts" in missing.text
    assert 'href="#from"' in missing.text  # the error summary links to the field
    vague = _path(client, w, "12", f"person {w.amy.id}")
    assert vague.status_code == 422 and "Say what 12 is" in vague.text
    same = _path(client, w, f"person {w.amy.id}", f"person:{w.amy.id}")
    assert same.status_code == 422 and "Choose two different records" in same.text
    none = _path(client, w, f"person {w.cara.id}", f"person {w.amy.id}", steps=1)
    assert none.status_code == 200 and "No connection found within 1 step" in none.text
    found = _path(client, w, f"person {w.ben.id}", "ab12 cde")
    assert found.status_code == 200, found.text[-500:]
    text = _text(found.text)
    assert "3 steps from COLE, Ben" in text and "to vehicle AB12CDE (Grey Ford)" in text
    assert f"/people/{w.dean.id}" in found.text
    linked = _path(client, w, "phone:+447700900123", f"person:{w.dean.id}")  # as pages link
    assert linked.status_code == 200 and "1 step from phone 07700 900123" in _text(linked.text)
    via_phone = _path(client, w, "07700 900123", f"place {w.hotel.id}")
    assert via_phone.status_code == 200 and HOTEL in _text(via_phone.text)


def test_viewing_a_path_needs_the_justification_and_is_audited(
    client: TestClient, session: Session
) -> None:
    w = make_world(session)
    sign_in(client, w.investigator.username)
    asked = _path(client, w, f"person {w.amy.id}", f"person {w.dean.id}")
    assert "Why are you viewing this alert?" in asked.text
    token = csrf_from(client.get("/").text)
    client.post(
        f"/network/alerts/{w.alert.id}/justify",
        data={"reason": "safeguarding", "csrf_token": token},
    )
    shown = _path(client, w, f"person {w.amy.id}", f"person {w.dean.id}")
    assert shown.status_code == 200 and "1 step from WARD, Amy" in _text(shown.text)
    event = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.subject_type == "network")
        .order_by(AuditEvent.id.desc())
    ).first()
    assert event is not None and event.subject_id == f"network_alert:{w.alert.id}"
    assert event.after is not None and event.after["persons"] == sorted([w.amy.id, w.dean.id])
    assert event.justification


def test_a_record_out_of_scope_is_not_found(client: TestClient, session: Session) -> None:
    w = make_world(session)
    theirs = make_person(session, make_user(session, Role.hub_officer), given_name="Zed")
    other = make_user(session, Role.exploitation_investigator)
    session.commit()
    _signed_in_and_justified(client, w)
    hidden = _path(client, w, f"person {theirs.id}", f"person {w.amy.id}")
    assert hidden.status_code == 404 and "No person was found with the record number" in hidden.text
    assert "Zed" not in hidden.text
    gone = _path(client, w, "person 2000000000", f"person {w.amy.id}")
    assert gone.status_code == 404
    # Someone of another organisation cannot open the path finder from this alert at all.
    client.cookies.clear()
    sign_in(client, other.username)
    assert client.get("/network/path", params={"alert": w.alert.id}).status_code == 404
    assert session.get(Person, theirs.id) is not None
