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


NAME_NEEDED = "Enter a given name or a family name"


class PersonFields(BaseModel):
    given_name: str | None = Name
    family_name: str | None = Name
    date_of_birth: date | None = None
    sex: Sex = Sex.unknown

    _names = field_validator("given_name", "family_name")(_clean)
    _dob = field_validator("date_of_birth")(_check_birth)


class PersonCreate(PersonFields):
    """A new person."""

    @model_validator(mode="after")
    def _some_name(self) -> PersonCreate:
        if not self.given_name and not self.family_name:
            raise ValueError(NAME_NEEDED)
        return self


class PersonUpdate(PersonFields):
    """A change to a person: only the fields sent are changed.

    `version` is the one the editor saw (optimistic locking).
    """

    version: int = Field(ge=1)

    def changes(self) -> dict[str, object]:
        """Return the fields that were sent, without the version."""
        return self.model_dump(exclude={"version"}, exclude_unset=True)


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
