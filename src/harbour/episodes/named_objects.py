"""The places, vehicles and phones a child was found at or in, or names at the safe-and-well check
or the return home interview, become records linked to the child with their source, so that the
network sees them: two children who name the same car or flat are linked through it.

A place is chosen by its record number, or recorded new (the same name or address at the same
postcode is taken to be the place already recorded); a vehicle is found by its registration
among the child's organisation's vehicles, or recorded new; a phone is a number. Places and
vehicles are read through the access policy: one out of the officer's scope answers exactly as
one that does not exist, and only the child's own organisation's records are linked (another
organisation's car is theirs, and linking to it would join their network to ours).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour.access import service as access
from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.episodes.models import Episode
from harbour.episodes.named import OBJECT_STEPS, UPDATE, check_found, link_to_child, saved
from harbour.errors import ValidationFailed
from harbour.people.models import (
    PHONE_RULE,
    AssociationType,
    Place,
    PlaceType,
    Vehicle,
    is_phone,
    normalise_phone,
    normalise_registration,
    registration_forms,
)
from harbour.validation import LARGEST_ID, Input, needed, one_of

PLACE_LINKS = {
    "found_at": "They were found there",
    "seen_at": "They were there while missing",
    "frequents": "They often go there",
}
PLACE_TYPES = {
    "home": "Someone's home (a house or flat)",
    "hotel": "Hotel",
    "hostel": "Hostel",
    "station": "Station",
    "shop": "Shop",
    "fast_food": "Fast-food shop or takeaway",
    "park": "Park",
    "school": "School",
    "care_home": "Care home",
    "foster_home": "Foster home",
    "hospital": "Hospital",
    "mental_health_unit": "Mental health unit",
    "other": "Somewhere else",
}
PHONE_WHOSE = {
    "theirs": "Theirs: another phone they use",
    "contact": "Someone in contact with them: a number that called or messaged them",
}
# The choices the episode page's forms offer.
NAMED_CHOICES = {
    "steps": OBJECT_STEPS,
    "place_links": PLACE_LINKS,
    "place_types": PLACE_TYPES,
    "phone_whose": PHONE_WHOSE,
}
_PHONE_WORDS = {"theirs": "their own phone", "contact": "a number in contact with them"}
# A UK postcode as Royal Mail writes it: outward code, a space, inward code.
POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}")
PLATE = re.compile(r"[A-Z0-9]{2,10}")
NO_PLACE = "There is no place with that record number that you can see"

Step = Annotated[str, one_of(tuple(OBJECT_STEPS), "Select where on the return it came up")]
Details = Annotated[str | None, Field(max_length=2000)]


def normal_postcode(value: str) -> str:
    """'sw1a1aa' or 'SW1A  1AA' becomes 'SW1A 1AA'."""
    compact = "".join(value.split()).upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


class NamedPlaceInput(Input):
    """A place named on return: its record number, or a new place's name or address."""

    summary = "Check the place named on return"

    step: Step
    link: Annotated[str, one_of(tuple(PLACE_LINKS), "Select how the place is linked to them")]
    record_number: Annotated[int, Field(ge=1, le=LARGEST_ID)] | None = None
    name: Annotated[str | None, Field(max_length=200)] = None
    address: Annotated[str | None, Field(max_length=300)] = None
    postcode: Annotated[str | None, Field(max_length=10)] = None
    type: Annotated[
        str | None, one_of((*PLACE_TYPES, None), "Choose the kind of place from the list")
    ] = None
    details: Details = None
    version: int

    @field_validator("postcode")
    @classmethod
    def _postcode(cls, value: str | None) -> str | None:
        if value is None:
            return None
        written = normal_postcode(value)
        if not POSTCODE.fullmatch(written):
            raise ValueError("Enter a real postcode, like SW1A 1AA")
        return written


class NamedVehicleInput(Input):
    """A vehicle named on return, by its registration."""

    summary = "Check the vehicle named on return"

    step: Step
    registration: Annotated[str, needed("Enter the vehicle's registration"), Field(max_length=16)]
    make: Annotated[str | None, Field(max_length=60)] = None
    colour: Annotated[str | None, Field(max_length=30)] = None
    details: Details = None
    version: int

    @field_validator("registration")
    @classmethod
    def _plate(cls, value: str) -> str:
        if not PLATE.fullmatch("".join(value.split()).upper()):
            raise ValueError("Enter a registration of letters and digits, like AB12 CDE")
        return value


class NamedPhoneInput(Input):
    """A phone number named on return, and whose it is."""

    summary = "Check the phone named on return"

    step: Step
    whose: Annotated[str, one_of(tuple(PHONE_WHOSE), "Select whose number it is")]
    number: Annotated[str, needed("Enter the phone number"), Field(max_length=40)]
    details: Details = None
    version: int


def name_place_on_return(
    session: Session, actor: Actor, episode: Episode, data: NamedPlaceInput, action: str = UPDATE
) -> Place:
    """Link a place to the child from its return: one chosen by record number, the same place
    already recorded, or a new place of the child's organisation."""
    check_found(actor, episode, data.version, action)
    place, created = _place(session, actor, episode, data, action)
    link = link_to_child(
        session,
        actor,
        episode,
        AssociationType(data.link),
        OBJECT_STEPS[data.step],
        data.details,
        object_place_id=place.id,
    )
    if created:
        audit.record(session, actor, "create", "place", place.id, after=_place_facts(place))
    saved(
        session,
        actor,
        episode,
        link,
        {"kind": "place", "place": place.id, "created": created, "step": data.step},
    )
    return place


