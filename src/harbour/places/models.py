"""Places (homes, care homes, hotels, stations, …) and vehicles."""

from __future__ import annotations

import enum

from sqlalchemy import Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from harbour.db import Base, Timestamps


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
