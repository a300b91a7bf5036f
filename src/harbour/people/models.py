"""The entity records: people and their phones, places and vehicles, the links recorded between
them (what the network is built from), and the external ids that imports gave each record."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Enum,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.elements import KeyedColumnElement

from harbour import clock, timefmt
from harbour.access.agreements import AgreementPerson
from harbour.db import Base, Timestamps
from harbour.linkage.prepare import name_keys
from harbour.people.vocabulary import CARE_BASES as CARE_BASES
from harbour.people.vocabulary import CHILD_AGE as CHILD_AGE
from harbour.people.vocabulary import ETHNICITIES as ETHNICITIES
from harbour.people.vocabulary import FLAGS as FLAGS
from harbour.people.vocabulary import IN_CARE_S49 as IN_CARE_S49
from harbour.people.vocabulary import CareBasis as CareBasis


class Sex(enum.StrEnum):
    female = "female"
    male = "male"
    other = "other"
    unknown = "unknown"


class DatePrecision(enum.StrEnum):
    """How much of a date of birth is known: YYYY-MM-DD, YYYY-MM or YYYY."""

    day = "day"
    month = "month"
    year = "year"


@dataclass(frozen=True)
class Marker:
    """A warning marker or flag on a person's record, with the day it is next reviewed."""

    code: str
    label: str
    review_on: date | None = None

    @property
    def review_due(self) -> bool:
        """Whether the review day has come (today or earlier, in UK local time)."""
        return self.review_on is not None and self.review_on <= timefmt.local(clock.now()).date()


