"""Named on return becomes data: the people a child was found with, or names at the
safe-and-well check or the return home interview, are chosen (by record number) or recorded as
people, and linked to the child with their source, so that the network sees them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

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
    person_id: int
    name: str
    step: str
    details: str | None


def name_on_return(session: Session, actor: Actor, episode: Episode, data: NamedInput) -> Person:
    """Link the person named to the child, with where it came from; a new name becomes a person
    record. A person found with the child is also the episode's companion."""
    access.require(actor, "episode.update", episode)
    _check_version(episode, data.version)
    if episode.status is not EpisodeStatus.found:
        raise Conflict("Record that they were found before naming who they were with.")
    child = person_of(session, episode)
    named = _person(session, actor, child, data)
    label = STEPS[data.step]
    link = Association(
        organisation_id=episode.organisation_id,
        subject_id=child.id,
        object_person_id=named.id,
        type=AssociationType.associate,
        source_episode_id=episode.id,
        source_text=f"{label}" + (f": {data.details}" if data.details else ""),
        observed_at=episode.found_at,
        recorded_by_id=actor.id,
    )
    session.add(link)
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
    _touch(episode)
    db.flush_or_conflict(session, STALE)
    audit.record(
        session,
        actor,
        "name_on_return",
        SUBJECT,
        episode.id,
        after={"person": named.id, "link": link.id, "step": data.step, "phone": bool(data.phone)},
    )
    return named


def _person(session: Session, actor: Actor, child: Person, data: NamedInput) -> Person:
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
    return people.create_person(session, actor, new)


def named_on_return(session: Session, actor: Actor, episode: Episode) -> list[Named]:
    """The people linked to the child from this episode's return, that the actor may see."""
    rows = session.execute(
        select(Association, Person)
        .join(Person, Person.id == Association.object_person_id)
        .where(
            Association.source_episode_id == episode.id,
            Association.subject_id == episode.person_id,
            access.visible(actor, Person),
        )
        .order_by(Association.id)
    )
    shown = []
    for link, person in rows:
        step, _, details = (link.source_text or "").partition(": ")
        dob = person.date_of_birth
        born = f", born {dob.day} {dob:%b %Y}" if dob else ""
        shown.append(Named(person.id, f"{person.display_name}{born}", step, details or None))
    return shown
