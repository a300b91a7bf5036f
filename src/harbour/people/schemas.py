"""API and form shapes for people."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from harbour import clock, timefmt
from harbour.people.models import (
    ETHNICITIES,
    FLAGS,
    PHONE_RULE,
    CareBasis,
    Sex,
    is_phone,
    normalise_phone,
)
from harbour.validation import Day, Input

Name = Field(default=None, max_length=100)


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


def _check_birth(value: date | None) -> date | None:
    if value is None:
        return None
    if value > timefmt.local(clock.now()).date():
        raise ValueError("Date of birth must be today or in the past")
    if value.year < 1900:
        raise ValueError("Date of birth must be after 1900")
    return value


NAME_NEEDED = "Enter a given name or a family name"


class PersonFields(BaseModel):
    given_name: str | None = Name
    family_name: str | None = Name
    date_of_birth: Day | None = Field(
        default=None, description="Between 1 January 1900 and today (UK time)"
    )
    sex: Sex = Sex.unknown

    _names = field_validator("given_name", "family_name")(_clean)
    _dob = field_validator("date_of_birth")(_check_birth)


# One of the two names, with a letter or figure in it: what PersonCreate checks, stated in the
# API's document.
_SOME_NAME: dict[str, Any] = {
    "anyOf": [
        {"required": [name], "properties": {name: {"type": "string", "pattern": "\\S"}}}
        for name in ("given_name", "family_name")
    ]
}


class PersonCreate(PersonFields):
    """A new person."""

    model_config = ConfigDict(json_schema_extra=_SOME_NAME)

    @model_validator(mode="after")
    def _some_name(self) -> PersonCreate:
        if not self.given_name and not self.family_name:
            raise ValueError(NAME_NEEDED)
        return self


def _clean_aliases(value: list[str] | None) -> list[str] | None:
    if value is None:
        return None
    seen: dict[str, str] = {}
    for alias in value:
        cleaned = _clean(alias)
        if cleaned and cleaned.lower() not in seen:
            if len(cleaned) > 100:
                raise ValueError("Each other name must be 100 characters or fewer")
            seen[cleaned.lower()] = cleaned
    if len(seen) > 20:
        raise ValueError("Record up to 20 other names")
    return list(seen.values())


def _check_ethnicity(value: str | None) -> str | None:
    if value in (None, ""):
        return None
    if value not in ETHNICITIES:
        raise ValueError("Choose an ethnic group from the list (the 2021 Census groups)")
    return value


def _clean_phones(value: list[str] | None) -> list[str] | None:
    if value is None:
        return None
    numbers: list[str] = []
    for typed in value:
        if not typed.strip():
            continue
        if not is_phone(typed):
            raise ValueError(f"{typed.strip()[:30]} is not a phone number: enter {PHONE_RULE}")
        number = normalise_phone(typed)
        if number not in numbers:
            numbers.append(number)
    if len(numbers) > 10:
        raise ValueError("Record up to 10 phone numbers")
    return numbers


class PersonUpdate(PersonFields):
    """A change to a person: only the fields sent are changed.

    `version` is the one the editor saw (optimistic locking). Other names, the self-defined and
    observed ethnicity (the 19 groups of the 2021 Census) and phones are kept in Harbour too.
    The person must keep a given or a family name: clearing the only one is refused.
    """

    version: int = Field(ge=1)
    aliases: list[str] | None = None
    ethnicity: str | None = None
    observed_ethnicity: str | None = None
    phones: list[str] | None = None

    _aliases = field_validator("aliases")(_clean_aliases)
    _ethnicities = field_validator("ethnicity", "observed_ethnicity")(_check_ethnicity)
    _phones = field_validator("phones")(_clean_phones)

    def changes(self) -> dict[str, object]:
        """Return the fields that were sent, without the version."""
        return self.model_dump(exclude={"version"}, exclude_unset=True)


REVIEW_NEEDED = "Enter a review date for {label}"
REVIEW_PAST = "The review date for {label} must be today or in the future"


class MarkersUpdate(Input):
    """The warning markers and flags on a record, each with the date it is next reviewed."""

    summary: ClassVar[str] = "Check the warning markers"
    version: int = Field(ge=1)
    markers: dict[str, date | None] = Field(default_factory=dict)

    @field_validator("markers")
    @classmethod
    def _known(cls, value: dict[str, date | None]) -> dict[str, date | None]:
        unknown = sorted(set(value) - set(FLAGS))
        if unknown:
            raise ValueError(f"Not a warning marker Harbour knows: {', '.join(unknown)}")
        return value

    @classmethod
    def rules(cls, values: Mapping[str, Any]) -> dict[str, str]:
        today = timefmt.local(clock.now()).date()
        errors: dict[str, str] = {}
        for code, review_on in (values.get("markers") or {}).items():
            label = FLAGS.get(code, code)
            if review_on is None:
                errors[f"review_{code}"] = REVIEW_NEEDED.format(label=label.lower())
            elif isinstance(review_on, date) and review_on < today:
                errors[f"review_{code}"] = REVIEW_PAST.format(label=label.lower())
        return errors


EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class CareUpdate(Input):
    """Whether a person is looked after, on what legal basis, by which local authority, and
    their social worker."""

    summary: ClassVar[str] = "Check the looked-after status"
    version: int = Field(ge=1)
    looked_after: bool | None = None
    care_basis: CareBasis | None = None
    local_authority: str | None = Field(default=None, max_length=100)
    social_worker_name: str | None = Field(default=None, max_length=100)
    social_worker_phone: str | None = None
    social_worker_email: str | None = Field(default=None, max_length=254)

    _text = field_validator("local_authority", "social_worker_name", "social_worker_email")(_clean)

    @field_validator("care_basis", mode="before")
    @classmethod
    def _basis(cls, value: object) -> object:
        if value in (None, ""):
            return None
        if value not in set(CareBasis):
            raise ValueError("Choose the legal basis from the list")
        return value

    @field_validator("social_worker_phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if not value or not value.strip():
            return None
        if not is_phone(value):
            raise ValueError(f"Enter the social worker's phone number: {PHONE_RULE}")
        return normalise_phone(value)

    @field_validator("social_worker_email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value and not EMAIL.fullmatch(value):
            raise ValueError("Enter the social worker's email address, like name@council.gov.uk")
        return value

    @classmethod
    def rules(cls, values: Mapping[str, Any]) -> dict[str, str]:
        errors: dict[str, str] = {}
        if values.get("looked_after") is True:
            if not values.get("care_basis"):
                errors["care_basis"] = "Select the legal basis on which they are looked after"
            if not _clean(values.get("local_authority")):
                errors["local_authority"] = "Enter the local authority responsible for them"
        return errors


class PersonRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    given_name: str | None
    family_name: str | None
    date_of_birth: date | None
    sex: Sex
    organisation_id: int
    team_id: int | None
    version: int
    created_at: datetime
    updated_at: datetime


class PersonPage(BaseModel):
    items: list[PersonRead]
    total: int
    page: int
    per_page: int


# -- addresses over time ---------------------------------------------------------------------

RESIDENCES: dict[str, str] = {
    "home": "A family or own home",
    "foster_home": "A foster home",
    "care_home": "A children's home or care home",
    "hostel": "A hostel or supported housing",
    "mental_health_unit": "A hospital or mental health unit",
    "other": "Somewhere else",
}
POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][0-9A-Z]? ?[0-9][A-Z]{2}")


def _today() -> date:
    return timefmt.local(clock.now()).date()


class AddressAdd(Input):
    """An address the person lives or lived at: a place Harbour holds (by its record number) or
    a new one, from a day (if known) and, for a past address, to a day."""

    summary: ClassVar[str] = "Check the address"
    version: int = Field(ge=1)
    place_id: int | None = None
    type: str | None = None
    address: str | None = Field(default=None, max_length=300)
    postcode: str | None = None
    borough: str | None = Field(default=None, max_length=60)
    from_on: date | None = None
    to_on: date | None = None

    _text = field_validator("address", "borough")(_clean)

    @field_validator("postcode")
    @classmethod
    def _postcode(cls, value: str | None) -> str | None:
        cleaned = _clean(value)
        if cleaned is None:
            return None
        upper = cleaned.upper()
        if not POSTCODE.fullmatch(upper):
            raise ValueError("Enter a real postcode, like SE1 7PB")
        return upper if " " in upper else f"{upper[:-3]} {upper[-3:]}"

    @classmethod
    def rules(cls, values: Mapping[str, Any]) -> dict[str, str]:
        errors: dict[str, str] = {}
        if values.get("place_id") is None:
            if not _clean(values.get("address")):
                errors["address"] = "Enter the address, or the record number of a place"
            if values.get("type") not in RESIDENCES:
                errors["type"] = "Select what kind of place it is"
        start, end = values.get("from_on"), values.get("to_on")
        today = _today()
        if isinstance(start, date) and start > today:
            errors["from_on"] = "The date they moved in must be today or in the past"
        if isinstance(end, date):
            if end > today:
                errors["to_on"] = "The date they moved out must be today or in the past"
            elif isinstance(start, date) and end < start:
                errors["to_on"] = "The date they moved out must be on or after they moved in"
        return errors


class AddressEnd(Input):
    """The day a person stopped living at an address: `address` is its id, or "home" for a
    home recorded before addresses were kept over time."""

    summary: ClassVar[str] = "Check the date they moved out"
    version: int = Field(ge=1)
    address: str = Field(min_length=1, max_length=12)
    to_on: date | None = None

    @classmethod
    def rules(cls, values: Mapping[str, Any]) -> dict[str, str]:
        end = values.get("to_on")
        if end is None:
            return {"to_on": "Enter the date they moved out"}
        if isinstance(end, date) and end > _today():
            return {"to_on": "The date they moved out must be today or in the past"}
        return {}
