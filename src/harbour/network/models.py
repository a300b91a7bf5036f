"""Stored network alerts, and what investigators do with them (assign, annotate, dismiss)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from harbour import clock
from harbour.db import Base


class AlertStatus(enum.StrEnum):
    open = "open"
    assigned = "assigned"
    dismissed = "dismissed"


class NetworkAlert(Base):
    """One alert, kept across rebuilds by its kind and subject (an adult, a place, a phone, …).

    Each rebuild refreshes the score, the children and the evidence. A dismissed alert stays
    dismissed until a rebuild finds more evidence than it had when it was dismissed.
    """

    __tablename__ = "network_alert"
    __view_action__ = "network.view"
    __scope_columns__ = {"organisation": "organisation_id"}
    __table_args__ = (
        UniqueConstraint("kind", "subject_type", "subject_key"),
        Index("ix_network_alert_status_score", "status", "score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_key: Mapped[str] = mapped_column(String(60))  # a record id, a phone, a cluster key
    score: Mapped[float]
    reason: Mapped[str] = mapped_column(Text)
    # As `harbour network alerts` prints it: external ids, members and evidence in words.
    described: Mapped[dict[str, Any]] = mapped_column(JSON)
    child_ids: Mapped[list[int]] = mapped_column(JSON)  # Harbour's person ids of the children
    # The subject and the other members as network nodes ("person:12", "place:3", "phone:…").
    member_keys: Mapped[list[str]] = mapped_column(JSON)
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
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


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
    """How busy the median place of each kind is with children, from the last full rebuild.

    An incremental check sees only part of the network, so it weighs hotspots with these.
    """

    __tablename__ = "network_baseline"

    place_type: Mapped[str] = mapped_column(String(30), primary_key=True)
    median_children: Mapped[float]
    computed_at: Mapped[datetime] = mapped_column(default=clock.now)
