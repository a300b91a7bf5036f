"""The review queue of possible duplicates and the log of merges (each one reversible)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from harbour import clock
from harbour.db import Base


class PairStatus(enum.StrEnum):
    pending = "pending"
    accepted = "accepted"  # the same person: merged
    rejected = "rejected"  # different people: never queued again
    unsure = "unsure"  # looked at, not decided: stays in the queue, after the pending ones


class CandidatePair(Base):
    """Two person records the model scored above the review threshold.

    One row per pair, whichever way round it was found (`low_id` < `high_id`), so the queue can
    never show a pair twice; a later run only refreshes the score of an undecided pair.
    """

    __tablename__ = "candidate_pair"
    __table_args__ = (
        UniqueConstraint("low_id", "high_id"),
        CheckConstraint("low_id < high_id", name="ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    low_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    high_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    probability: Mapped[float]
    # For each compared field, the model's level for this pair ("Exact match", "Nickname", …).
    levels: Mapped[dict[str, Any]] = mapped_column(JSON)
    model_version: Mapped[str] = mapped_column(String(40))
    scored_at: Mapped[datetime] = mapped_column(default=clock.now)
    status: Mapped[PairStatus] = mapped_column(
        Enum(PairStatus, name="pair_status", native_enum=False, length=10, validate_strings=True),
        default=PairStatus.pending,
        index=True,
    )
    note: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None]
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class PersonMerge(Base):
    """One merge of `merged` into `survivor`, with everything needed to undo it exactly.

    `moved` lists every row that was re-pointed from the merged record to the survivor
    (table, column, row id); `survivor_before` holds the survivor's fields the merge changed
    (flags and other names). Unmerging puts each back and records who, when and why.
    """

    __tablename__ = "person_merge"

    id: Mapped[int] = mapped_column(primary_key=True)
    survivor_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    merged_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    pair_id: Mapped[int | None] = mapped_column(ForeignKey("candidate_pair.id"))
    reason: Mapped[str] = mapped_column(Text)
    automatic: Mapped[bool] = mapped_column(default=False)
    probability: Mapped[float | None]
    moved: Mapped[list[Any]] = mapped_column(JSON)
    survivor_before: Mapped[dict[str, Any]] = mapped_column(JSON)
    merged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    merged_at: Mapped[datetime] = mapped_column(default=clock.now)
    unmerged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    unmerged_at: Mapped[datetime | None]
    unmerge_reason: Mapped[str | None] = mapped_column(Text)
