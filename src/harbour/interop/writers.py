"""Turn one validated import line into the columns of its Harbour record.

The ordinary path (`importer`) and the bulk path (`bulk`) share these, so a field is mapped in one
place whichever path loads it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from harbour.calls.models import Call
from harbour.episodes.models import Episode, EpisodeStatus, Outcome
from harbour.interop.schemas import (
    AssociationLine,
    CallLine,
    EpisodeLine,
    PersonLine,
    PlaceLine,
    VehicleLine,
    parse_partial_date,
)
from harbour.linkage.prepare import name_keys
from harbour.people import profile_schemas
from harbour.people.models import (
    Association,
    CareBasis,
    Person,
    Place,
    Vehicle,
    normalise_phone,
)

if TYPE_CHECKING:
    from harbour.interop.importer import Refs


def _place(session: Session, row: Place | None, line: PlaceLine, org_id: int, refs: Refs) -> Place:
    row = row or Place(organisation_id=org_id)
    row.type = line.type
    row.name, row.address, row.postcode = line.name, line.address, line.postcode
    row.borough, row.lat, row.lon = line.borough, line.lat, line.lon
    return row


def _vehicle(
    session: Session, row: Vehicle | None, line: VehicleLine, org_id: int, refs: Refs
) -> Vehicle:
    row = row or Vehicle(organisation_id=org_id)
    row.registration, row.make, row.colour = line.registration, line.make, line.colour
    return row


def _person(
    session: Session, row: Person | None, line: PersonLine, org_id: int, refs: Refs
) -> Person:
    row = row or Person(organisation_id=org_id)
    row.given_name, row.family_name, row.sex = line.given_name, line.family_name, line.sex
    if line.date_of_birth:
        row.date_of_birth, row.dob_precision = parse_partial_date(line.date_of_birth)
    else:
        row.date_of_birth, row.dob_precision = None, None
    row.aliases = line.aliases or None
    row.ethnicity, row.observed_ethnicity = line.ethnicity, line.observed_ethnicity
    row.home_place_id = refs.id("place", line.home) if line.home else None
    # A legal basis for care means looked after, whether or not the line says so.
    row.looked_after = True if line.care_basis else line.looked_after
    row.care_basis = CareBasis(line.care_basis) if line.care_basis else None
    row.local_authority = line.local_authority
    row.flags = line.flags or None
    row.philomena = profile_schemas.from_import("philomena", line.philomena)
    row.herbert = profile_schemas.from_import("herbert", line.herbert)
    row.given_sx, row.family_sx, row.names_key = name_keys(line.given_name, line.family_name)
    return row


def person_children(line: PersonLine, record_id: int) -> list[dict[str, Any]]:
    numbers = dict.fromkeys(normalise_phone(p) for p in line.phones)
    return [{"person_id": record_id, "number": n} for n in numbers]


def _episode(
    session: Session, row: Episode | None, line: EpisodeLine, org_id: int, refs: Refs
) -> Episode:
    row = row or Episode(organisation_id=org_id, imported=True)
    row.person_id = refs.id("person", line.person)
    row.reported_at = line.reported_at
    by = line.reported_by
    row.reporter_name = by.name if by else None
    row.reporter_relationship = by.relationship if by else None
    row.reporter_phone = by.phone if by else None
    row.last_seen_at, row.last_seen_text = line.last_seen_at, line.last_seen_text
    row.last_seen_place_id = (
        refs.id("place", line.last_seen_place) if line.last_seen_place else None
    )
    row.circumstances = line.circumstances
    if line.risk_grade == "absent":  # kept as history, never read as a grade
        row.risk_grade, row.legacy_grade = None, "absent"
    else:
        row.risk_grade, row.legacy_grade = line.risk_grade, None
    row.risk_answers = (
        line.risk_answers.model_dump(mode="json", exclude_unset=True) if line.risk_answers else None
    )
    row.found_at, row.found_text, row.found_by = line.found_at, line.found_text, line.found_by
    row.found_place_id = refs.id("place", line.found_place) if line.found_place else None
    row.outcome = line.outcome or (Outcome.ongoing if line.found_at is None else None)
    row.prevention_interview = (
        line.prevention_interview.model_dump(mode="json") if line.prevention_interview else None
    )
    row.rhi = line.rhi.model_dump(mode="json") if line.rhi else None
    row.status = EpisodeStatus.missing if line.found_at is None else EpisodeStatus.closed
    return row


def episode_children(line: EpisodeLine, record_id: int, refs: Refs) -> list[dict[str, Any]]:
    companions = dict.fromkeys(refs.id("person", c) for c in line.found_with)
    return [{"episode_id": record_id, "person_id": c} for c in companions]


def _call(session: Session, row: Call | None, line: CallLine, org_id: int, refs: Refs) -> Call:
    row = row or Call(organisation_id=org_id, imported=True)
    row.received_at, row.narrative, row.caller = line.received_at, line.narrative, line.caller
    row.reference, row.outcome = line.reference, line.outcome
    if isinstance(line.location, dict):
        row.location_place_id, row.location_text = refs.id("place", line.location["place"]), None
    else:
        row.location_place_id, row.location_text = None, line.location
    return row


def _association(
    session: Session, row: Association | None, line: AssociationLine, org_id: int, refs: Refs
) -> Association:
    row = row or Association(organisation_id=org_id, imported=True)
    row.subject_id = refs.id("person", line.subject)
    kind, value = next(iter(line.object.items()))
    row.object_person_id = refs.id("person", value) if kind == "person" else None
    row.object_place_id = refs.id("place", value) if kind == "place" else None
    row.object_vehicle_id = refs.id("vehicle", value) if kind == "vehicle" else None
    row.object_phone = normalise_phone(value) if kind == "phone" else None
    row.type, row.observed_at = line.type, line.observed_at
    row.source_episode_id = row.source_call_id = row.source_text = None
    if isinstance(line.source, dict):
        source_kind, source_id = next(iter(line.source.items()))
        if source_kind == "episode":
            row.source_episode_id = refs.id("episode", source_id)
        else:
            row.source_call_id = refs.id("call", source_id)
    else:
        row.source_text = line.source
    return row


WRITERS: dict[str, tuple[type[Any], Callable[..., Any]]] = {
    "place": (Place, _place),
    "vehicle": (Vehicle, _vehicle),
    "person": (Person, _person),
    "episode": (Episode, _episode),
    "call": (Call, _call),
    "association": (Association, _association),
}
