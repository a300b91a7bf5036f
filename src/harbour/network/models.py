"""Stored network alerts, and what investigators do with them (assign, annotate, dismiss)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from harbour import clock
from harbour.db import Base
from harbour.people.models import names_a_person


class AlertStatus(enum.StrEnum):
    open = "open"
    assigned = "assigned"
    dismissed = "dismissed"


class NetworkAlert(Base):
    """One alert of one organisation, kept across rebuilds by its kind and subject (an adult, a
    place, a phone, …): each organisation's records are analysed apart (decision 18).

    Each rebuild refreshes the score, the children and the evidence. A dismissed alert stays
    dismissed until a rebuild finds more evidence than it had when it was dismissed.
    """

    __tablename__ = "network_alert"
    __view_action__ = "network.view"
    __scope_columns__ = {"organisation": "organisation_id"}
    __table_args__ = (
        UniqueConstraint("organisation_id", "kind", "subject_type", "subject_key"),
        Index("ix_network_alert_status_score", "status", "score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_key: Mapped[str] = mapped_column(String(60))  # a record id, a phone, a cluster key
    # A person or place subject as a row reference, so that a merge re-points it and the next
    # rebuild finds the same alert (with its notes and assignee) under the surviving record.
    subject_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    subject_place_id: Mapped[int | None] = mapped_column(ForeignKey("place.id"), index=True)
    score: Mapped[float]
    reason: Mapped[str] = mapped_column(Text)
    # As `harbour network alerts` prints it: external ids, members and evidence in words.
    described: Mapped[dict[str, Any]] = mapped_column(JSON)
    evidence_count: Mapped[int]
    active: Mapped[bool] = mapped_column(default=True)  # found by the latest rebuild
    status: Mapped[AlertStatus] = mapped_column(
        Enum(AlertStatus, name="alert_status", native_enum=False, length=10, validate_strings=True),
        default=AlertStatus.open,
    )
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    operation: Mapped[str | None] = mapped_column(String(100))
    dismissed_reason: Mapped[str | None] = mapped_column(Text)
    dismissed_evidence_count: Mapped[int | None]
    first_raised_at: Mapped[datetime] = mapped_column(default=clock.now)
    last_raised_at: Mapped[datetime] = mapped_column(default=clock.now)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    version: Mapped[int] = mapped_column(default=1)

    # Small, and read with the alert everywhere it is shown: loaded with it in one more query.
    members: Mapped[list[AlertMember]] = relationship(
        lazy="selectin", order_by="AlertMember.position", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def child_ids(self) -> list[int]:
        """Harbour's person ids of the alert's children, in the order the rebuild found them."""
        return [m.person_id for m in self.members if m.part == "child" and m.person_id]

    @child_ids.setter
    def child_ids(self, ids: list[int]) -> None:
        self._set("child", [f"person:{i}" for i in ids])

    @property
    def member_keys(self) -> list[str]:
        """The subject and the other members as network nodes ("person:12", "place:3", …)."""
        return [m.key for m in self.members if m.part == "member"]

    @member_keys.setter
    def member_keys(self, keys: list[str]) -> None:
        self._set("member", keys)

    def _set(self, part: str, keys: list[str]) -> None:
        """Make the rows of one part these keys, in order, keeping rows that stay."""
        kept = {m.key: m for m in self.members if m.part == part}
        wanted = list(dict.fromkeys(keys))
        self.members = [m for m in self.members if m.part != part or m.key in wanted]
        for position, key in enumerate(wanted):
            row = kept.get(key)
            if row is None:
                row = AlertMember.of(part, key)
                self.members.append(row)
            row.position = position


class AlertMember(Base):
    """A child or another member of a stored alert (a person, place, vehicle or phone), as a row.

    People and places are foreign keys, so a merge of two person records re-points them as it
    does every row that names a person (decision 12); phones and other nodes keep their key.
    """

    __tablename__ = "network_alert_member"
    __table_args__ = (
        UniqueConstraint("alert_id", "part", "person_id", name="uq_network_alert_member_person"),
        UniqueConstraint("alert_id", "part", "place_id", name="uq_network_alert_member_place"),
        UniqueConstraint("alert_id", "part", "node_key", name="uq_network_alert_member_node"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(
        ForeignKey("network_alert.id", ondelete="CASCADE"), index=True
    )
    part: Mapped[str] = mapped_column(String(10))  # child, member
    position: Mapped[int] = mapped_column(default=0)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    place_id: Mapped[int | None] = mapped_column(ForeignKey("place.id"), index=True)
    node_key: Mapped[str | None] = mapped_column(String(80))  # a phone, a vehicle, …

    @property
    def key(self) -> str:
        if self.person_id is not None:
            return f"person:{self.person_id}"
        if self.place_id is not None:
            return f"place:{self.place_id}"
        return self.node_key or ""

    @classmethod
    def of(cls, part: str, key: str) -> AlertMember:
        kind, _, value = key.partition(":")
        if kind == "person" and value.isdigit():
            return cls(part=part, person_id=int(value))
        if kind == "place" and value.isdigit():
            return cls(part=part, place_id=int(value))
        return cls(part=part, node_key=key[:80])


class AlertNote(Base):
    """Something that happened to an alert: a note, an assignment, a dismissal, its return."""

    __tablename__ = "network_alert_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(
        ForeignKey("network_alert.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))  # note, assigned, operation, dismissed, …
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    author_name: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(default=clock.now)


class PlaceBaseline(Base):
    """How busy the median place of each kind is with children, in one organisation's records,
    from the last full rebuild.

    An incremental check sees only part of the network, so it weighs hotspots with these.
    """

    __tablename__ = "network_baseline"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    place_type: Mapped[str] = mapped_column(String(30), primary_key=True)
    median_children: Mapped[float]
    computed_at: Mapped[datetime] = mapped_column(default=clock.now)


# Merges re-point these to the surviving record (people.models.names_a_person).
names_a_person(NetworkAlert.__table__.c.subject_person_id, AlertMember.__table__.c.person_id)
