"""Intelligence links entered by hand, graded 3x5x2, and the links that name a person."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from harbour import clock, timefmt
from harbour.access import service as access
from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.errors import ValidationFailed
from harbour.people.models import (
    HANDLING_CODE,
    INTELLIGENCE_ASSESSMENT,
    SOURCE_EVALUATION,
    Association,
    AssociationType,
    Person,
    Place,
    Vehicle,
    normalise_phone,
)
from harbour.web.forms import Fields

# What an officer may record by hand (family, carers and professionals come from records).
TYPES = {
    "associate": "Associates with (a person)",
    "seen_at": "Seen at (a place)",
    "frequents": "Frequents (a place)",
    "uses_phone": "Uses a phone",
    "in_vehicle": "Seen in a vehicle",
}
OBJECT_FIELD = {
    "associate": "other_person",
    "seen_at": "place",
    "frequents": "place",
    "uses_phone": "phone",
    "in_vehicle": "registration",
}


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
    """Every link that names the person, newest first, with the other end in words."""
    links = session.scalars(
        select(Association)
        .where(or_(Association.subject_id == person.id, Association.object_person_id == person.id))
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
            select(Place).where(Place.id.in_({a.object_place_id or 0 for a in links}))
        )
    }
    vehicles = {
        v.id: v.registration
        for v in session.scalars(
            select(Vehicle).where(Vehicle.id.in_({a.object_vehicle_id or 0 for a in links}))
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
                other = places.get(a.object_place_id, f"place {a.object_place_id}")
            elif a.object_vehicle_id is not None:
                other = vehicles.get(a.object_vehicle_id, f"vehicle {a.object_vehicle_id}")
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


def record(session: Session, actor: Actor, person: Person, form: Mapping[str, str]) -> Association:
    """Record an intelligence link from the person, graded 3x5x2 (validated, audited)."""
    check_can_record(actor, person)
    f = Fields(form)
    kind = f.choice("type", "What the intelligence links them to", TYPES)
    link = Association(
        subject_id=person.id,
        organisation_id=person.organisation_id,
        recorded_by_id=actor.id,
        imported=False,
    )
    if kind is not None:
        link.type = AssociationType(kind)
        _object(session, actor, person, link, kind, f)
    source = f.choice("intel_source", "The source evaluation (1, 2 or 3)", SOURCE_EVALUATION)
    assessment = f.choice(
        "intel_assessment", "The intelligence assessment (A to E)", INTELLIGENCE_ASSESSMENT
    )
    handling = f.choice("intel_handling", "The handling code (P or C)", HANDLING_CODE)
    text = f.text(
        "source_text", "The intelligence", required=True,
        missing="Say what the intelligence is and where it came from",
    )  # fmt: skip
    observed = _observed(f)
    if f.errors:
        raise ValidationFailed("Check the intelligence", field_errors=f.errors)
    link.intel_source, link.intel_assessment, link.intel_handling = source, assessment, handling
    link.source_text, link.observed_at = text, observed
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
            "type": kind,
            "grading": grading_text(link),
            "observed_at": observed.isoformat() if observed else None,
        },
        justification=text,
    )
    return link


def _observed(f: Fields) -> datetime | None:
    parts = [f.form.get(f"observed_{p}", "").strip() for p in ("day", "month", "year")]
    if not any(parts):
        return None
    try:
        when = timefmt.from_local(parts[0], parts[1], parts[2], "12:00", what="The date")
    except ValueError as exc:
        f.fail("observed", str(exc))
        return None
    if when is not None and when > clock.now():
        f.fail("observed", "The date must be today or in the past")
    return when


def _object(
    session: Session,
    actor: Actor,
    person: Person,
    link: Association,
    kind: str,
    f: Fields,
) -> None:
    field = OBJECT_FIELD[kind]
    value = f.form.get(field, "").strip()
    if not value:
        f.errors[field] = {
            "other_person": "Enter the record number of the person they associate with",
            "place": "Enter the record number of the place",
            "phone": "Enter the phone number",
            "registration": "Enter the vehicle's registration",
        }[field]
        return
    if field == "other_person":
        other = session.get(Person, int(value)) if value.isdigit() else None
        if other is None or not access.can(actor, "person.view", other) or other.id == person.id:
            f.errors[field] = "There is no other person with that record number that you can see"
            return
        link.object_person_id = other.id
    elif field == "place":
        place = session.get(Place, int(value)) if value.isdigit() else None
        if place is None:
            f.errors[field] = "There is no place with that record number"
            return
        link.object_place_id = place.id
    elif field == "phone":
        number = normalise_phone(value)
        if len(number.lstrip("+")) < 7:
            f.errors[field] = "Enter a phone number with at least 7 digits"
            return
        link.object_phone = number
    else:
        plate = " ".join(value.upper().split())
        vehicle = session.scalar(select(Vehicle).where(Vehicle.registration == plate))
        if vehicle is None:
            vehicle = Vehicle(registration=plate, organisation_id=person.organisation_id)
            session.add(vehicle)
            session.flush()
        link.object_vehicle_id = vehicle.id
