"""The person record."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from harbour.db import Base, Timestamps


class Sex(enum.StrEnum):
    female = "female"
    male = "male"
    other = "other"
    unknown = "unknown"


class Person(Timestamps, Base):
    """A child or adult. Owned by the organisation and team that recorded them."""

    __tablename__ = "person"
    __view_action__ = "person.view"
    __scope_columns__ = {
        "organisation": "organisation_id",
        "team": "team_id",
        "owner": "created_by_id",
    }
    __table_args__ = (Index("ix_person_names", "family_name", "given_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    given_name: Mapped[str | None] = mapped_column(String(100))
    family_name: Mapped[str | None] = mapped_column(String(100))
    date_of_birth: Mapped[date | None]
    sex: Mapped[Sex] = mapped_column(
        Enum(Sex, name="sex", native_enum=False, length=20, validate_strings=True),
        default=Sex.unknown,
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    @property
    def display_name(self) -> str:
        family = (self.family_name or "").upper()
        given = self.given_name or ""
        if family and given:
            return f"{family}, {given}"
        return family or given or "Unnamed person"
