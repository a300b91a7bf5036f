"""Read Harbour's people as the identity model's records, in one query however many there are."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, true
from sqlalchemy.orm import Session

from harbour.linkage.schemas import IdentityField, PersonRecord
from harbour.people.models import DatePrecision, Person, PersonPhone, Place

F = IdentityField
# What the model compares for Harbour's people: the names (with other names), date of birth,
# sex, the home's postcode and address, and a phone number.
PERSON_FIELDS = (
    F.given_name,
    F.family_name,
    F.date_of_birth,
    F.sex,
    F.postcode,
    F.address,
    F.phone,
)
BATCH = 50_000


def birth_text(born: date | None, precision: DatePrecision | None) -> str | None:
    """Return a date of birth as the model reads it: YYYY-MM-DD, or YYYY-MM / YYYY if partial."""
    if born is None:
        return None
    if precision is DatePrecision.year:
        return f"{born.year:04d}"
    if precision is DatePrecision.month:
        return f"{born.year:04d}-{born.month:02d}"
    return born.isoformat()


def _query(where: ColumnElement[bool]) -> Select[tuple[object, ...]]:
    phone = (
        select(func.min(PersonPhone.number))
        .where(PersonPhone.person_id == Person.id)
        .correlate(Person)
        .scalar_subquery()
    )
    return (
        select(
            Person.id,
            Person.given_name,
            Person.family_name,
            Person.aliases,
            Person.date_of_birth,
            Person.dob_precision,
            Person.sex,
            Place.postcode,
            Place.address,
            phone,
        )
        .outerjoin(Place, Place.id == Person.home_place_id)
        .where(Person.merged_into_id.is_(None), where)
        .order_by(Person.id)
    )


def _record(row: Any) -> PersonRecord:
    pid, given, family, aliases, born, precision, sex, postcode, address, phone = row
    return PersonRecord.model_construct(
        id=str(pid),
        given_name=given,
        family_name=family,
        aliases=list(aliases) if isinstance(aliases, list) else [],
        date_of_birth=birth_text(born, precision),
        sex=str(sex) if sex else None,
        postcode=postcode,
        address=address,
        town=None,
        phone=phone,
        email=None,
    )


def all_records(session: Session) -> Iterator[PersonRecord]:
    """Yield every person not merged into another, in id order, streamed in batches."""
    result = session.execute(_query(true()).execution_options(yield_per=BATCH))
    for row in result:
        yield _record(tuple(row))


def records_for(session: Session, ids: Iterable[int]) -> list[PersonRecord]:
    """Return the records of these persons (those merged into another are left out)."""
    wanted = list(ids)
    if not wanted:
        return []
    return [_record(tuple(row)) for row in session.execute(_query(Person.id.in_(wanted)))]
