"""Intelligence links entered by hand, graded 3x5x2, and the links that name a person."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from harbour import clock
from harbour.access import service as access
from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.episodes import schedule
from harbour.errors import ValidationFailed
from harbour.network.schemas import OBJECT_FIELD, TYPES, IntelligenceInput
from harbour.people.models import (
    PHONE_RULE,
    Association,
    AssociationType,
    Person,
    Place,
    Vehicle,
    is_phone,
    normalise_phone,
    normalise_registration,
    registration_forms,
)
from harbour.validation import record_number


@dataclass(frozen=True)
class Row:
    link: Association
    direction: str  # "to" (this person is the subject) or "from"
    other: str
    grading: str | None


def grading_text(link: Association) -> str | None:
    if not (link.intel_source and link.intel_assessment and link.intel_handling):
        return None
    return f"{link.intel_source}{link.intel_assessment}{link.intel_handling}"


def links_of(session: Session, actor: Actor, person: Person) -> list[Row]:
    """Every link the actor may see that names the person, newest first, with the other end in
    words (a person, place or vehicle the actor may not see is named only as one they cannot
    see). A link another organisation recorded is theirs, with its source, and is not listed."""
    links = session.scalars(
        select(Association)
        .where(
            or_(Association.subject_id == person.id, Association.object_person_id == person.id),
            access.visible(actor, Association),
        )
        .order_by(Association.observed_at.desc().nulls_last(), Association.id.desc())
    ).all()
    people = {
        p.id: p
        for p in session.scalars(
            select(Person).where(
                Person.id.in_(
                    {a.subject_id for a in links} | {a.object_person_id or 0 for a in links}
                ),
                access.visible(actor, Person),
            )
        )
    }
    places = {
        p.id: p.label
        for p in session.scalars(
            select(Place).where(
                Place.id.in_({a.object_place_id or 0 for a in links}), access.visible(actor, Place)
            )
        )
    }
    vehicles = {
        v.id: v.registration
        for v in session.scalars(
            select(Vehicle).where(
                Vehicle.id.in_({a.object_vehicle_id or 0 for a in links}),
                access.visible(actor, Vehicle),
            )
        )
    }
    rows = []
    for a in links:
        if a.subject_id == person.id:
            if a.object_person_id is not None:
                other = (
                    people[a.object_person_id].display_name
                    if a.object_person_id in people
                    else "a person you cannot see"
                )
            elif a.object_place_id is not None:
                other = places.get(a.object_place_id, "a place you cannot see")
            elif a.object_vehicle_id is not None:
                other = vehicles.get(a.object_vehicle_id, "a vehicle you cannot see")
            else:
                other = a.object_phone or ""
            rows.append(Row(a, "to", other, grading_text(a)))
        else:
            name = (
                people[a.subject_id].display_name
                if a.subject_id in people
                else "a person you cannot see"
            )
            rows.append(Row(a, "from", name, grading_text(a)))
    return rows


def _name(people: dict[int, Person], person_id: int) -> str:
    person = people.get(person_id)
    return person.display_name if person else "a person you cannot see"


def check_can_record(actor: Actor, person: Person) -> None:
    access.require(actor, "intelligence.record", person)


def record(session: Session, actor: Actor, person: Person, data: IntelligenceInput) -> Association:
    """Record an intelligence link from the person, graded 3x5x2 (validated, audited)."""
    check_can_record(actor, person)
    for name, message in data.rules(data.model_dump()).items():
        raise ValidationFailed(data.summary, field_errors={name: message})
    if data.observed_at is not None and data.observed_at > clock.now():
        message = "The date must be today or in the past"
        raise ValidationFailed(data.summary, field_errors={"observed": message})
    link = Association(
        subject_id=person.id,
        organisation_id=person.organisation_id,
        recorded_by_id=actor.id,
        imported=False,
        type=AssociationType(data.type),
    )
    _object(session, actor, person, link, data)
    link.intel_source, link.intel_assessment = data.intel_source, data.intel_assessment
    link.intel_handling = data.intel_handling
    link.source_text, link.observed_at = data.source_text, data.observed_at
    session.add(link)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "association",
        link.id,
        after={
            "person": person.id,
            "type": data.type,
            "grading": grading_text(link),
            "observed_at": data.observed_at.isoformat() if data.observed_at else None,
        },
        justification=data.source_text,
    )
    about = {person.id} | ({link.object_person_id} if link.object_person_id else set())
    what = f"intelligence: {TYPES[data.type].lower()}"
    schedule.new_intelligence(session, actor, person.organisation_id, about, what)
    return link


def _object(
    session: Session, actor: Actor, person: Person, link: Association, data: IntelligenceInput
) -> None:
    """Resolve the other end of the link: a person, place or vehicle the actor may see (one
    out of scope is refused exactly as one that does not exist), or a phone."""
    field = OBJECT_FIELD[data.type]
    value = (getattr(data, field) or "").strip()

    def refuse(message: str) -> ValidationFailed:
        return ValidationFailed(data.summary, field_errors={field: message})

    if field == "other_person":
        number = record_number(value)
        other = session.get(Person, number) if number else None
        if other is None or not access.can(actor, "person.view", other) or other.id == person.id:
            raise refuse("There is no other person with that record number that you can see")
        link.object_person_id = other.id
    elif field == "place":
        number = record_number(value)
        place = session.get(Place, number) if number else None
        if place is None or not access.can(actor, "place.view", place):
            raise refuse("There is no place with that record number that you can see")
        link.object_place_id = place.id
    elif field == "phone":
        if not is_phone(value):
            raise refuse(f"Enter a phone number with {PHONE_RULE}")
        link.object_phone = normalise_phone(value)
    else:
        plate = normalise_registration(value)
        # The person's organisation's own record of the vehicle: another organisation's record of
        # the same registration is theirs, and linking to it would join their network to ours.
        vehicle = session.scalar(
            select(Vehicle)
            .where(
                Vehicle.registration.in_(registration_forms(value)),
                Vehicle.organisation_id == person.organisation_id,
                access.visible(actor, Vehicle),
            )
            .order_by(Vehicle.id)
            .limit(1)
        )
        if vehicle is None:
            vehicle = Vehicle(registration=plate, organisation_id=person.organisation_id)
            session.add(vehicle)
            session.flush()
        link.object_vehicle_id = vehicle.id
