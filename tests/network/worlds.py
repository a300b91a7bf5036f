"""A small network written by hand, for the evidence in words and the path finder: an adult
linked to three children, a hotel where two of them were found, a phone and a car."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from harbour.actor import Role
from harbour.auth.models import Organisation, User
from harbour.episodes.models import EpisodeStatus
from harbour.network import service as network
from harbour.network.detect import Alert
from harbour.network.graph import Node
from harbour.network.models import NetworkAlert
from harbour.people.models import Association, AssociationType, Person, Place, PlaceType, Vehicle
from tests.factories import make_episode, make_person, make_team, make_user

HOTEL = "Kings Hotel"
HOTEL_ADDRESS = "1 High Street"


@dataclass
class World:
    investigator: User
    amy: Person
    ben: Person
    cara: Person
    dean: Person
    hotel: Place
    car: Vehicle
    episodes: list[int]
    alert: NetworkAlert


def _link(session: Session, org: int, subject: Person, **fields: object) -> Association:
    link = Association(subject_id=subject.id, organisation_id=org, **fields)
    session.add(link)
    return link


def make_world(session: Session) -> World:
    """Amy (found at the hotel in 3 episodes), Ben (found there once) and Cara, all associates of
    Dean, who uses a phone and drives a car Cara was seen in; the common-associate alert about
    Dean, described by a rebuild's `describe` and stored as a rebuild stores it."""
    investigator = make_user(session, Role.exploitation_investigator)
    org = session.get_one(Organisation, investigator.organisation_id)
    officer = make_user(session, Role.officer, team=make_team(session, org))
    amy = make_person(
        session, officer, given_name="Amy", family_name="Ward", date_of_birth=date(2011, 5, 3)
    )
    ben = make_person(
        session, officer, given_name="Ben", family_name="Cole", date_of_birth=date(2010, 2, 9)
    )
    cara = make_person(
        session, officer, given_name="Cara", family_name="Lee", date_of_birth=date(2012, 8, 1)
    )
    dean = make_person(
        session, officer, given_name="Dean", family_name="Marsh", date_of_birth=date(1985, 1, 20)
    )
    hotel = Place(type=PlaceType.hotel, name=HOTEL, address=HOTEL_ADDRESS, organisation_id=org.id)
    car = Vehicle(registration="AB12CDE", make="Ford", colour="Grey", organisation_id=org.id)
    session.add_all([hotel, car])
    session.flush()
    episodes = []
    for child, day in ((amy, 4), (amy, 11), (amy, 18), (ben, 2)):
        episode = make_episode(session, officer, child)
        episode.found_place_id = hotel.id
        episode.found_at = datetime(2026, 3, day, 14, 0, tzinfo=UTC)
        episode.status = EpisodeStatus.closed
        session.flush()
        episodes.append(episode.id)
    when = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)
    for child in (amy, ben, cara):
        _link(session, org.id, child, object_person_id=dean.id, type=AssociationType.associate,
              observed_at=when)  # fmt: skip
    _link(session, org.id, dean, object_phone="+447700900123", type=AssociationType.uses_phone)
    _link(session, org.id, cara, object_vehicle_id=car.id, type=AssociationType.in_vehicle,
          observed_at=when)  # fmt: skip
    session.flush()
    analysis = network.analyse_organisation(session, org.id)
    g = analysis.g
    d = g.ids["person"][dean.id]
    kids = [g.ids["person"][c.id] for c in (amy, ben, cara)]
    evidence = [link for link in g.links if {link.a, link.b} & {d, *kids}]
    alert = Alert("common_associate", Node("person", dean.id), 0.9, kids, [], evidence,
                  "an adult linked to 3 children")  # fmt: skip
    described = analysis.describe(alert)
    row = NetworkAlert(
        kind="common_associate", subject_type="person", subject_key=str(dean.id),
        subject_person_id=dean.id, score=0.9, reason=alert.reason, described=described,
        child_ids=[amy.id, ben.id, cara.id], member_keys=[f"person:{dean.id}"],
        evidence_count=len(described["evidence"]), organisation_id=org.id,
    )  # fmt: skip
    session.add(row)
    session.commit()
    return World(investigator, amy, ben, cara, dean, hotel, car, episodes, row)
