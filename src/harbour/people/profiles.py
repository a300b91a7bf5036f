"""Keep a person's Philomena and Herbert profiles in Harbour: read them in whatever shape they
were stored or imported, change them through their forms, and record each review.

A change checks the version the editor saw, moves it on, and is audited with the whole profile
before and after (people.record.save_change). A review is recorded by the person who made it,
today; its next date is theirs to set. Fields an import gave that the form does not know are kept
as they came.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from harbour import clock, timefmt
from harbour.actor import Actor
from harbour.errors import ValidationFailed
from harbour.people import service as people
from harbour.people.models import Person
from harbour.people.photos import current_photo, photo_ids, photos_of
from harbour.people.profile_schemas import (
    MODELS,
    Herbert,
    HerbertUpdate,
    Philomena,
    PhilomenaUpdate,
)
from harbour.people.record import save_change

Profile = Philomena | Herbert
ProfileUpdate = PhilomenaUpdate | HerbertUpdate


def profile_of(person: Person, kind: str) -> Profile | None:
    """The person's Philomena or Herbert profile, or None if they have none."""
    return MODELS[kind].load(getattr(person, kind))


def update_philomena(
    session: Session,
    actor: Actor,
    person_id: int,
    data: PhilomenaUpdate,
    justification: str | None,
) -> Person:
    """Record or change part 1 of a child's Philomena profile, and a review if one was made."""
    return _update(session, actor, person_id, "philomena", data, justification)


def update_herbert(
    session: Session,
    actor: Actor,
    person_id: int,
    data: HerbertUpdate,
    justification: str | None,
) -> Person:
    """Record or change a Herbert profile with its consent or best-interests record, and a
    review if one was made."""
    return _update(session, actor, person_id, "herbert", data, justification)


def _update(
    session: Session,
    actor: Actor,
    person_id: int,
    kind: str,
    data: ProfileUpdate,
    justification: str | None,
) -> Person:
    problems = data.rules(data.model_dump())
    if problems:
        raise ValidationFailed(data.summary, field_errors=problems)
    model = MODELS[kind]

    def facts(person: Person) -> dict[str, Any]:
        return {kind: getattr(person, kind)}

    def change(person: Person) -> None:
        if data.photo_id is not None and data.photo_id not in photo_ids(session, person.id):
            message = "Choose one of the photos on this person's record"
            raise ValidationFailed(data.summary, field_errors={"photo_id": message})
        held = model.load(getattr(person, kind))
        review: dict[str, Any] = {
            "reviewed_on": held.reviewed_on if held else None,
            "reviewed_by": held.reviewed_by if held else None,
            "next_review_on": held.next_review_on if held else None,
        }
        if data.reviewed:
            review = {
                "reviewed_on": timefmt.local(clock.now()).date(),
                "reviewed_by": actor.display_name,
                "next_review_on": data.next_review_on,
            }
        imported = held.imported if held else {}
        profile = model(**data.content(), **review, imported=imported)
        setattr(person, kind, profile.stored())

    return save_change(
        session, actor, person_id, data.version, f"update_{kind}", facts, change, justification
    )


def profile_page(
    session: Session, actor: Actor, person_id: int, kind: str, reason: str
) -> dict[str, Any]:
    """What a profile's page shows: the person, the profile and their photos, the view logged
    with the reason given."""
    person = people.view_person(session, actor, person_id, reason)
    return {
        "person": person,
        "kind": kind,
        "profile": profile_of(person, kind),
        "photos": photos_of(session, person.id),
        "photo": current_photo(session, person.id),
        "can_edit": people.can_update(actor, person),
    }
