"""The import format: one Pydantic model per record kind, with the rules every line must meet.

See docs/import-format.md. Times without an offset are read as the force's local time
(Europe/London by default); a time after now is refused. Unknown fields are refused so that a
misspelt field name is reported rather than silently dropped.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from harbour import clock
from harbour.episodes.models import Outcome
from harbour.people.models import (
    CARE_BASES,
    ETHNICITIES,
    FLAGS,
    PHONE_RULE,
    AssociationType,
    DatePrecision,
    PlaceType,
    Sex,
    is_phone,
)
from harbour.risk.grades import RiskGrade
from harbour.risk.schemas import RiskAnswers
from harbour.settings import get_settings

KINDS = ("place", "vehicle", "person", "episode", "call", "association")
ExternalId = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[^\s\x00]+$")]
Text = Annotated[str, Field(max_length=10_000)]
Short = Annotated[str, Field(max_length=200)]


def _to_utc(value: Any) -> Any:
    if value is None or isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(
                f"{value!r} is not an ISO 8601 time such as 2026-03-14T21:40"
            ) from None
    else:
        raise ValueError("a time must be written as text, such as 2026-03-14T21:40:00Z")
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = _local(parsed, value)
    try:
        parsed = parsed.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+01:00 is in year 0, which Python has no room for
        raise ValueError(f"{value} is outside the years 1 to 9999") from None
    if parsed.year < 1900:
        raise ValueError(f"{value} is before 1900: no missing-person record is that old")
    if parsed > clock.now():
        raise ValueError(f"{value} is in the future")
    return parsed


def _local(naive: datetime, value: object) -> datetime:
    """A time without an offset is the force's local time; one the spring change skipped, or one
    the autumn change repeats, is refused rather than guessed: the line must give its offset."""
    zone = get_settings().zone
    first, second = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    try:
        back = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    except OverflowError:
        return first  # the years check reports it
    if back != naive:
        raise ValueError(
            f"{value} did not happen in local time (the clocks went forward): give the offset, "
            "for example +01:00, or the time in UTC with Z"
        )
    if first.utcoffset() != second.utcoffset():
        raise ValueError(
            f"{value} happened twice in local time (the clocks went back): give the offset, "
            "+01:00 for the first or +00:00 for the second"
        )
    return first


Time = Annotated[datetime, BeforeValidator(_to_utc)]


class Line(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: str
    id: ExternalId


class PlaceLine(Line):
    kind: Literal["place"]
    type: PlaceType
    name: Short | None = None
    address: Annotated[str, Field(max_length=300)] | None = None
    postcode: Annotated[str, Field(max_length=10)] | None = None
    borough: Annotated[str, Field(max_length=60)] | None = None
    lat: Annotated[float, Field(ge=-90, le=90)] | None = None
    lon: Annotated[float, Field(ge=-180, le=180)] | None = None

    @model_validator(mode="after")
    def _named(self) -> PlaceLine:
        if not (self.name or self.address):
            raise ValueError("a place needs a name or an address")
        return self


class VehicleLine(Line):
    kind: Literal["vehicle"]
    registration: Annotated[str, Field(min_length=2, max_length=16)]
    make: Annotated[str, Field(max_length=60)] | None = None
    colour: Annotated[str, Field(max_length=30)] | None = None

    @field_validator("registration")
    @classmethod
    def _plate(cls, value: str) -> str:
        plate = re.sub(r"\s+", "", value).upper()
        if not re.fullmatch(r"[A-Z0-9]{2,10}", plate):
            raise ValueError(f"{value!r} is not a vehicle registration (letters and digits)")
        return plate


def parse_partial_date(value: str) -> tuple[date, DatePrecision]:
    """Read YYYY-MM-DD, YYYY-MM or YYYY; return the first day it could be and the precision."""
    text = value.strip()
    try:
        if re.fullmatch(r"\d{4}", text):
            return date(int(text), 1, 1), DatePrecision.year
        if re.fullmatch(r"\d{4}-\d{2}", text):
            year, month = text.split("-")
            return date(int(year), int(month), 1), DatePrecision.month
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text), DatePrecision.day
    except ValueError:
        pass
    raise ValueError(f"{value!r} is not a date of birth such as 2011-03-14, 2011-03 or 2011")


class PersonLine(Line):
    kind: Literal["person"]
    given_name: Annotated[str, Field(max_length=100)] | None = None
    family_name: Annotated[str, Field(max_length=100)] | None = None
    aliases: list[Annotated[str, Field(max_length=200)]] = Field(
        default_factory=list, max_length=50
    )
    date_of_birth: str | None = None
    sex: Sex = Sex.unknown
    ethnicity: str | None = None
    observed_ethnicity: str | None = None
    home: ExternalId | None = None
    phones: list[Annotated[str, Field(max_length=30)]] = Field(default_factory=list, max_length=20)
    looked_after: bool | None = None
    # The legal basis on which a looked-after child is looked after (people.models.CareBasis):
    # a care order, an EPO or police protection makes them "in care" for a CAWN, s20 does not.
    care_basis: str | None = None
    local_authority: Annotated[str, Field(max_length=100)] | None = None
    flags: list[str] = Field(default_factory=list, max_length=20)
    philomena: dict[str, Any] | None = None
    herbert: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _checks(self) -> PersonLine:
        if not (self.given_name or self.family_name):
            raise ValueError("a person needs a given_name or a family_name")
        if self.date_of_birth is not None:
            born, _ = parse_partial_date(self.date_of_birth)
            if born > clock.now().date():
                raise ValueError(f"date_of_birth {self.date_of_birth} is in the future")
        for field in ("ethnicity", "observed_ethnicity"):
            value = getattr(self, field)
            if value is not None and value not in ETHNICITIES:
                raise ValueError(
                    f"{field} {value!r} is not one of the 2021 Census codes (see the format guide)"
                )
        if self.care_basis is not None:
            if self.care_basis not in CARE_BASES:
                raise ValueError(
                    f"care_basis {self.care_basis!r} is not one of {', '.join(CARE_BASES)}"
                )
            if self.looked_after is False:
                raise ValueError(
                    "care_basis is given but looked_after is false: a child with a legal basis "
                    "for care is looked after (leave looked_after out, or set it true)"
                )
        unknown = [f for f in self.flags if f not in FLAGS]
        if unknown:
            raise ValueError(f"unknown flag(s) {', '.join(map(repr, unknown))}")
        bad_phones = [p for p in self.phones if not is_phone(p)]
        if bad_phones:
            raise ValueError(f"{bad_phones[0]!r} is not a phone number (it needs {PHONE_RULE})")
        return self


class ReportedBy(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Short | None = None
    relationship: Annotated[str, Field(max_length=100)] | None = None
    phone: Annotated[str, Field(max_length=30)] | None = None


class Interview(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Text | None = None
    disclosures: list[Short] = Field(default_factory=list)
    held_at: Time | None = None
    face_to_face: bool | None = None  # the safe-and-well check seen in person


class ReturnInterview(BaseModel):
    model_config = ConfigDict(extra="forbid")

    offered_at: Time | None = None
    held_at: Time | None = None
    declined: bool | None = None
    text: Text | None = None
    disclosures: list[Short] = Field(default_factory=list)


class EpisodeLine(Line):
    kind: Literal["episode"]
    person: ExternalId
    reported_at: Time
    reported_by: ReportedBy | None = None
    last_seen_at: Time | None = None
    last_seen_place: ExternalId | None = None
    last_seen_text: Text | None = None
    circumstances: Text | None = None
    risk_answers: RiskAnswers | None = None
    # "absent", the withdrawn APP category, is kept as history, not read as very low.
    risk_grade: RiskGrade | Literal["absent"] | None = None
    found_at: Time | None = None
    found_place: ExternalId | None = None
    found_text: Text | None = None
    found_with: list[ExternalId] = Field(default_factory=list, max_length=50)
    found_by: Short | None = None
    outcome: Outcome | None = None
    prevention_interview: Interview | None = None
    rhi: ReturnInterview | None = None

    @model_validator(mode="after")
    def _order(self) -> EpisodeLine:
        if self.last_seen_at and self.last_seen_at > self.reported_at:
            raise ValueError("last_seen_at is after reported_at")
        if self.found_at and self.last_seen_at and self.found_at < self.last_seen_at:
            raise ValueError("found_at is before last_seen_at")
        if self.found_at is None and self.outcome not in (None, Outcome.ongoing):
            raise ValueError(f"outcome {self.outcome.value} needs found_at")
        if self.found_at is not None and self.outcome is Outcome.ongoing:
            raise ValueError("an ongoing episode cannot have found_at")
        return self


class CallLine(Line):
    kind: Literal["call"]
    received_at: Time
    narrative: Annotated[str, Field(min_length=1, max_length=20_000)]
    caller: Short | None = None
    location: dict[str, str] | str | None = None
    reference: Annotated[str, Field(max_length=40)] | None = None
    outcome: Annotated[str, Field(max_length=60)] | None = None

    @field_validator("location")
    @classmethod
    def _location(cls, value: dict[str, str] | str | None) -> dict[str, str] | str | None:
        if isinstance(value, dict) and set(value) != {"place"}:
            raise ValueError('location is a text or {"place": "<place id>"}')
        return value


class AssociationLine(Line):
    kind: Literal["association"]
    subject: ExternalId
    object: dict[str, str]
    type: AssociationType
    source: Short | dict[str, str] | None = None
    observed_at: Time | None = None

    @field_validator("object")
    @classmethod
    def _one_object(cls, value: dict[str, str]) -> dict[str, str]:
        if len(value) != 1 or next(iter(value)) not in ("person", "place", "vehicle", "phone"):
            raise ValueError(
                'object must be exactly one of {"person": id}, {"place": id}, {"vehicle": id}, '
                '{"phone": "number"}'
            )
        phone = value.get("phone")
        if phone is not None and not is_phone(phone):
            raise ValueError(f"{phone!r} is not a phone number (it needs {PHONE_RULE})")
        return value

    @field_validator("source")
    @classmethod
    def _source(cls, value: str | dict[str, str] | None) -> str | dict[str, str] | None:
        if isinstance(value, dict) and (
            len(value) != 1 or next(iter(value)) not in ("episode", "call")
        ):
            raise ValueError('source is free text, {"episode": id} or {"call": id}')
        return value


LINE_MODELS: dict[str, type[Line]] = {
    "place": PlaceLine,
    "vehicle": VehicleLine,
    "person": PersonLine,
    "episode": EpisodeLine,
    "call": CallLine,
    "association": AssociationLine,
}


def references(line: Line) -> list[tuple[str, str]]:
    """List the (kind, external id) records a line refers to."""
    refs: list[tuple[str, str]] = []
    if isinstance(line, PersonLine) and line.home:
        refs.append(("place", line.home))
    elif isinstance(line, EpisodeLine):
        refs.append(("person", line.person))
        refs += [("place", p) for p in (line.last_seen_place, line.found_place) if p]
        refs += [("person", p) for p in line.found_with]
    elif isinstance(line, CallLine) and isinstance(line.location, dict):
        refs.append(("place", line.location["place"]))
    elif isinstance(line, AssociationLine):
        refs.append(("person", line.subject))
        kind, value = next(iter(line.object.items()))
        if kind != "phone":
            refs.append((kind, value))
        if isinstance(line.source, dict):
            source_kind, source_id = next(iter(line.source.items()))
            refs.append((source_kind, source_id))
    return refs
