"""Associations: a person linked to a person, place, vehicle or phone, with its source."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from harbour.db import Base, Timestamps


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
