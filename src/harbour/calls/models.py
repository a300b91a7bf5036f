"""Calls for service and their decision log.

A call is imported history (`imported`, no status) or a live call a handler records and decides.
Every decision is a new `CallDecision` row, never changed: the first decision, each re-assessment
("re-THRIVE"), a supervisor's agreement and a partner's acceptance of a handover. The call keeps
a copy of the latest decision's outcome for boards and counts.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from harbour.db import Base, Timestamps
from harbour.people.models import names_a_person


class CallStatus(enum.StrEnum):
    awaiting_decision = "awaiting_decision"
    awaiting_supervisor = "awaiting_supervisor"
    decided = "decided"


class DecisionKind(enum.StrEnum):
    decision = "decision"
    reassessment = "reassessment"  # re-THRIVE after the call was updated
    supervisor = "supervisor"  # a supervisor agreed a decision that needed one
    handover = "handover"  # the partner accepted the handover


def _enum(kind: type[enum.Enum], name: str) -> Enum:
    return Enum(kind, name=name, native_enum=False, length=20, validate_strings=True)


class Call(Timestamps, Base):
    """A call to the force, with its free-text narrative.

    Columns added for live calls are nullable: the import paths (the bulk one copies every
    column) leave them empty, and an empty `status` marks imported history.
    """

    __tablename__ = "call"
    __view_action__ = "person.view"
    __scope_columns__ = {"organisation": "organisation_id", "team": "team_id"}
    __table_args__ = (
        Index("ix_call_status_received", "status", "received_at"),
        Index("ix_call_organisation_decided", "organisation_id", "decided_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(index=True)
    narrative: Mapped[str] = mapped_column(Text)
    caller: Mapped[str | None] = mapped_column(String(200))  # the caller's name or description
    location_place_id: Mapped[int | None] = mapped_column(ForeignKey("place.id"), index=True)
    location_text: Mapped[str | None] = mapped_column(Text)
    reference: Mapped[str | None] = mapped_column(String(40), index=True)
    outcome: Mapped[str | None] = mapped_column(String(60))
    imported: Mapped[bool] = mapped_column(default=False)
    # The live workflow.
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    caller_type: Mapped[str | None] = mapped_column(String(30))
    caller_relationship: Mapped[str | None] = mapped_column(String(200))
    caller_contact: Mapped[str | None] = mapped_column(String(200))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    status: Mapped[CallStatus | None] = mapped_column(_enum(CallStatus, "call_status"))
    category: Mapped[str | None] = mapped_column(String(30))
    partner: Mapped[str | None] = mapped_column(String(40))
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episode.id"), index=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None]
    handover_due_at: Mapped[datetime | None]  # the s136 clock
    handed_over_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class CallDecision(Base):
    """One decision on a call, with the National Decision Model's steps: never changed."""

    __tablename__ = "call_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call.id", ondelete="CASCADE"), index=True)
    kind: Mapped[DecisionKind] = mapped_column(_enum(DecisionKind, "call_decision_kind"))
    update_text: Mapped[str | None] = mapped_column(Text)  # what changed (a re-assessment)
    # NDM: gather information; assess threat and risk (THRIVE); powers and policy; options; act.
    information: Mapped[str] = mapped_column(Text)
    threat: Mapped[str] = mapped_column(Text)
    harm: Mapped[str] = mapped_column(Text)
    risk: Mapped[str] = mapped_column(Text)
    investigation: Mapped[str] = mapped_column(Text)
    vulnerability: Mapped[str] = mapped_column(Text)
    engagement: Mapped[str] = mapped_column(Text)
    powers_policy: Mapped[str | None] = mapped_column(Text)
    options: Mapped[str | None] = mapped_column(Text)
    action_taken: Mapped[str | None] = mapped_column(Text)
    # The RCRP test as the handler answered it, the call being about a child, and the outcome.
    crime: Mapped[bool]
    risk_to_life: Mapped[bool]
    child: Mapped[bool]
    category: Mapped[str] = mapped_column(String(30))
    outcome: Mapped[str] = mapped_column(String(30))
    partner: Mapped[str | None] = mapped_column(String(40))
    partner_accepted_by: Mapped[str | None] = mapped_column(String(200))
    partner_accepted_at: Mapped[datetime | None]
    partner_reference: Mapped[str | None] = mapped_column(String(100))
    arrived_at: Mapped[datetime | None]  # s136: arrival at the health setting
    response_grade: Mapped[str | None] = mapped_column(String(30))
    rationale: Mapped[str] = mapped_column(Text)
    caller_told: Mapped[str] = mapped_column(Text)
    # What Harbour read in the narrative and suggested, with the handler's answers (category,
    # outcome, partner, reasons, rules version): the handler's overrides are the differences.
    read_crime: Mapped[bool]
    read_risk_to_life: Mapped[bool]
    suggested_outcome: Mapped[str] = mapped_column(String(30))
    suggested: Mapped[dict[str, Any]] = mapped_column(JSON)
    against_suggestion: Mapped[bool]
    needs_supervisor: Mapped[bool] = mapped_column(default=False)
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episode.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_by_name: Mapped[str] = mapped_column(String(200))
    decided_by_role: Mapped[str] = mapped_column(String(30))
    decided_at: Mapped[datetime]


# Merges re-point these to the surviving record (people.models.names_a_person).
names_a_person(Call.__table__.c.person_id)