class Person(Timestamps, Base):
    """A child or adult. Owned by the organisation and team that recorded them."""

    __tablename__ = "person"
    __view_action__ = "person.view"
    __scope_columns__ = {
        "organisation": "organisation_id",
        "team": "team_id",
        "owner": "created_by_id",
        "person": "id",
    }
    # An information-sharing agreement shares a person by their identity (always shared).
    __shared_field__ = "identity"
    __table_args__ = (
        Index("ix_person_names", "family_name", "given_name"),
        # Intake look-ups block on these (the identity model's blocking rules), by index.
        Index("ix_person_family_sx_dob", "family_sx", "date_of_birth"),
        Index("ix_person_given_sx_dob", "given_sx", "date_of_birth"),
        Index(
            "ix_person_merged_into_id",
            "merged_into_id",
            postgresql_where=text("merged_into_id IS NOT NULL"),
            sqlite_where=text("merged_into_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    given_name: Mapped[str | None] = mapped_column(String(100))
    family_name: Mapped[str | None] = mapped_column(String(100))
    date_of_birth: Mapped[date | None]
    dob_precision: Mapped[DatePrecision | None] = mapped_column(
        Enum(DatePrecision, name="date_precision", native_enum=False, length=10)
    )
    aliases: Mapped[list[str] | None] = mapped_column(JSON)
    ethnicity: Mapped[str | None] = mapped_column(String(40))
    observed_ethnicity: Mapped[str | None] = mapped_column(String(40))
    home_place_id: Mapped[int | None] = mapped_column(ForeignKey("place.id"), index=True)
    looked_after: Mapped[bool | None]
    care_basis: Mapped[CareBasis | None] = mapped_column(
        Enum(CareBasis, name="care_basis", native_enum=False, length=40, validate_strings=True)
    )
    local_authority: Mapped[str | None] = mapped_column(String(100))
    social_worker_name: Mapped[str | None] = mapped_column(String(100))
    social_worker_phone: Mapped[str | None] = mapped_column(String(20))
    social_worker_email: Mapped[str | None] = mapped_column(String(254))
    flags: Mapped[list[str] | None] = mapped_column(JSON)
    # When each flag is next reviewed: {code: "YYYY-MM-DD"}.
    flag_reviews: Mapped[dict[str, str] | None] = mapped_column(JSON)
    philomena: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    herbert: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    sex: Mapped[Sex] = mapped_column(
        Enum(Sex, name="sex", native_enum=False, length=20, validate_strings=True),
        default=Sex.unknown,
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(default=1)
    # Soundex codes of the names and their order-free pair: kept in step with the names below.
    given_sx: Mapped[str | None] = mapped_column(String(4))
    family_sx: Mapped[str | None] = mapped_column(String(4))
    names_key: Mapped[str | None] = mapped_column(String(9), index=True)
    # Set when this record was merged into another: the survivor holds its history meanwhile.
    # Indexed only where set (a few rows): an index of a million NULLs would tempt a planner
    # without statistics to read every person through it for "IS NULL".
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))

    __mapper_args__ = {"version_id_col": version}

    def refresh_keys(self) -> None:
        """Recompute the name keys from the names (called before every insert and update)."""
        self.given_sx, self.family_sx, self.names_key = name_keys(self.given_name, self.family_name)

    @property
    def display_name(self) -> str:
        family = (self.family_name or "").upper()
        given = self.given_name or ""
        if family and given:
            return f"{family}, {given}"
        return family or given or "Unnamed person"

    @property
    def age(self) -> int | None:
        """Age in whole years today, when the date of birth is known."""
        return timefmt.age(self.date_of_birth)

    @property
    def is_child(self) -> bool:
        """Under 18 today; someone whose age is not known is not taken to be a child here."""
        age = self.age
        return age is not None and age < CHILD_AGE

    @property
    def markers(self) -> list[Marker]:
        """The record's warning markers and flags, in the order of FLAGS, unknown codes last."""
        codes = list(self.flags or [])
        order = {code: i for i, code in enumerate(FLAGS)}
        codes.sort(key=lambda c: (order.get(c, len(order)), c))
        reviews = self.flag_reviews or {}
        return [
            Marker(
                c,
                FLAGS.get(c, c.replace("_", " ").capitalize()),
                date.fromisoformat(reviews[c]) if reviews.get(c) else None,
            )
            for c in codes
        ]

    @property
    def care_basis_label(self) -> str | None:
        """The legal basis of a looked-after child, in words."""
        return CARE_BASES[self.care_basis.value] if self.care_basis else None

    @property
    def in_care(self) -> bool:
        """In care for section 49 of the Children Act 1989: looked after under a care order, an
        interim care order, an emergency protection order or in police protection."""
        return bool(self.looked_after) and self.care_basis in IN_CARE_S49


@event.listens_for(Person, "before_insert")
@event.listens_for(Person, "before_update")
def _keys_follow_names(_mapper: object, _connection: object, person: Person) -> None:
    person.refresh_keys()


class PersonPhone(Base):
    """A phone number a person uses, stored as digits with a leading + for international form."""

    __tablename__ = "person_phone"
    __table_args__ = (UniqueConstraint("person_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(20), index=True)


def normalise_phone(value: str) -> str:
    """Reduce a UK phone number to one form: '07700 900123' becomes '+447700900123'."""
    digits = "".join(ch for ch in value if ch.isdigit())
    if value.strip().startswith("+"):
        return "+" + digits
    if digits.startswith("00"):
        return "+" + digits[2:]
    if digits.startswith("0"):
        return "+44" + digits[1:]
    return digits


def normalise_registration(value: str) -> str:
    """A vehicle registration in one form, as the importer stores it: 'ab12 cde' is 'AB12CDE'."""
    return "".join(value.split()).upper()


def registration_forms(value: str) -> set[str]:
    """The forms a registration may be stored in: as the importer stores it, and as links
    entered by hand kept it before they were stored the same way ('AB12 CDE')."""
    return {normalise_registration(value), " ".join(value.upper().split())}


PHONE_RULE = "6 to 15 digits, counting a country code"


def is_phone(value: str) -> bool:
    """Whether a number as typed is a phone number: 6 to 15 digits once in international form
    (E.164 allows no more than 15, which also keeps it inside the 20-character columns)."""
    return 6 <= len(normalise_phone(value).lstrip("+")) <= 15


# -- places and vehicles ---------------------------------------------------------------------


class PlaceType(enum.StrEnum):
    home = "home"
    care_home = "care_home"
    foster_home = "foster_home"
    school = "school"
    hotel = "hotel"
    hostel = "hostel"
    station = "station"
    shop = "shop"
    fast_food = "fast_food"
    park = "park"
    hospital = "hospital"
    mental_health_unit = "mental_health_unit"
    other = "other"


class Place(Timestamps, Base):
    """A place, owned by the organisation that recorded it."""

    __tablename__ = "place"
    __view_action__ = "place.view"
    __scope_columns__ = {"organisation": "organisation_id"}
    __table_args__ = (Index("ix_place_postcode", "postcode"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[PlaceType] = mapped_column(
        Enum(PlaceType, name="place_type", native_enum=False, length=30, validate_strings=True)
    )
    name: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(300))
    postcode: Mapped[str | None] = mapped_column(String(10))
    borough: Mapped[str | None] = mapped_column(String(60), index=True)
    # The police force area, when outside the force's own (a town goes in `borough`).
    force: Mapped[str | None] = mapped_column(String(60))
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    @property
    def label(self) -> str:
        parts = [p for p in (self.name, self.address, self.postcode) if p]
        return ", ".join(parts) or f"Place {self.id}"


class Vehicle(Timestamps, Base):
    """A vehicle, found by its registration (stored upper-case without spaces)."""

    __tablename__ = "vehicle"
    __view_action__ = "place.view"
    __scope_columns__ = {"organisation": "organisation_id"}

    id: Mapped[int] = mapped_column(primary_key=True)
    registration: Mapped[str] = mapped_column(String(16), index=True)
    make: Mapped[str | None] = mapped_column(String(60))
    colour: Mapped[str | None] = mapped_column(String(30))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


# -- links between people, places, vehicles and phones -----------------------------------------


class AssociationType(enum.StrEnum):
    associate = "associate"
    family = "family"
    carer = "carer"
    professional = "professional"
    seen_at = "seen_at"
    found_at = "found_at"
    frequents = "frequents"
    uses_phone = "uses_phone"
    in_vehicle = "in_vehicle"


# The national intelligence grading (3x5x2, College of Policing APP on intelligence management).
SOURCE_EVALUATION = {
    "1": "Reliable",
    "2": "Untested",
    "3": "Not reliable",
}
INTELLIGENCE_ASSESSMENT = {
    "A": "Known directly to the source",
    "B": "Known indirectly to the source but corroborated",
    "C": "Known indirectly to the source",
    "D": "Not known",
    "E": "Suspected to be false",
}
HANDLING_CODE = {
    "P": "Lawful sharing permitted",
    "C": "Lawful sharing permitted with conditions",
}


class Association(Timestamps, Base):
    """A link from a person (the subject) to exactly one person, place, vehicle or phone."""

    __tablename__ = "association"
    __view_action__ = "person.view"
    __scope_columns__ = {"organisation": "organisation_id"}
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN object_person_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN object_place_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN object_vehicle_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN object_phone IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_object",
        ),
        Index("ix_association_object_phone", "object_phone"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    object_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    object_place_id: Mapped[int | None] = mapped_column(ForeignKey("place.id"), index=True)
    object_vehicle_id: Mapped[int | None] = mapped_column(ForeignKey("vehicle.id"), index=True)
    object_phone: Mapped[str | None] = mapped_column(String(20))
    type: Mapped[AssociationType] = mapped_column(
        Enum(AssociationType, name="association_type", native_enum=False, length=20)
    )
    source_episode_id: Mapped[int | None] = mapped_column(ForeignKey("episode.id"), index=True)
    source_call_id: Mapped[int | None] = mapped_column(ForeignKey("call.id"), index=True)
    source_text: Mapped[str | None] = mapped_column(Text)
    observed_at: Mapped[datetime | None]
    imported: Mapped[bool] = mapped_column(default=False)
    # Intelligence entered by hand: who recorded it, and its national 3x5x2 grading.
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    intel_source: Mapped[str | None] = mapped_column(String(1))  # 1, 2, 3
    intel_assessment: Mapped[str | None] = mapped_column(String(1))  # A to E
    intel_handling: Mapped[str | None] = mapped_column(String(1))  # P or C


# -- external ids: which record each imported id became, so re-imports update in place ---------


class ImportRef(Base):
    __tablename__ = "import_ref"
    __table_args__ = (
        UniqueConstraint("kind", "external_id"),
        # The other way round: a record's external id, for alerts and exports that name records.
        Index("ix_import_ref_record", "kind", "record_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(100))
    record_id: Mapped[int]
    digest: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(default=clock.now)


# -- addresses over time and photographs of the person --------------------------------------


class PersonAddress(Timestamps, Base):
    """Where a person lived, from when to when. The open period at the person's `home_place_id`
    is their current address (people.addresses keeps the two in step)."""

    __tablename__ = "person_address"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("place.id"), index=True)
    from_on: Mapped[date | None]
    to_on: Mapped[date | None]
    # Copied from the home an import (or the record before addresses were kept) gave, so its
    # start is not known.
    imported: Mapped[bool] = mapped_column(default=False)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class PersonPhoto(Base):
    """A photograph of the person (not of one episode): the newest is their current photo."""

    __tablename__ = "person_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    content_type: Mapped[str] = mapped_column(String(20))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    description: Mapped[str | None] = mapped_column(String(200))
    taken_on: Mapped[date | None]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime]


# -- the columns that name a person ----------------------------------------------------------

_NAMES_A_PERSON: dict[tuple[str, str], Column[Any]] = {}


def names_a_person(*columns: KeyedColumnElement[Any]) -> None:
    """Declare columns of a domain's tables that hold a person's id (`Model.__table__.c.x`).

    Merging two records re-points every declared column to the survivor (identity.merging);
    each domain's models module declares its own, and a merge refuses to run while the database
    holds a column naming a person that nobody declared.
    """
    for column in columns:
        assert isinstance(column, Column), column
        _NAMES_A_PERSON[(column.table.name, column.name)] = column


def person_references() -> list[Column[Any]]:
    """Every declared column that names a person, by table and column name."""
    return [column for _, column in sorted(_NAMES_A_PERSON.items())]


names_a_person(
    PersonPhone.__table__.c.person_id,
    PersonAddress.__table__.c.person_id,
    PersonPhoto.__table__.c.person_id,
    Association.__table__.c.subject_id,
    Association.__table__.c.object_person_id,
)


# A person named on an information-sharing agreement stays named when their record is merged.
names_a_person(AgreementPerson.__table__.c.person_id)
