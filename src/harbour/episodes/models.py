"""Missing episodes and everything recorded on them: information given, gradings, supervisor
reviews (the clocks), tasks, and the people a missing person was found with."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Enum,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from harbour.db import Base, Timestamps
from harbour.people.models import names_a_person
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
    __scope_columns__ = {
        "organisation": "organisation_id",
        "team": "team_id",
        "person": "person_id",
    }
    # An information-sharing agreement shares a person's episodes (their dates and grade) by this.
    __shared_field__ = "episodes"
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
    # A category from a scheme since withdrawn, kept as history and never read as a grade:
    # "absent" (APP's former "no apparent risk"). An open episode with one still needs a grade.
    legacy_grade: Mapped[str | None] = mapped_column(String(20))
    found_at: Mapped[datetime | None]
    found_place_id: Mapped[int | None] = mapped_column(ForeignKey("place.id"), index=True)
    found_text: Mapped[str | None] = mapped_column(Text)
    found_by: Mapped[str | None] = mapped_column(String(200))
    outcome: Mapped[Outcome | None] = mapped_column(_enum(Outcome, "episode_outcome"))
    prevention_interview: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    rhi: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    imported: Mapped[bool] = mapped_column(default=False)
    # The live workflow (not filled for imported history).
    description: Mapped[str | None] = mapped_column(Text)
    clothing: Mapped[str | None] = mapped_column(Text)
    intentions: Mapped[str | None] = mapped_column(Text)
    found_with_text: Mapped[str | None] = mapped_column(Text)
    found_condition: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    graded_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class EpisodeInformation(Base):
    """One item of information about an episode, with who gave it, their contact and when (APP)."""

    __tablename__ = "episode_information"

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(
        ForeignKey("episode.id", ondelete="CASCADE"), index=True
    )
    topic: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    given_by: Mapped[str] = mapped_column(String(200))
    given_by_contact: Mapped[str | None] = mapped_column(String(200))
    given_at: Mapped[datetime]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime]


class Grading(Base):
    """One risk grading of an episode: never changed, so the history is every row."""

    __tablename__ = "risk_grading"

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(
        ForeignKey("episode.id", ondelete="CASCADE"), index=True
    )
    grade: Mapped[RiskGrade] = mapped_column(_enum(RiskGrade, "risk_grade"))
    suggested_grade: Mapped[RiskGrade] = mapped_column(_enum(RiskGrade, "risk_grade"))
    policy_version: Mapped[str] = mapped_column(String(40))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    reasons: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    rationale: Mapped[str] = mapped_column(Text)
    below_reason: Mapped[str | None] = mapped_column(Text)
    # Why the grader set aside something the force holds (a flag, an alert): the reviewing
    # supervisor sees it.
    override_reason: Mapped[str | None] = mapped_column(Text)
    # Whether the grade was given on the page that shows what the force holds (the force-data
    # panel: flags, earlier episodes, alerts) beside the questions; None where not known.
    force_data_shown: Mapped[bool | None]
    cra_decision: Mapped[str | None] = mapped_column(Text)
    graded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    graded_by_name: Mapped[str] = mapped_column(String(200))
    graded_at: Mapped[datetime]


class Review(Base):
    """A supervisor review that falls due: overdue is `done_at IS NULL AND due_at < now`."""

    __tablename__ = "supervision_review"
    __table_args__ = (Index("ix_review_open_due", "done_at", "cancelled_at", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(
        ForeignKey("episode.id", ondelete="CASCADE"), index=True
    )
    # first, regular, senior, below_suggestion; grading (the first grade is owed);
    # absence_24 / absence_48 / ... (a regrade prompted by a long absence); return (a child's
    # return reviewed before the episode closes).
    kind: Mapped[str] = mapped_column(String(20))
    rank: Mapped[str] = mapped_column(String(30))  # the role that must review
    due_at: Mapped[datetime]
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    done_by_name: Mapped[str | None] = mapped_column(String(200))
    cancelled_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]  # when a rank above was last told it is overdue
    # How many rungs of the escalation ladder it has climbed (settings.escalation_after_minutes).
    escalation_level: Mapped[int] = mapped_column(default=0, server_default="0")
    decision: Mapped[str | None] = mapped_column(String(20))  # confirmed, changed
    grade_after: Mapped[RiskGrade | None] = mapped_column(_enum(RiskGrade, "risk_grade"))
    plan: Mapped[str | None] = mapped_column(Text)
    reporter_contact: Mapped[str | None] = mapped_column(Text)


class EpisodeAction(Base):
    """Something done and recorded on an episode: PNC circulation and its removal, the social
    worker or the council's out-of-hours team told, a transfer to another force, a handover."""

    __tablename__ = "episode_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(
        ForeignKey("episode.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30))
    reference: Mapped[str | None] = mapped_column(String(200))
    details: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_by_name: Mapped[str] = mapped_column(String(200))


class EpisodePhoto(Base):
    """A photograph of the missing person given with the report (APP: a recent photo)."""

    __tablename__ = "episode_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(
        ForeignKey("episode.id", ondelete="CASCADE"), index=True
    )
    content_type: Mapped[str] = mapped_column(String(20))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    given_by: Mapped[str | None] = mapped_column(String(200))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime]


class EpisodeCompanion(Base):
    """Someone a missing person was found with."""

    __tablename__ = "episode_companion"
    __table_args__ = (UniqueConstraint("episode_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(
        ForeignKey("episode.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)


# Merges re-point these to the surviving record (people.models.names_a_person).
names_a_person(Episode.__table__.c.person_id, EpisodeCompanion.__table__.c.person_id)
