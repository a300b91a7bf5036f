"""Named on return (issue 15): the places, vehicles and phones a child was found at, in or with,
or names on return, become records linked to the child with their source, read through the
access policy, audited, and shown on the episode page."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour.actor import Role
from harbour.audit.models import AuditEvent
from harbour.auth.models import User
from harbour.episodes import service
from harbour.episodes.models import Episode
from harbour.errors import Conflict, Forbidden, ValidationFailed
from harbour.people.models import Association, AssociationType, Place, PlaceType, Vehicle
from tests.factories import (
    actor_of,
    csrf_from,
    justify,
    make_colleague,
    make_episode,
    make_found_episode,
    make_person,
    make_user,
    sign_in,
)


def _place(episode: Episode, **extra: object) -> service.NamedPlaceInput:
    fields = {"step": "return_interview", "link": "seen_at", "version": episode.version} | extra
    return service.NamedPlaceInput(**fields)  # type: ignore[arg-type]


def _vehicle(episode: Episode, **extra: object) -> service.NamedVehicleInput:
    fields = {"step": "found", "registration": "AB12 CDE", "version": episode.version} | extra
    return service.NamedVehicleInput(**fields)  # type: ignore[arg-type]


def _phone(episode: Episode, **extra: object) -> service.NamedPhoneInput:
    fields = {
        "step": "safe_and_well",
        "whose": "contact",
        "number": "07700 900555",
        "version": episode.version,
    } | extra
    return service.NamedPhoneInput(**fields)  # type: ignore[arg-type]


def _links(session: Session, episode: Episode) -> list[Association]:
    return list(
        session.scalars(
            select(Association)
            .where(Association.source_episode_id == episode.id)
            .order_by(Association.id)
        )
    )


def _events(session: Session, action: str, subject_type: str) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == action, AuditEvent.subject_type == subject_type)
            .order_by(AuditEvent.seq)
        )
    )


def test_a_place_named_on_return_is_recorded_linked_and_audited(
    session: Session, hub: User
) -> None:
    episode = make_found_episode(session, hub)
    place = service.name_place_on_return(
        session,
        actor_of(hub),
        episode,
        _place(
            episode,
            name="Flat 9",
            address="12 Mill Lane",
            postcode="n11aa",
            type="home",
            details="Stayed two nights with older boys",
        ),
    )
    assert (place.name, place.postcode, place.type) == ("Flat 9", "N1 1AA", PlaceType.home)
    assert place.organisation_id == episode.organisation_id
    (link,) = _links(session, episode)
    assert link.subject_id == episode.person_id and link.object_place_id == place.id
    assert link.type is AssociationType.seen_at
    assert link.observed_at == episode.found_at
    assert link.source_text == (
        "Named at the return home interview: Stayed two nights with older boys"
    )
    (created,) = _events(session, "create", "place")
    assert created.subject_id == str(place.id)
    assert created.after == {
        "type": "home", "name": "Flat 9", "address": "12 Mill Lane", "postcode": "N1 1AA",
    }  # fmt: skip
    named = _events(session, "name_on_return", "episode")[-1]
    assert named.before == {"link": None}
    assert named.after == {
        "link": link.id, "type": "seen_at", "kind": "place", "place": place.id,
        "created": True, "step": "return_interview",
    }  # fmt: skip


def test_the_same_place_is_reached_by_its_number_or_its_address_at_the_postcode(
    session: Session, hub: User
) -> None:
    first, second, third, fourth = (make_found_episode(session, hub) for _ in range(4))
    actor = actor_of(hub)
    flat = service.name_place_on_return(
        session,
        actor,
        first,
        _place(first, address="12 Mill Lane", postcode="N1 1AA"),
    )
    by_number = service.name_place_on_return(
        session, actor, second, _place(second, record_number=flat.id, link="found_at")
    )
    retyped = service.name_place_on_return(
        session,
        actor,
        third,
        _place(third, address="12  mill lane", postcode="n1 1aa", name="Dev's flat"),
    )
    elsewhere = service.name_place_on_return(
        session,
        actor,
        fourth,
        _place(fourth, address="14 Mill Lane", postcode="N1 1AA"),
    )
    assert by_number.id == retyped.id == flat.id
    assert elsewhere.id != flat.id
    assert len(_events(session, "create", "place")) == 2
    assert _links(session, second)[0].type is AssociationType.found_at


def test_a_place_out_of_scope_answers_as_one_that_does_not_exist(
    session: Session, hub: User
) -> None:
    stranger = make_user(session, Role.hub_officer)  # another organisation
    theirs = Place(type=PlaceType.home, name="Their flat", organisation_id=stranger.organisation_id)
    session.add(theirs)
    session.flush()
    episode = make_found_episode(session, hub)
    messages = []
    for number in (theirs.id, 2_000_000_000):
        with pytest.raises(ValidationFailed) as caught:
            service.name_place_on_return(
                session, actor_of(hub), episode, _place(episode, record_number=number)
            )
        messages.append(caught.value.field_errors)
    assert (
        messages[0]
        == messages[1]
        == {"record_number": "There is no place with that record number that you can see"}
    )
    assert _links(session, episode) == []


def test_a_new_place_needs_a_name_or_an_address_and_a_real_postcode(
    session: Session, hub: User
) -> None:
    episode = make_found_episode(session, hub)
    with pytest.raises(ValidationFailed) as caught:
        service.name_place_on_return(session, actor_of(hub), episode, _place(episode))
    assert caught.value.field_errors == {
        "name": "Enter the place's record number, or its name or address"
    }
    with pytest.raises(ValueError, match="Enter a real postcode"):
        _place(episode, name="Chicken shop", postcode="12345")


def test_a_vehicle_is_found_by_its_registration_in_the_childs_organisation_only(
    session: Session, hub: User
) -> None:
    stranger = make_user(session, Role.hub_officer)
    theirs = Vehicle(registration="AB12CDE", organisation_id=stranger.organisation_id)
    session.add(theirs)
    session.flush()
    first, second = make_found_episode(session, hub), make_found_episode(session, hub)
    actor = actor_of(hub)
    car = service.name_vehicle_on_return(session, actor, first, _vehicle(first))
    assert car.id != theirs.id and car.registration == "AB12CDE"
    assert car.organisation_id == first.organisation_id
    again = service.name_vehicle_on_return(
        session,
        actor,
        second,
        _vehicle(second, registration="ab12cde", make="Ford Focus", colour="blue"),
    )
    assert again.id == car.id and (car.make, car.colour) == ("Ford Focus", "blue")
    (link,) = _links(session, second)
    assert link.type is AssociationType.in_vehicle and link.object_vehicle_id == car.id
    assert link.subject_id == second.person_id
    assert link.source_text == "When they were found"
    (filled,) = _events(session, "update", "vehicle")
    assert filled.before == {"make": None, "colour": None}
    assert filled.after == {"make": "Ford Focus", "colour": "blue"}
    assert [e.subject_id for e in _events(session, "create", "vehicle")] == [str(car.id)]


def test_a_vehicle_described_otherwise_keeps_the_record_and_the_words(
    session: Session, hub: User
) -> None:
    first, second = make_found_episode(session, hub), make_found_episode(session, hub)
    actor = actor_of(hub)
    service.name_vehicle_on_return(session, actor, first, _vehicle(first, colour="blue"))
    car = service.name_vehicle_on_return(
        session,
        actor,
        second,
        _vehicle(second, colour="black", details="He picks her up from school"),
    )
    assert car.colour == "blue"
    assert _links(session, second)[0].source_text == (
        "When they were found: He picks her up from school; described as black"
    )
    assert _events(session, "update", "vehicle") == []
    with pytest.raises(ValueError, match="letters and digits"):
        _vehicle(first, registration="AB-12")


def test_a_phone_named_on_return_is_linked_to_the_child_with_whose_it_is(
    session: Session, hub: User
) -> None:
    episode = make_found_episode(session, hub)
    number = service.name_phone_on_return(
        session, actor_of(hub), episode, _phone(episode, details="Dean texts her from it")
    )
    (link,) = _links(session, episode)
    assert number == link.object_phone == "+447700900555"
    assert link.type is AssociationType.uses_phone and link.subject_id == episode.person_id
    assert link.source_text == (
        "Named at the safe-and-well check: a number in contact with them; Dean texts her from it"
    )
    named = _events(session, "name_on_return", "episode")[-1]
    assert named.after["phone"] == "+447700900555" and named.after["whose"] == "contact"
    with pytest.raises(ValidationFailed) as caught:
        service.name_phone_on_return(session, actor_of(hub), episode, _phone(episode, number="12"))
    assert "number" in caught.value.field_errors


def test_nothing_is_named_before_the_return_or_by_a_role_that_cannot_update(
    session: Session, hub: User
) -> None:
    missing = make_episode(session, hub)
    with pytest.raises(Conflict):
        service.name_vehicle_on_return(session, actor_of(hub), missing, _vehicle(missing))
    found = make_found_episode(session, hub)
    analyst = make_colleague(session, hub, Role.analyst)
    with pytest.raises(Forbidden):
        service.name_phone_on_return(session, actor_of(analyst), found, _phone(found))
    assert _links(session, missing) == _links(session, found) == []


def test_the_list_names_every_kind_and_leaves_out_what_the_viewer_may_not_see(
    session: Session, hub: User
) -> None:
    episode = make_found_episode(session, hub)
    actor = actor_of(hub)
    adult = make_person(session, hub, given_name="Dean", family_name="Marsh")
    service.name_on_return(
        session,
        actor,
        episode,
        service.NamedInput(step="found_with", record_number=adult.id, version=episode.version),
    )
    place = service.name_place_on_return(
        session, actor, episode, _place(episode, name="Chicken shop")
    )
    service.name_vehicle_on_return(
        session, actor, episode, _vehicle(episode, make="Ford Focus", colour="blue")
    )
    service.name_phone_on_return(session, actor, episode, _phone(episode))
    shown = service.named_on_return(session, actor, episode)
    assert [(n.kind, n.name) for n in shown] == [
        ("person", adult.display_name),
        ("place", "Chicken shop"),
        ("vehicle", "AB12CDE (blue Ford Focus)"),
        ("phone", "+447700900555"),
    ]
    assert shown[1].record_id == place.id and shown[1].link == "there while missing"
    assert shown[2].step == "When they were found"
    # A place of another organisation (linked before places were scoped) is left out, not named.
    stranger = make_user(session, Role.hub_officer)
    theirs = Place(type=PlaceType.home, name="Their flat", organisation_id=stranger.organisation_id)
    session.add(theirs)
    session.flush()
    session.add(
        Association(
            organisation_id=episode.organisation_id, subject_id=episode.person_id,
            object_place_id=theirs.id, type=AssociationType.seen_at,
            source_episode_id=episode.id, source_text="When they were found",
        )
    )  # fmt: skip
    session.flush()
    assert [n.name for n in service.named_on_return(session, actor, episode)] == [
        n.name for n in shown
    ]
    assert "Their flat" in [
        n.name for n in service.named_on_return(session, actor_of(stranger), episode)
    ]


def test_the_episode_page_names_places_vehicles_and_phones(
    client: TestClient, session: Session, hub: User
) -> None:
    child = make_person(session, hub, date_of_birth=date(2012, 3, 1))
    episode = make_found_episode(session, hub, child)
    session.commit()
    sign_in(client, hub.username)
    url = f"/episodes/{episode.id}"
    justify(client, child.id, url)
    token = csrf_from(client.get(url).text)

    def post(path: str, form: dict[str, str]) -> str:
        version = session.scalar(select(Episode.version).where(Episode.id == episode.id))
        data = {"csrf_token": token, "version": str(version)} | form
        response = client.post(f"{url}/named/{path}", data=data)
        session.expire_all()
        return response.text if response.status_code != 303 else response.headers["location"]

    refused = post("place", {"named_place_step": "found", "named_place_link": "found_at"})
    assert 'id="named_place_name-error"' in refused
    assert "Enter the place&#39;s record number, or its name or address" in refused
    assert '<details class="govuk-details" open>' in refused
    assert (
        post(
            "place",
            {
                "named_place_step": "found",
                "named_place_link": "found_at",
                "named_place_name": "Chicken shop",
                "named_place_postcode": "E1 6AN",
            },
        )
        == f"{url}?saved=named-place"
    )
    bad_plate = post("vehicle", {"named_vehicle_step": "found", "named_vehicle_registration": "?"})
    assert 'id="named_vehicle_registration-error"' in bad_plate
    assert (
        post(
            "vehicle",
            {"named_vehicle_step": "found", "named_vehicle_registration": "ab12 cde"},
        )
        == f"{url}?saved=named-vehicle"
    )
    assert (
        post(
            "phone",
            {
                "named_phone_step": "return_interview",
                "named_phone_whose": "theirs",
                "named_phone_number": "07700 900556",
            },
        )
        == f"{url}?saved=named-phone"
    )
    page = client.get(f"{url}?saved=named-phone").text
    assert "Phone number named on return recorded and linked." in page
    assert 'data-testid="named-place"' in page and "Chicken shop, E1 6AN" in page
    assert 'data-testid="named-vehicle"' in page and "AB12CDE" in page
    assert 'data-testid="named-phone"' in page and "+447700900556" in page
    assert "their own phone" in page
