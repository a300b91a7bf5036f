"""Calls for service."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from harbour.db import Base, Timestamps


class Call(Timestamps, Base):
    """A call to the force, with its free-text narrative."""

    __tablename__ = "call"
    __view_action__ = "person.view"
    __scope_columns__ = {"organisation": "organisation_id"}

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(index=True)
    narrative: Mapped[str] = mapped_column(Text)
    caller: Mapped[str | None] = mapped_column(String(200))
    location_place_id: Mapped[int | None] = mapped_column(ForeignKey("place.id"), index=True)
    location_text: Mapped[str | None] = mapped_column(Text)
    reference: Mapped[str | None] = mapped_column(String(40), index=True)
    outcome: Mapped[str | None] = mapped_column(String(60))
    imported: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
