"""Missing episodes and the people a missing person was found with."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from harbour.db import Base, Timestamps
from harbour.risk.grades import RiskGrade


class Outcome(enum.StrEnum):
    found_safe = "found_safe"
    found_harmed = "found_harmed"
    found_dead = "found_dead"
    returned = "returned"
    ongoing = "ongoing"
    other = "other"


class EpisodeStatus(enum.StrEnum):
    missing = "missing"
    found = "found"
    closed = "closed"


def _enum(kind: type[enum.Enum], name: str) -> Enum:
    return Enum(kind, name=name, native_enum=False, length=20, validate_strings=True)


class Episode(Timestamps, Base):
    """One time a person was reported missing."""

    __tablename__ = "episode"
    __view_action__ = "person.view"
    __scope_columns__ = {"organisation": "organisation_id", "team": "team_id"}
    __table_args__ = (
        Index("ix_episode_person_reported", "person_id", "reported_at"),
        Index("ix_episode_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    status: Mapped[EpisodeStatus] = mapped_column(_enum(EpisodeStatus, "episode_status"))
    reported_at: Mapped[datetime]
    reporter_name: Mapped[str | None] = mapped_column(String(200))
    reporter_relationship: Mapped[str | None] = mapped_column(String(100))
    reporter_phone: Mapped[str | None] = mapped_column(String(30))
    last_seen_at: Mapped[datetime | None]
    last_seen_place_id: Mapped[int | None] = mapped_column(ForeignKey("place.id"), index=True)
    last_seen_text: Mapped[str | None] = mapped_column(Text)
    circumstances: Mapped[str | None] = mapped_column(Text)
    risk_answers: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    risk_grade: Mapped[RiskGrade | None] = mapped_column(_enum(RiskGrade, "risk_grade"))
    found_at: Mapped[datetime | None]
    found_place_id: Mapped[int | None] = mapped_column(ForeignKey("place.id"), index=True)
    found_text: Mapped[str | None] = mapped_column(Text)
    found_by: Mapped[str | None] = mapped_column(String(200))
    outcome: Mapped[Outcome | None] = mapped_column(_enum(Outcome, "episode_outcome"))
    prevention_interview: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    rhi: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    imported: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class EpisodeCompanion(Base):
    """Someone a missing person was found with."""

    __tablename__ = "episode_companion"
    __table_args__ = (UniqueConstraint("episode_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(
        ForeignKey("episode.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
