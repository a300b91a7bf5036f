"""A person's addresses over time: where they lived, from when to when, and which is current.

`person.home_place_id` stays the current address, which everything that reads a home uses (the
network, identity look-ups, the grading screen). The `person_address` rows are the periods: the
open period at the home is the current address. A home with no open period (one an import gave
after addresses were kept over time) is shown as the current address, its start not known, and
becomes a period of its own the first time an address is added or ended. An open period at any
other place (an import moved the home on) is shown as no longer current, its end not known.

Adding a current address ends the one before it on the day of the move and makes the new one
the home; ending the current address leaves the person with no home on record. Each change checks
the version the editor saw, moves it on, and is audited with the address before and after.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour import clock, db, timefmt
from harbour.access import service as access
from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.errors import Conflict, ValidationFailed
from harbour.people.models import Person, PersonAddress, Place, PlaceType
from harbour.people.record import RACE, STALE, SUBJECT
from harbour.people.schemas import RESIDENCES, AddressAdd, AddressEnd
from harbour.validation import record_number

HOME = "home"  # the key of a home on record with no period of its own yet


@dataclass(frozen=True)
class AddressView:
    """One address of a person, as their record shows it."""

    key: str  # the period's id, or HOME
    place_id: int
    label: str
    kind: str
    from_on: date | None
    to_on: date | None
    current: bool
    imported: bool


def _kind(place: Place) -> str:
    return RESIDENCES.get(place.type.value, place.type.value.replace("_", " ").capitalize())


def addresses_of(session: Session, person: Person) -> list[AddressView]:
    """The person's addresses, the current one first, then the rest newest first."""
    rows = session.execute(
        select(PersonAddress, Place)
        .join(Place, Place.id == PersonAddress.place_id)
        .where(PersonAddress.person_id == person.id)
        .order_by(PersonAddress.id.desc())
    ).all()
    current = _open_at_home(person, [row for row, _ in rows])
    out = [
        AddressView(
            str(row.id),
            place.id,
            place.label,
            _kind(place),
            row.from_on,
            row.to_on,
            row is current,
            row.imported,
        )
        for row, place in rows
    ]
    if current is None and person.home_place_id is not None:
        home = session.get(Place, person.home_place_id)
        if home is not None:
            out.append(AddressView(HOME, home.id, home.label, _kind(home), None, None, True, True))
    latest = date.max
    return sorted(
        out,
        key=lambda a: (
            not a.current,
            a.to_on is not None,
            latest - (a.to_on or a.from_on or latest),
        ),
    )


def _newest_first(address: AddressView) -> tuple[bool, bool, int]:
    """The current address, then any other without an end, then the rest by their last day."""
    last = address.to_on or address.from_on or date.max
    return (not address.current, address.to_on is not None, -last.toordinal())


def current_address(session: Session, person: Person) -> str | None:
    """The person's current address in words, if they have one."""
    home = session.get(Place, person.home_place_id) if person.home_place_id else None
    return f"{home.label} ({_kind(home).lower()})" if home else None


def _open_at_home(person: Person, rows: list[PersonAddress]) -> PersonAddress | None:
    """The current period: the latest open one at the person's home."""
    open_rows = [r for r in rows if r.to_on is None and r.place_id == person.home_place_id]
    return max(open_rows, key=lambda r: (r.from_on or date.min, r.id), default=None)


def _current(session: Session, actor: Actor, person: Person) -> PersonAddress | None:
    """The current period, made a row of its own if the home had none yet."""
    rows = list(session.scalars(select(PersonAddress).where(PersonAddress.person_id == person.id)))
    found = _open_at_home(person, rows)
    if found is None and person.home_place_id is not None:
        found = PersonAddress(person_id=person.id, place_id=person.home_place_id, imported=True)
        session.add(found)
        session.flush()
    return found


def _facts(session: Session, row: PersonAddress) -> dict[str, Any]:
    place = session.get(Place, row.place_id)
    return {
        "id": row.id,
        "place": place.label if place else None,
        "place_id": row.place_id,
        "from_on": row.from_on.isoformat() if row.from_on else None,
        "to_on": row.to_on.isoformat() if row.to_on else None,
    }


