"""Referrals between the force and its partner organisations, and the strategy meetings and MACE
panels where they decide together."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from harbour.db import Base, Timestamps
from harbour.people.models import names_a_person


class ReferralStatus(enum.StrEnum):
    """Primero's transitions: sent and waiting, accepted, rejected, revoked by the sender, done."""

    in_progress = "in_progress"
    accepted = "accepted"
    rejected = "rejected"
    revoked = "revoked"
    done = "done"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    ReferralStatus.in_progress: "Waiting for acceptance",
    ReferralStatus.accepted: "Accepted",
    ReferralStatus.rejected: "Rejected",
    ReferralStatus.revoked: "Revoked",
    ReferralStatus.done: "Done",
}


class Referral(Timestamps, Base):
    """A referral from one organisation to another, about a person (and a call or episode)."""

    __tablename__ = "referral"
    __view_action__ = "referral.view"
    # Both organisations see it: the one that sent it and the one it was sent to.
    __scope_columns__ = {"organisation": ("organisation_id", "to_organisation_id")}
    __table_args__ = (Index("ix_referral_to_status", "to_organisation_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    to_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    # A partner referring someone the force may not know yet: who they are, in words.
    person_text: Mapped[str | None] = mapped_column(Text)
    call_id: Mapped[int | None] = mapped_column(ForeignKey("call.id"), index=True)
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episode.id"))
    reason: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text)  # what the receiver needs, and nothing more
    status: Mapped[ReferralStatus] = mapped_column(
        Enum(ReferralStatus, name="referral_status", native_enum=False, length=20)
    )
    due_at: Mapped[datetime]
    escalated_at: Mapped[datetime | None]
    consent: Mapped[str] = mapped_column(String(20))
    consent_note: Mapped[str | None] = mapped_column(Text)
    consent_override_reason: Mapped[str | None] = mapped_column(Text)
    consent_overridden_by: Mapped[str | None] = mapped_column(String(200))
    sent_at: Mapped[datetime]
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    sent_by_name: Mapped[str] = mapped_column(String(200))
    receiver_owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None]
    decided_by_name: Mapped[str | None] = mapped_column(String(200))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    partner_reference: Mapped[str | None] = mapped_column(String(100))
    done_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


# Merges re-point these to the surviving record (people.models.names_a_person).
names_a_person(Referral.__table__.c.person_id)


# -- strategy meetings and MACE panels ---------------------------------------------------------


class MeetingKind(enum.StrEnum):
    strategy = "strategy"
    mace = "mace"

    @property
    def label(self) -> str:
        return MEETING_KINDS[self]


MEETING_KINDS = {
    MeetingKind.strategy: "Strategy meeting (Working Together to Safeguard Children 2023)",
    MeetingKind.mace: "MACE panel (multi-agency child exploitation)",
}


class Meeting(Timestamps, Base):
    """A strategy meeting or MACE panel the force convened or attended, with what it decided."""

    __tablename__ = "meeting"
    __view_action__ = "meeting.view"
    __scope_columns__ = {"organisation": "organisation_id"}

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    kind: Mapped[MeetingKind] = mapped_column(
        Enum(MeetingKind, name="meeting_kind", native_enum=False, length=20)
    )
    held_at: Mapped[datetime] = mapped_column(index=True)
    chair: Mapped[str] = mapped_column(String(200))
    location: Mapped[str | None] = mapped_column(String(200))
    information: Mapped[str] = mapped_column(Text)  # what each agency shared
    minutes: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_by_name: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class MeetingAttendee(Base):
    """Someone at the meeting, and the organisation they came for."""

    __tablename__ = "meeting_attendee"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(200))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    organisation_text: Mapped[str | None] = mapped_column(String(200))


class MeetingChild(Base):
    """A child discussed at a meeting. A partner sees the meeting through the children its
    agreements share for meetings (field `meetings`)."""

    __tablename__ = "meeting_child"
    __table_args__ = (UniqueConstraint("meeting_id", "person_id"),)
    __view_action__ = "meeting.view"
    __scope_columns__ = {"organisation": "organisation_id", "person": "person_id"}
    __shared_field__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))


class MeetingDecision(Base):
    """What the meeting decided, about one child or all of them."""

    __tablename__ = "meeting_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    kind: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(Text)


class MeetingAction(Base):
    """An action the meeting gave someone: a task, with its owner and due date."""

    __tablename__ = "meeting_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"), unique=True)


names_a_person(MeetingChild.__table__.c.person_id, MeetingDecision.__table__.c.person_id)
