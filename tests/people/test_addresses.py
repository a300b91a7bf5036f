"""A person's addresses over time: from and to dates, one current address kept as the home that
the rest of Harbour reads, every change versioned and audited, and merges carrying them."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour import clock, timefmt
from harbour.actor import Role
from harbour.audit.models import AuditEvent
from harbour.auth.models import User
from harbour.errors import Conflict, NotFound, ValidationFailed
from harbour.identity import merging
from harbour.people import addresses
from harbour.people import service as people
from harbour.people.models import Person, PersonAddress, Place, PlaceType
from harbour.people.schemas import AddressAdd, AddressEnd
from tests.factories import (
    actor_of,
    csrf_from,
    justify,
    make_org,
    make_person,
    make_team,
    make_user,
    sign_in,
)


def _today() -> date:
    return timefmt.local(clock.now()).date()


def _add(session: Session, user: User, person: Person, **values: object) -> PersonAddress:
    data = AddressAdd.of(**({"version": person.version, "type": "home"} | values))
    return addresses.add_address(session, actor_of(user), person.id, data, "test")


def _end(session: Session, user: User, person: Person, key: str, to_on: date) -> PersonAddress:
    data = AddressEnd.of(version=person.version, address=key, to_on=to_on)
    return addresses.end_address(session, actor_of(user), person.id, data, None)


def _last_event(session: Session, person: Person) -> AuditEvent:
    return session.scalars(
        select(AuditEvent)
        .where(AuditEvent.subject_type == "person", AuditEvent.subject_id == str(person.id))
        .order_by(AuditEvent.seq.desc())
        .limit(1)
    ).one()


def test_a_new_current_address_ends_the_one_before_and_becomes_the_home(
    session: Session,
) -> None:
    officer = make_user(session, Role.hub_officer)
    person = make_person(session, officer)
    seen = person.version
    moved_in = _today() - timedelta(days=400)
    first = _add(session, officer, person, address="1 Oak Road", from_on=moved_in)
    assert person.home_place_id == first.place_id and person.version == seen + 1
    moved = _today() - timedelta(days=30)
    second = _add(
        session,
        officer,
        person,
        type="foster_home",
        address="9 Elm Street",
        postcode="se17pb",
        from_on=moved,
    )
    assert first.to_on == moved and second.to_on is None
    assert person.home_place_id == second.place_id
    home = session.get(Place, second.place_id)
    assert home is not None and home.type is PlaceType.foster_home and home.postcode == "SE1 7PB"
    assert home.organisation_id == person.organisation_id
    assert people.current_address(session, person) == "9 Elm Street, SE1 7PB (a foster home)"
    shown = addresses.addresses_of(session, person)
    assert [(a.label, a.current, a.to_on) for a in shown] == [
        ("9 Elm Street, SE1 7PB", True, None),
        ("1 Oak Road", False, moved),
    ]
    event = _last_event(session, person)
    assert event.action == "add_address" and event.justification == "test"
    assert event.before is not None and event.after is not None
    assert event.before["ended_address"]["to_on"] is None
    assert event.after["ended_address"]["to_on"] == moved.isoformat()
    assert event.before["home_address"] == "1 Oak Road (a family or own home)"
    assert event.after["address"]["place"] == "9 Elm Street, SE1 7PB"
    newest = people.history(session, person.id)[0]
    assert newest.action == "Address added"
    assert ("Current address", "1 Oak Road (a family or own home)") in [
        (c.label, c.before) for c in newest.changes
    ]


def test_a_past_address_does_not_move_the_home_and_ending_the_current_one_clears_it(
    session: Session,
) -> None:
    officer = make_user(session, Role.hub_officer)
    person = make_person(session, officer)
    home = _add(session, officer, person, address="1 Oak Road")
    past = _add(
        session,
        officer,
        person,
        address="Old flat",
        from_on=date(2019, 1, 1),
        to_on=date(2020, 6, 1),
    )
    assert person.home_place_id == home.place_id and past.to_on == date(2020, 6, 1)
    _end(session, officer, person, str(home.id), _today())
    assert person.home_place_id is None and home.to_on == _today()
    assert people.current_address(session, person) is None
    assert _last_event(session, person).after == {
        "address": {
            "id": home.id,
            "place": "1 Oak Road",
            "place_id": home.place_id,
            "from_on": None,
            "to_on": _today().isoformat(),
        },
        "home_address": None,
    }
    with pytest.raises(ValidationFailed) as refused:
        _end(session, officer, person, str(home.id), _today())
    assert refused.value.field_errors == {"address": "That address has already ended"}


def test_an_imported_home_is_the_current_address_until_it_is_moved_on(session: Session) -> None:
    officer = make_user(session, Role.hub_officer)
    person = make_person(session, officer)
    place = Place(
        type=PlaceType.care_home, name="Riverside House", organisation_id=person.organisation_id
    )
    session.add(place)
    session.flush()
    person.home_place_id = place.id  # as an import sets it, with no period of its own
    session.flush()
    shown = addresses.addresses_of(session, person)
    assert [(a.key, a.current, a.imported, a.from_on) for a in shown] == [
        (addresses.HOME, True, True, None)
    ]
    _end(session, officer, person, addresses.HOME, _today())
    rows = session.scalars(select(PersonAddress).where(PersonAddress.person_id == person.id)).all()
    assert [(r.place_id, r.imported, r.to_on) for r in rows] == [(place.id, True, _today())]
    assert person.home_place_id is None


def test_an_address_already_in_harbour_is_chosen_by_its_record_number(session: Session) -> None:
    officer = make_user(session, Role.hub_officer)
    sibling = make_person(session, officer)
    person = make_person(session, officer)
    shared = _add(session, officer, sibling, type="care_home", address="Riverside House")
    _add(session, officer, person, place_id=shared.place_id)
    assert person.home_place_id == sibling.home_place_id == shared.place_id
    with pytest.raises(ValidationFailed) as refused:
        _add(session, officer, person, place_id=shared.place_id)
    assert refused.value.field_errors == {"place_id": "This is already their current address"}
    elsewhere = make_user(session, Role.hub_officer, team=make_team(session, make_org(session)))
    theirs = _add(session, elsewhere, make_person(session, elsewhere), address="Far away")
    with pytest.raises(ValidationFailed) as refused:
        _add(session, officer, person, place_id=theirs.place_id)
    assert refused.value.field_errors == {
        "place_id": f"There is no place with record number {theirs.place_id} that you may see"
    }


@pytest.mark.parametrize(
    ("values", "errors"),
    [
        ({"type": None}, {"type": "Select what kind of place it is"}),
        ({"address": ""}, {"address": "Enter the address, or the record number of a place"}),
        (
            {"from_on": date(2099, 1, 1)},
            {"from_on": "The date they moved in must be today or in the past"},
        ),
        (
            {"from_on": date(2024, 1, 2), "to_on": date(2024, 1, 1)},
            {"to_on": "The date they moved out must be on or after they moved in"},
        ),
    ],
)
def test_an_address_that_is_not_right_is_refused(
    session: Session, values: dict[str, object], errors: dict[str, str]
) -> None:
    officer = make_user(session, Role.hub_officer)
    person = make_person(session, officer)
    with pytest.raises(ValidationFailed) as refused:
        _add(session, officer, person, **({"address": "1 Oak Road"} | values))
    assert refused.value.field_errors == errors
    assert person.home_place_id is None


def test_a_move_before_the_current_one_a_stale_form_and_another_force_are_refused(
    session: Session,
) -> None:
    officer = make_user(session, Role.hub_officer)
    person = make_person(session, officer)
    _add(session, officer, person, address="1 Oak Road", from_on=date(2025, 3, 1))
    with pytest.raises(ValidationFailed) as refused:
        _add(session, officer, person, address="2 Oak Road", from_on=date(2025, 2, 1))
    assert refused.value.field_errors == {
        "from_on": "The date they moved in must be on or after they moved into their current "
        "address (1 March 2025)"
    }
    stale = AddressAdd.of(version=person.version + 1, type="home", address="3 Oak Road")
    with pytest.raises(Conflict):
        addresses.add_address(session, actor_of(officer), person.id, stale, None)
    outsider = make_user(session, Role.hub_officer, team=make_team(session, make_org(session)))
    with pytest.raises(NotFound):
        _add(session, outsider, person, address="4 Oak Road")


def test_a_merge_carries_the_merged_record_s_addresses_and_photos(session: Session) -> None:
    keys = {(r.table.name, r.column.name) for r in merging.references(session)}
    assert {("person_address", "person_id"), ("person_photo", "person_id")} <= keys
    sergeant = make_user(session, Role.sergeant)
    kept = make_person(session, sergeant)
    merged = make_person(session, sergeant)
    row = _add(session, sergeant, merged, address="1 Oak Road")
    merging.merge(session, actor_of(sergeant), kept.id, merged.id, "Same child, same school")
    session.refresh(row)
    assert row.person_id == kept.id


def _day(name: str, day: date) -> dict[str, str]:
    return {f"{name}_{part}": str(getattr(day, part)) for part in ("day", "month", "year")}


# -- the page -----------------------------------------------------------------------------------


def test_an_officer_adds_and_ends_addresses_on_the_page(
    client: TestClient, session: Session
) -> None:
    officer = make_user(session, Role.hub_officer)
    person = make_person(session, officer, given_name="Mira", family_name="Okoro")
    session.commit()
    sign_in(client, officer.username)
    justify(client, person.id, f"/people/{person.id}/addresses")
    page = client.get(f"/people/{person.id}/addresses")
    assert 'data-testid="no-addresses"' in page.text
    token = csrf_from(page.text)

    def version() -> str:
        found = re.search(r'name="version" value="(\d+)"', client.get(page.url).text)
        assert found
        return found.group(1)

    base = {"csrf_token": token}
    wrong = client.post(
        f"/people/{person.id}/addresses", data=base | {"version": version(), "postcode": "nope"}
    )
    assert wrong.status_code == 422 and 'class="govuk-error-summary"' in wrong.text
    assert "Enter a real postcode, like SE1 7PB" in wrong.text
    assert "Select what kind of place it is" in wrong.text
    added = client.post(
        f"/people/{person.id}/addresses",
        data=base
        | _day("from_on", date(2025, 9, 1))
        | {"version": version(), "type": "care_home", "address": "Riverside House"},
    )
    assert added.status_code == 303, added.text[:300]
    listed = client.get(added.headers["location"]).text
    assert "Riverside House" in listed and "Current address" in listed
    assert "1 September 2025" in listed and "The address has been added" in listed
    summary = client.get(f"/people/{person.id}").text
    assert "Riverside House (a children&#39;s home or care home)" in summary
    assert "Address added" in summary
    row = session.scalars(select(PersonAddress).where(PersonAddress.person_id == person.id)).one()
    key = str(row.id)
    early = client.post(
        f"/people/{person.id}/addresses/end",
        data=base
        | _day("to_on", date(2025, 1, 1))
        | {"version": version(), "address": str(row.id)},
    )
    assert early.status_code == 422
    assert "The date they moved out must be on or after they moved in" in early.text
    today = _today()
    ended = client.post(
        f"/people/{person.id}/addresses/end",
        data=base | _day("to_on", today) | {"version": version(), "address": key},
    )
    assert ended.status_code == 303
    assert "Address ended" in client.get(f"/people/{person.id}").text
    stale = client.post(
        f"/people/{person.id}/addresses",
        data=base | {"version": "1", "type": "home", "address": "2 Oak Road"},
    )
    assert stale.status_code == 409 and "Someone else changed this record" in stale.text