def _place(session: Session, actor: Actor, person: Person, data: AddressAdd) -> Place:
    if data.place_id is not None:
        place = session.scalar(
            select(Place).where(Place.id == data.place_id, access.visible(actor, Place))
        )
        if place is None:
            message = f"There is no place with record number {data.place_id} that you may see"
            raise ValidationFailed(data.summary, field_errors={"place_id": message})
        return place
    place = Place(
        type=PlaceType(data.type or PlaceType.other),
        address=data.address,
        postcode=data.postcode,
        borough=data.borough,
        organisation_id=person.organisation_id,
    )
    session.add(place)
    session.flush()
    return place


def _person(session: Session, actor: Actor, person_id: int, version: int) -> Person:
    person = access.fetch(session, actor, Person, person_id, "person.update")
    if version != person.version:
        raise Conflict(STALE)
    return person


def _refuse(summary: str, field: str, message: str) -> ValidationFailed:
    return ValidationFailed(summary, field_errors={field: message})


def add_address(
    session: Session, actor: Actor, person_id: int, data: AddressAdd, justification: str | None
) -> PersonAddress:
    """Record an address of the person. One with no end date becomes their current address,
    and the address before it ends on the day they moved in."""
    person = _person(session, actor, person_id, data.version)
    problems = data.rules(data.model_dump())
    if problems:
        raise ValidationFailed(data.summary, field_errors=problems)
    place = _place(session, actor, person, data)
    before: dict[str, Any] = {"address": None}
    after: dict[str, Any] = {}
    if data.to_on is None:
        held = _current(session, actor, person)
        if held is not None:
            if held.place_id == place.id:
                raise _refuse(data.summary, "place_id", "This is already their current address")
            if data.from_on and held.from_on and data.from_on < held.from_on:
                message = (
                    "The date they moved in must be on or after they moved into their current "
                    f"address ({held.from_on.strftime('%-d %B %Y')})"
                )
                raise _refuse(data.summary, "from_on", message)
            before["ended_address"] = _facts(session, held)
            held.to_on = data.from_on or timefmt.local(clock.now()).date()
            after["ended_address"] = _facts(session, held)
        before["home_address"] = current_address(session, person)
        person.home_place_id = place.id
        after["home_address"] = current_address(session, person)
    row = PersonAddress(
        person_id=person.id,
        place_id=place.id,
        from_on=data.from_on,
        to_on=data.to_on,
        recorded_by_id=actor.id,
    )
    session.add(row)
    person.updated_at = clock.now()  # a change to the record: its version moves on
    db.flush_or_conflict(session, RACE)
    after["address"] = _facts(session, row)
    audit.record(
        session,
        actor,
        "add_address",
        SUBJECT,
        person.id,
        before=before,
        after=after,
        justification=justification,
    )
    return row


def end_address(
    session: Session, actor: Actor, person_id: int, data: AddressEnd, justification: str | None
) -> PersonAddress:
    """Record the day the person stopped living at an address; ending the current address
    leaves them with no home on record."""
    person = _person(session, actor, person_id, data.version)
    problems = data.rules(data.model_dump())
    if problems:
        raise ValidationFailed(data.summary, field_errors=problems)
    assert data.to_on is not None  # the rules say so
    if data.address == HOME:
        row = _current(session, actor, person)
    else:
        number = record_number(data.address)
        row = session.get(PersonAddress, number) if number else None
    if row is None or row.person_id != person.id:
        raise _refuse(data.summary, "address", "Choose an address on this person's record")
    if row.to_on is not None:
        raise _refuse(data.summary, "address", "That address has already ended")
    if row.from_on and data.to_on < row.from_on:
        message = (
            "The date they moved out must be on or after they moved in "
            f"({row.from_on.strftime('%-d %B %Y')})"
        )
        raise _refuse(data.summary, "to_on", message)
    before = {"address": _facts(session, row), "home_address": current_address(session, person)}
    row.to_on = data.to_on
    still_open = session.scalar(
        select(PersonAddress.id).where(
            PersonAddress.person_id == person.id,
            PersonAddress.place_id == row.place_id,
            PersonAddress.to_on.is_(None),
            PersonAddress.id != row.id,
        )
    )
    if person.home_place_id == row.place_id and still_open is None:
        person.home_place_id = None
    person.updated_at = clock.now()
    db.flush_or_conflict(session, RACE)
    after = {"address": _facts(session, row), "home_address": current_address(session, person)}
    if after["home_address"] == before["home_address"]:
        del before["home_address"], after["home_address"]
    audit.record(
        session,
        actor,
        "end_address",
        SUBJECT,
        person.id,
        before=before,
        after=after,
        justification=justification,
    )
    return row
