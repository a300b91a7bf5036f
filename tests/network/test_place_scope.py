"""Places and vehicles are in the access policy like people: another organisation's foster home
or car is never read by its record number or its registration, and answers exactly as one that
does not exist (review finding 5)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour.actor import Role
from harbour.auth.models import Organisation, User
from harbour.people.models import Association, AssociationType, Person, Place, PlaceType, Vehicle
from tests.factories import csrf_from, make_person, make_user, sign_in

THEIR_ADDRESS = "7 Hidden Lane"
THEIR_POSTCODE = "ZZ9 9ZZ"
THEIR_PLATE = "BB12 XYZ"
OUR_ADDRESS = "1 Open Street"
NO_SUCH_ID = 2_000_000_000  # a record number no test database reaches


@dataclass
class Two:
    investigator: User
    child: Person
    ours: Place
    theirs: Place
    their_vehicle: Vehicle


@pytest.fixture
def two(session: Session) -> Two:
    """An investigator of organisation A with a child on record; organisation B's foster home
    and car, which the child is linked to by a record made before places were scoped."""
    investigator = make_user(session, Role.exploitation_investigator)
    org = session.get_one(Organisation, investigator.organisation_id)
    child = make_person(session, investigator, given_name="Lily", family_name="Ward")
    other = make_user(session, Role.hub_officer)
    theirs = Place(
        type=PlaceType.foster_home,
        name="Their foster home",
        address=THEIR_ADDRESS,
        postcode=THEIR_POSTCODE,
        organisation_id=other.organisation_id,
    )
    ours = Place(type=PlaceType.shop, address=OUR_ADDRESS, organisation_id=org.id)
    their_vehicle = Vehicle(registration=THEIR_PLATE, organisation_id=other.organisation_id)
    session.add_all([theirs, ours, their_vehicle])
    session.flush()
    for place in (ours, theirs):
        session.add(
            Association(
                subject_id=child.id, object_place_id=place.id, type=AssociationType.seen_at,
                organisation_id=org.id,
            )
        )  # fmt: skip
    session.add(
        Association(
            subject_id=child.id, object_vehicle_id=their_vehicle.id,
            type=AssociationType.in_vehicle, organisation_id=org.id,
        )
    )  # fmt: skip
    session.commit()
    return Two(investigator, child, ours, theirs, their_vehicle)


def _justify(client: TestClient, person: Person, here: str) -> None:
    token = csrf_from(client.get("/").text)
    response = client.post(
        f"/people/{person.id}/justify",
        data={"reason": "safeguarding", "next": here, "csrf_token": token},
    )
    assert response.status_code == 303


def _signed_in(client: TestClient, two: Two) -> str:
    sign_in(client, two.investigator.username)
    here = f"/people/{two.child.id}/intelligence"
    _justify(client, two.child, here)
    return here


def _hidden(text: str) -> None:
    for secret in (THEIR_ADDRESS, THEIR_POSTCODE, "Their foster home", THEIR_PLATE):
        assert secret not in text


def _without(text: str) -> str:
    """The page with what differs by request taken out: the CSRF token and the typed number."""
    text = re.sub(r'name="csrf_token" value="[^"]+"', "", text)
    return re.sub(r'name="place" type="text" value="\d+"', "", text)


def test_the_intelligence_form_refuses_their_place_as_it_refuses_no_place(
    client: TestClient, session: Session, two: Two
) -> None:
    here = _signed_in(client, two)
    form = {
        "csrf_token": csrf_from(client.get(here).text),
        "type": "seen_at",
        "source_text": "Return home interview: she stays there at weekends",
        "intel_source": "2",
        "intel_assessment": "B",
        "intel_handling": "P",
    }
    before = session.scalar(select(Association.id).order_by(Association.id.desc()).limit(1))
    theirs = client.post(here, data=form | {"place": str(two.theirs.id)})
    missing = client.post(here, data=form | {"place": str(NO_SUCH_ID)})
    assert theirs.status_code == missing.status_code == 422
    assert "There is no place with that record number that you can see" in theirs.text
    assert _without(theirs.text) == _without(missing.text)
    _hidden(theirs.text)
    latest = session.scalar(select(Association.id).order_by(Association.id.desc()).limit(1))
    assert latest == before  # nothing linked to their place
    ours = client.post(here, data=form | {"place": str(two.ours.id)})
    assert ours.status_code == 303


def test_a_typed_registration_never_joins_their_vehicle(
    client: TestClient, session: Session, two: Two
) -> None:
    here = _signed_in(client, two)
    form = {
        "csrf_token": csrf_from(client.get(here).text),
        "type": "in_vehicle",
        "registration": THEIR_PLATE.lower(),
        "source_text": "Seen getting into the car outside school",
        "intel_source": "2",
        "intel_assessment": "B",
        "intel_handling": "P",
    }
    assert client.post(here, data=form).status_code == 303
    link = session.scalars(
        select(Association).where(Association.source_text == form["source_text"])
    ).one()
    assert link.object_vehicle_id != two.their_vehicle.id
    ours = session.get_one(Vehicle, link.object_vehicle_id)
    assert (ours.registration, ours.organisation_id) == (
        "BB12XYZ",
        two.child.organisation_id,
    )  # stored unspaced
    # Typed again, the same registration finds our own record, not theirs.
    assert client.post(here, data=form | {"source_text": "Seen again"}).status_code == 303
    again = session.scalars(select(Association).where(Association.source_text == "Seen again"))
    assert again.one().object_vehicle_id == ours.id


def test_the_links_page_names_their_place_and_vehicle_only_as_unseen(
    client: TestClient, two: Two
) -> None:
    here = _signed_in(client, two)
    page = client.get(here)
    assert page.status_code == 200
    assert OUR_ADDRESS in page.text
    assert "a place you cannot see" in page.text and "a vehicle you cannot see" in page.text
    _hidden(page.text)
    assert f"place {two.theirs.id}" not in page.text


@pytest.mark.parametrize("kind", ["place", "vehicle"])
def test_the_network_view_answers_their_node_as_it_answers_no_node(
    client: TestClient, two: Two, kind: str
) -> None:
    _signed_in(client, two)
    theirs = two.theirs.id if kind == "place" else two.their_vehicle.id
    asked = {"person": two.child.id}
    their = client.get("/network/graph", params=asked | {"node": f"{kind}:{theirs}"})
    missing = client.get("/network/graph", params=asked | {"node": f"{kind}:{NO_SUCH_ID}"})
    assert their.status_code == missing.status_code == 404
    assert _without(their.text) == _without(missing.text)
    _hidden(their.text)


def test_the_network_view_walks_past_their_place_and_vehicle(client: TestClient, two: Two) -> None:
    _signed_in(client, two)
    around = client.get("/network/graph", params={"person": two.child.id})
    assert around.status_code == 200
    nodes = {e["data"]["id"] for e in around.json()["elements"] if "source" not in e["data"]}
    assert f"place:{two.ours.id}" in nodes and OUR_ADDRESS in around.text
    assert f"place:{two.theirs.id}" not in nodes
    assert f"vehicle:{two.their_vehicle.id}" not in nodes
    _hidden(around.text)
    ours = client.get(
        "/network/graph", params={"person": two.child.id, "node": f"place:{two.ours.id}"}
    )
    assert ours.status_code == 200 and OUR_ADDRESS in ours.text
