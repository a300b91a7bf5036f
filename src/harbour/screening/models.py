"""Exploitation screenings, NRM referrals and Child Abduction Warning Notices.

Each row belongs to the organisation and team of the child's record, so it is seen by whoever may
see the child (`person.view`) and changed under the actions in the access table.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from harbour.db import Base, Timestamps


class Screening(Timestamps, Base):
    """One exploitation screening of a person: the indicators seen, the outcome and next steps.

    Never changed once recorded, like a risk grading: a later screening is a new row.
    """

    __tablename__ = "exploitation_screening"
    __view_action__ = "person.view"
    __scope_columns__ = {"organisation": "organisation_id", "team": "team_id"}
    __table_args__ = (Index("ix_exploitation_screening_person_at", "person_id", "screened_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episode.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    indicators: Mapped[list[str]] = mapped_column(JSON)
    outcome: Mapped[str] = mapped_column(String(30))
    rationale: Mapped[str] = mapped_column(Text)
    next_steps: Mapped[list[str]] = mapped_column(JSON)
    next_steps_notes: Mapped[str | None] = mapped_column(Text)
    screened_at: Mapped[datetime]
    screened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    screened_by_name: Mapped[str] = mapped_column(String(200))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("task.id"))  # the task it completed


class NrmReferral(Timestamps, Base):
    """A referral to the National Referral Mechanism, with the decisions as they come back."""

    __tablename__ = "nrm_referral"
    __view_action__ = "person.view"
    __scope_columns__ = {"organisation": "organisation_id", "team": "team_id"}
    __table_args__ = (Index("ix_nrm_referral_open_due", "rg_decision", "rg_due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    referred_at: Mapped[datetime]
    referred_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    referred_by_name: Mapped[str] = mapped_column(String(200))
    exploitation_types: Mapped[list[str]] = mapped_column(JSON)
    first_responder: Mapped[str] = mapped_column(String(200))
    reference: Mapped[str | None] = mapped_column(String(100))
    # not_needed_child, not_needed_age_unknown (treated as a child) or given (an adult's).
    consent: Mapped[str] = mapped_column(String(30))
    details: Mapped[str | None] = mapped_column(Text)
    rg_due_on: Mapped[date]
    rg_decision: Mapped[str | None] = mapped_column(String(20))  # positive, negative
    rg_decided_on: Mapped[date | None]
    cg_earliest_on: Mapped[date | None]
    cg_decision: Mapped[str | None] = mapped_column(String(20))
    cg_decided_on: Mapped[date | None]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class Cawn(Timestamps, Base):
    """A Child Abduction Warning Notice given to an adult about a child, and its service."""

    __tablename__ = "cawn"
    __view_action__ = "person.view"
    __scope_columns__ = {"organisation": "organisation_id", "team": "team_id"}

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)  # the child
    adult_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    child_age: Mapped[int]  # on the day it was issued
    looked_after: Mapped[bool]  # in care on the day it was issued
    grounds: Mapped[str] = mapped_column(Text)
    issued_at: Mapped[datetime]
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    issued_by_name: Mapped[str] = mapped_column(String(200))
    expires_on: Mapped[date]
    served_at: Mapped[datetime | None]
    served_by: Mapped[str | None] = mapped_column(String(200))
    served_notes: Mapped[str | None] = mapped_column(Text)
    shared_at: Mapped[datetime | None]
    shared_with: Mapped[str | None] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
