"""The network sees what children name on return (issue 15): children who name the same vehicle,
place or phone at their return are linked through it, and enough of them raise its alert."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour.actor import Role
from harbour.auth.models import User
from harbour.episodes import service as episodes
from harbour.episodes.models import Episode
from harbour.network import alerts, view
from harbour.network import service as network
from harbour.network.models import NetworkAlert
from harbour.people.models import Place, PlaceType, Vehicle
from tests.factories import actor_of, make_found_episode, make_person, make_team, make_user


@pytest.fixture
def hub(session: Session) -> User:
    return make_user(session, Role.hub_officer, team=make_team(session))


def _children(session: Session, hub: User, count: int) -> list[Episode]:
    """Children of 14 in the hub's organisation, each found after an episode, each at home."""
    found = []
    for i in range(count):
        child = make_person(
            session,
            hub,
            given_name=f"Named{i}",
            date_of_birth=date(date.today().year - 14, 5, i + 1),
        )
        home = Place(type=PlaceType.home, name=f"Home {i}", organisation_id=child.organisation_id)
        session.add(home)
        session.flush()
        child.home_place_id = home.id
        found.append(make_found_episode(session, hub, child))
    return found


def _vehicle(session: Session, hub: User, episode: Episode, plate: str) -> Vehicle:
    data = episodes.NamedVehicleInput(
        step="return_interview", registration=plate, version=episode.version
    )
    return episodes.name_vehicle_on_return(session, actor_of(hub), episode, data)


def _alerts(session: Session, kind: str, organisation: int) -> list[NetworkAlert]:
    return list(
        session.scalars(
            select(NetworkAlert).where(
                NetworkAlert.kind == kind, NetworkAlert.organisation_id == organisation
            )
        )
    )


def test_two_children_who_name_the_same_vehicle_are_linked_through_it(
    session: Session, hub: User
) -> None:
    first, second = _children(session, hub, 2)
    car = _vehicle(session, hub, first, "AB12 CDE")
    assert _vehicle(session, hub, second, "ab12cde").id == car.id
    # The network view walks from one child through the car to the other.
    walked = view.walk(session, actor_of(hub), {f"person:{first.person_id}"}, steps=2)
    assert {f"vehicle:{car.id}", f"person:{second.person_id}"} <= walked.nodes
    # Detection sees the car shared by the two children (below the floor for an alert of its
    # own until a third child or an adult joins them).
    (part,) = [p for p in network.analyse(session).parts if p.organisation == hub.organisation_id]
    shared = [a for a in part.alerts if a.kind == "shared_vehicle"]
    assert len(shared) == 1
    named = {int(part.g.nodes[v].key) for v in shared[0].children}
    assert named == {first.person_id, second.person_id}
    assert {link.record for link in shared[0].evidence} == {"association"}


def test_a_third_child_naming_the_vehicle_raises_its_alert_at_the_save(
    session: Session, hub: User
) -> None:
    first, second, third = _children(session, hub, 3)
    car = _vehicle(session, hub, first, "AB12CDE")
    _vehicle(session, hub, second, "AB12CDE")
    alerts.store(session, network.analyse(session))  # the medians the save-time check needs
    session.commit()
    assert _alerts(session, "shared_vehicle", hub.organisation_id) == []
    _vehicle(session, hub, third, "AB12 CDE")
    session.commit()  # no rebuild: the save itself checks the network around the car
    (alert,) = _alerts(session, "shared_vehicle", hub.organisation_id)
    assert alert.subject_key == str(car.id)
    assert sorted(alert.child_ids) == sorted(e.person_id for e in (first, second, third))


def test_children_who_name_the_same_flat_make_it_a_hotspot(session: Session, hub: User) -> None:
    found = _children(session, hub, 4)
    actor = actor_of(hub)
    places = []
    for i, episode in enumerate(found):
        typed = (
            {"record_number": places[0].id}
            if i == 1
            else {"address": "12 Mill Lane" if i % 2 else "12 mill lane", "postcode": "N1 1AA"}
        )
        data = episodes.NamedPlaceInput(
            step="return_interview", link="seen_at", type="home", version=episode.version, **typed
        )
        places.append(episodes.name_place_on_return(session, actor, episode, data))
    assert len({p.id for p in places}) == 1
    alerts.store(session, network.analyse(session))
    (hotspot,) = _alerts(session, "hotspot", hub.organisation_id)
    assert hotspot.subject_place_id == places[0].id
    assert sorted(hotspot.child_ids) == sorted(e.person_id for e in found)


def test_children_who_name_the_same_number_share_the_phone(session: Session, hub: User) -> None:
    found = _children(session, hub, 3)
    typed_as = ("07700 900321", "+44 7700 900321", "0044 7700 900321")
    for episode, typed in zip(found, typed_as, strict=True):
        data = episodes.NamedPhoneInput(
            step="safe_and_well", whose="contact", number=typed, version=episode.version
        )
        episodes.name_phone_on_return(session, actor_of(hub), episode, data)
    alerts.store(session, network.analyse(session))
    (shared,) = _alerts(session, "shared_phone", hub.organisation_id)
    assert shared.subject_key == "+447700900321"
    assert sorted(shared.child_ids) == sorted(e.person_id for e in found)
