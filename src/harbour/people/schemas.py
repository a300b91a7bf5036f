"""API and form shapes for people."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from harbour import clock, timefmt
from harbour.people.models import Sex

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


class PersonFields(BaseModel):
    given_name: str | None = Name
    family_name: str | None = Name
    date_of_birth: date | None = None
    sex: Sex = Sex.unknown

    _names = field_validator("given_name", "family_name")(_clean)
    _dob = field_validator("date_of_birth")(_check_birth)

    @model_validator(mode="after")
    def _some_name(self) -> PersonFields:
        if not self.given_name and not self.family_name:
            raise ValueError("Enter a given name or a family name")
        return self


class PersonCreate(PersonFields):
    """A new person."""


class PersonUpdate(PersonFields):
    """A change to a person; `version` is the one the editor saw (optimistic locking)."""

    version: int = Field(ge=1)


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
