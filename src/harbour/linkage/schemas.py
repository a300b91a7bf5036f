"""What identity resolution reads and reports: the identifying fields, a person record, results."""

from __future__ import annotations

import enum
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class IdentityField(enum.StrEnum):
    """The identifying fields Harbour's model compares; a file maps its columns onto them."""

    given_name = "given_name"
    family_name = "family_name"
    date_of_birth = "date_of_birth"
    sex = "sex"
    postcode = "postcode"
    address = "address"
    town = "town"
    phone = "phone"
    email = "email"


class PersonRecord(BaseModel):
    """One record of a person as written in a source, before cleaning.

    `aliases` are other names the person is known by ("Given Family", or one name); the date of
    birth is either already a date (`date_of_birth`) or text read with the file's format.
    """

    model_config = ConfigDict(extra="forbid")

    id: str
    given_name: str | None = None
    family_name: str | None = None
    aliases: list[str] = Field(default_factory=list)
    date_of_birth: str | None = None
    sex: str | None = None
    postcode: str | None = None
    address: str | None = None
    town: str | None = None
    phone: str | None = None
    email: str | None = None


class ModelMetadata(BaseModel):
    """What a saved model file says about itself, beside Splink's own settings."""

    format: str = "harbour-identity-model"
    format_version: int
    model_version: str
    trained_at: datetime
    splink_version: str
    fields: list[IdentityField]
    link: bool
    records: int
    threshold: float


class DedupeSummary(BaseModel):
    """The figures `harbour identity dedupe` reports when it finishes."""

    records: int
    clusters: int
    records_in_clusters: int = Field(description="records that share a cluster with another")
    largest_cluster: int
    pairs_linked: int
    pairs_held_apart: int = Field(
        default=0, description="pairs over the threshold not joined: given name and birth differ"
    )
    threshold: float
    unreadable_dates: int
    date_format: str | None
    fields: list[IdentityField]
    seconds: float
