"""Named on return becomes data: the people a child was found with, or names at the
safe-and-well check or the return home interview, are chosen (by record number) or recorded as
people, and linked to the child with their source, so that the network sees them. The places,
vehicles and phones named are recorded the same way (`named_objects`); this module keeps what
they share: where on the return something was named, the link to the child with its source, the
audit, and the list the episode page shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from pydantic import Field, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour import db
from harbour.access import service as access
from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.episodes.models import Episode, EpisodeCompanion, EpisodeStatus
from harbour.episodes.records import STALE, SUBJECT, _check_version, _touch, person_of
from harbour.errors import Conflict, ValidationFailed
from harbour.people import service as people
from harbour.people.models import (
    PHONE_RULE,
    Association,
    AssociationType,
    Person,
    Place,
    Vehicle,
    is_phone,
    normalise_phone,
)
from harbour.people.schemas import PersonCreate
from harbour.validation import LARGEST_ID, Input, one_of

# Where on the return the person was named.
STEPS = {
    "found_with": "Found with them",
    "safe_and_well": "Named at the safe-and-well check",
    "return_interview": "Named at the return home interview",
}
# Where on the return a place, vehicle or phone came up: found there (or in it), or named.
OBJECT_STEPS = {
    "found": "When they were found",
    "safe_and_well": STEPS["safe_and_well"],
    "return_interview": STEPS["return_interview"],
}


class NamedInput(Input):
    """Someone the child was found with or named on return: a record number, or a new person."""

    summary = "Check the person named on return"

    step: Annotated[str, one_of(tuple(STEPS), "Select where on the return they were named")]
    record_number: Annotated[int, Field(ge=1, le=LARGEST_ID)] | None = None
    given_name: Annotated[str | None, Field(max_length=100)] = None
    family_name: Annotated[str | None, Field(max_length=100)] = None
    date_of_birth: date | None = None
    phone: Annotated[str | None, Field(max_length=40)] = None
    details: Annotated[str | None, Field(max_length=2000)] = None
    version: int


@dataclass(frozen=True)
class Named:
    """One thing named on return, as the episode page lists it."""

    kind: str  # person, place, vehicle or phone
    record_id: int | None  # the person's, place's or vehicle's record number (None: a phone)
    name: str
    step: str
    details: str | None
    link: str  # how it is linked to the child, in words

    @property
    def person_id(self) -> int | None:
        return self.record_id if self.kind == "person" else None


# The force's own staff name people and places on return with this action; a partner's
# practitioner names them at the return home interview they record (`interview.record`).
UPDATE = "episode.update"


def check_found(actor: Actor, episode: Episode, version: int, action: str = UPDATE) -> None:
    """Refuse a name on return unless the actor may take `action` on the episode (updating it,
    or a partner recording its return interview) and the person is found."""
    access.require(actor, action, episode, shared=True)
    _check_version(episode, version)
    if episode.status is not EpisodeStatus.found:
        raise Conflict("Record that they were found before naming who or what they were with.")


def link_to_child(
    session: Session,
    actor: Actor,
    episode: Episode,
    type: AssociationType,
    label: str,
    details: str | None,
    **obj: Any,
) -> Association:
    """Link the child to one person, place, vehicle or phone, with this return as its source."""
    link = Association(
        organisation_id=episode.organisation_id,
        subject_id=episode.person_id,
        type=type,
        source_episode_id=episode.id,
        source_text=label + (f": {details}" if details else ""),
        observed_at=episode.found_at,
        recorded_by_id=actor.id,
        **obj,
    )
    session.add(link)
    return link


def saved(
    session: Session,
    actor: Actor,
    episode: Episode,
    link: Association,
    after: dict[str, Any],
    before: dict[str, Any] | None = None,
) -> None:
    """Move the episode's version on, save, and audit the link made (nothing linked it before;
    `before` adds what else it changed)."""
    _touch(episode)
    db.flush_or_conflict(session, STALE)
    audit.record(
        session,
        actor,
        "name_on_return",
        SUBJECT,
        episode.id,
        before={"link": None} | (before or {}),
        after={"link": link.id, "type": link.type.value} | after,
    )


def name_on_return(
    session: Session, actor: Actor, episode: Episode, data: NamedInput, action: str = UPDATE
) -> Person:
    """Link the person named to the child, with where it came from; a new name becomes a person
    record (of the episode's organisation, when a partner names them). A person found with the
    child is also the episode's companion."""
    check_found(actor, episode, data.version, action)
    child = person_of(session, episode)
    owner = None if action == UPDATE else (episode.organisation_id, episode.team_id)
    named = _person(session, actor, child, data, owner)
    label = STEPS[data.step]
    link = link_to_child(
        session,
        actor,
        episode,
        AssociationType.associate,
        label,
        data.details,
        object_person_id=named.id,
    )
    if data.step == "found_with" and not session.scalar(
        select(EpisodeCompanion.id).where(
            EpisodeCompanion.episode_id == episode.id, EpisodeCompanion.person_id == named.id
        )
    ):
        session.add(EpisodeCompanion(episode_id=episode.id, person_id=named.id))
    if data.phone:
        session.add(
            Association(
                organisation_id=episode.organisation_id,
                subject_id=named.id,
                object_phone=normalise_phone(data.phone),
                type=AssociationType.uses_phone,
                source_episode_id=episode.id,
                source_text=f"{label} (the child gave the number)",
                observed_at=episode.found_at,
                recorded_by_id=actor.id,
            )
        )
    saved(
        session,
        actor,
        episode,
        link,
        {"kind": "person", "person": named.id, "step": data.step, "phone": bool(data.phone)},
    )
    return named


def _person(
    session: Session,
    actor: Actor,
    child: Person,
    data: NamedInput,
    owner: tuple[int, int | None] | None = None,
) -> Person:
    problems: dict[str, str] = {}
    if data.phone and not is_phone(data.phone):
        problems["phone"] = f"Enter a phone number with {PHONE_RULE}"
    if data.record_number is not None:
        found = session.get(Person, data.record_number)
        if found is None or not access.can(actor, "person.view", found) or found.id == child.id:
            problems["record_number"] = (
                "There is no other person with that record number that you can see"
            )
        if problems:
            raise ValidationFailed(NamedInput.summary, field_errors=problems)
        assert found is not None
        return found
    try:
        new = PersonCreate(
            given_name=data.given_name,
            family_name=data.family_name,
            date_of_birth=data.date_of_birth,
        )
    except ValidationError:
        problems["given_name"] = "Enter a record number, or the name they gave"
    if problems:
        raise ValidationFailed(NamedInput.summary, field_errors=problems)
    return people.create_person(session, actor, new, owner=owner)


# How each kind of link from the child reads on the page.
LINK_WORDS = {
    AssociationType.associate: "associate",
    AssociationType.found_at: "found there",
    AssociationType.seen_at: "there while missing",
    AssociationType.frequents: "goes there",
    AssociationType.in_vehicle: "in the vehicle",
    AssociationType.uses_phone: "phone",
}


def named_on_return(session: Session, actor: Actor, episode: Episode) -> list[Named]:
    """The people, places, vehicles and phones linked to the child from this episode's return,
    that the actor may see (one out of their scope is left out, not named)."""
    # The episode is the actor's to see (its page is scoped); each person, place and vehicle
    # its links name is checked on its own.
    links = session.scalars(
        select(Association)
        .where(
            Association.source_episode_id == episode.id,
            Association.subject_id == episode.person_id,
        )
        .order_by(Association.id)
    ).all()

    def visible(model: Any, ids: set[int]) -> dict[int, Any]:
        if not ids:
            return {}
        rows = session.scalars(select(model).where(model.id.in_(ids), access.visible(actor, model)))
        return {row.id: row for row in rows}

    persons = visible(Person, {a.object_person_id for a in links if a.object_person_id})
    places = visible(Place, {a.object_place_id for a in links if a.object_place_id})
    vehicles = visible(Vehicle, {a.object_vehicle_id for a in links if a.object_vehicle_id})
    shown = []
    for link in links:
        step, _, details = (link.source_text or "").partition(": ")
        words = LINK_WORDS.get(link.type, str(link.type).replace("_", " "))
        item = _described(link, persons, places, vehicles)
        if item is not None:
            kind, record_id, name = item
            shown.append(Named(kind, record_id, name, step, details or None, words))
    return shown


def _described(
    link: Association,
    persons: dict[int, Person],
    places: dict[int, Place],
    vehicles: dict[int, Vehicle],
) -> tuple[str, int | None, str] | None:
    if link.object_person_id is not None:
        person = persons.get(link.object_person_id)
        if person is None:
            return None
        dob = person.date_of_birth
        born = f", born {dob.day} {dob:%b %Y}" if dob else ""
        return "person", person.id, f"{person.display_name}{born}"
    if link.object_place_id is not None:
        place = places.get(link.object_place_id)
        return ("place", place.id, place.label) if place else None
    if link.object_vehicle_id is not None:
        vehicle = vehicles.get(link.object_vehicle_id)
        if vehicle is None:
            return None
        described = " ".join(p for p in (vehicle.colour, vehicle.make) if p)
        shown = f"{vehicle.registration} ({described})" if described else vehicle.registration
        return "vehicle", vehicle.id, shown
    return "phone", None, link.object_phone or ""