def _place(
    session: Session, actor: Actor, episode: Episode, data: NamedPlaceInput, action: str = UPDATE
) -> tuple[Place, bool]:
    if data.record_number is not None:
        place = session.scalar(
            select(Place).where(Place.id == data.record_number, access.visible(actor, Place))
        )
        if place is None or place.organisation_id != episode.organisation_id:
            raise ValidationFailed(data.summary, field_errors={"record_number": NO_PLACE})
        return place, False
    if not (data.name or data.address):
        message = "Enter the place's record number, or its name or address"
        raise ValidationFailed(data.summary, field_errors={"name": message})
    same = _same_place(session, actor, episode, data, action)
    if same is not None:
        return same, False
    place = Place(
        type=PlaceType(data.type or PlaceType.other),
        name=data.name,
        address=data.address,
        postcode=data.postcode,
        organisation_id=episode.organisation_id,
    )
    session.add(place)
    session.flush()
    return place, True


def _fold(text: str | None) -> str:
    return " ".join((text or "").casefold().replace(",", " ").split())


def _same_place(
    session: Session, actor: Actor, episode: Episode, data: NamedPlaceInput, action: str = UPDATE
) -> Place | None:
    """The place already recorded at this postcode with the same address (or, with no address
    given, the same name): a second child naming the flat must reach the same record, or the
    network never sees that they share it. Without a postcode nothing is matched. A partner
    naming a place at a return interview reaches the force's place the same way, without being
    shown it."""
    if not data.postcode:
        return None
    seen = [access.visible(actor, Place)] if action == UPDATE else []
    candidates = session.scalars(
        select(Place)
        .where(
            Place.postcode.in_({data.postcode, data.postcode.replace(" ", "")}),
            Place.organisation_id == episode.organisation_id,
            *seen,
        )
        .order_by(Place.id)
        .limit(200)
    )
    for place in candidates:
        if data.address:
            if _fold(place.address) == _fold(data.address):
                return place
        elif not place.address and _fold(place.name) == _fold(data.name):
            return place
    return None


def _place_facts(place: Place) -> dict[str, Any]:
    return {
        "type": place.type.value,
        "name": place.name,
        "address": place.address,
        "postcode": place.postcode,
    }


def name_vehicle_on_return(
    session: Session, actor: Actor, episode: Episode, data: NamedVehicleInput
) -> Vehicle:
    """Link a vehicle to the child from its return: the child's organisation's record of the
    registration, or a new one. A make or colour the record lacks is added to it; one that
    differs from the record is kept with the link, as what was said."""
    check_found(actor, episode, data.version)
    plate = normalise_registration(data.registration)
    vehicle = session.scalar(
        select(Vehicle)
        .where(
            Vehicle.registration.in_(registration_forms(data.registration)),
            Vehicle.organisation_id == episode.organisation_id,
            access.visible(actor, Vehicle),
        )
        .order_by(Vehicle.id)
        .limit(1)
    )
    details = [data.details] if data.details else []
    if vehicle is None:
        vehicle = Vehicle(
            registration=plate,
            make=data.make,
            colour=data.colour,
            organisation_id=episode.organisation_id,
        )
        session.add(vehicle)
        session.flush()
        audit.record(
            session,
            actor,
            "create",
            "vehicle",
            vehicle.id,
            after={"registration": plate, "make": data.make, "colour": data.colour},
        )
    else:
        details += _fill_in(session, actor, vehicle, data)
    link = link_to_child(
        session,
        actor,
        episode,
        AssociationType.in_vehicle,
        OBJECT_STEPS[data.step],
        "; ".join(details) or None,
        object_vehicle_id=vehicle.id,
    )
    saved(
        session,
        actor,
        episode,
        link,
        {"kind": "vehicle", "vehicle": vehicle.id, "step": data.step},
    )
    return vehicle


def _fill_in(
    session: Session, actor: Actor, vehicle: Vehicle, data: NamedVehicleInput
) -> list[str]:
    """Add to the vehicle's record what it lacks; return what was said that differs from it."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    differs = []
    for field, given in (("make", data.make), ("colour", data.colour)):
        held = getattr(vehicle, field)
        if given and not held:
            before[field], after[field] = None, given
            setattr(vehicle, field, given)
        elif given and _fold(given) != _fold(held):
            differs.append(given)
    if after:
        session.flush()
        audit.record(session, actor, "update", "vehicle", vehicle.id, before=before, after=after)
    return [f"described as {' '.join(differs)}"] if differs else []


def name_phone_on_return(
    session: Session, actor: Actor, episode: Episode, data: NamedPhoneInput
) -> str:
    """Link a phone number to the child from its return; return the number as stored."""
    check_found(actor, episode, data.version)
    if not is_phone(data.number):
        message = f"Enter a phone number with {PHONE_RULE}"
        raise ValidationFailed(data.summary, field_errors={"number": message})
    number = normalise_phone(data.number)
    said = _PHONE_WORDS[data.whose] + (f"; {data.details}" if data.details else "")
    link = link_to_child(
        session,
        actor,
        episode,
        AssociationType.uses_phone,
        OBJECT_STEPS[data.step],
        said,
        object_phone=number,
    )
    saved(
        session,
        actor,
        episode,
        link,
        {"kind": "phone", "phone": number, "whose": data.whose, "step": data.step},
    )
    return number
