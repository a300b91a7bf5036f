"""The measures' tables: the facts about each episode, kept in step with the records (decision
21), and the supervisors' reviews of sampled decisions.

One row per episode: who it is about (the breakdowns, as on the day of the report) and what the
measures count (first grading, the return, repeat and harm). `measures.store` writes the rows of
every person whose records a transaction changes, in the same transaction, so that the figures
never lag the records; `harbour measures refresh` rewrites them all.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from harbour.db import Base


class EpisodeFactRow(Base):
    __tablename__ = "measure_episode"
    __view_action__ = "measures.view"
    __scope_columns__ = {"organisation": "organisation_id"}
    __table_args__ = (Index("ix_measure_episode_org_reported", "organisation_id", "reported_at"),)

    episode_id: Mapped[int] = mapped_column(
        ForeignKey("episode.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    person_id: Mapped[int] = mapped_column(index=True)
    reported_at: Mapped[datetime]
    report_week: Mapped[date]  # the local Monday of the report
    report_month: Mapped[date]  # the first of the report's local month
    live: Mapped[bool]
    child: Mapped[bool]
    borough: Mapped[str] = mapped_column(String(60))
    age_band: Mapped[str] = mapped_column(String(10))
    sex: Mapped[str] = mapped_column(String(20))
    ethnicity: Mapped[str] = mapped_column(String(40))
    ethnic_group: Mapped[str] = mapped_column(String(10))
    observed_ethnicity: Mapped[str] = mapped_column(String(40))
    looked_after: Mapped[str] = mapped_column(String(10))
    first_graded_at: Mapped[datetime | None]
    first_force_data_shown: Mapped[bool | None]
    first_grade: Mapped[str | None] = mapped_column(String(20))
    first_suggested: Mapped[str | None] = mapped_column(String(20))
    first_language: Mapped[bool]
    first_below: Mapped[bool]  # graded below the policy's suggestion
    first_minutes: Mapped[float | None]  # from the report to the first grading
    found_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(20))
    check_held: Mapped[bool]
    check_face_to_face: Mapped[bool | None]
    rhi_status: Mapped[str | None] = mapped_column(String(20))
    rhi_held_at: Mapped[datetime | None]
    rhi_hours: Mapped[float | None]  # from the return to the interview
    repeat: Mapped[bool]
    exploitation_flagged: Mapped[bool]
    missing_again_at: Mapped[datetime | None]
    again_hours: Mapped[float | None]  # from the return to the next report
    concern_after: Mapped[bool]


class QaReview(Base):
    """A supervisor's review of one sampled decision: a child graded low at first, or a call not
    sent to police (decision quality). One per record; the verdict is recorded once."""

    __tablename__ = "qa_review"
    __view_action__ = "measures.qa"
    __scope_columns__ = {"organisation": "organisation_id"}
    __table_args__ = (
        UniqueConstraint("episode_id", name="uq_qa_review_episode"),
        UniqueConstraint("call_id", name="uq_qa_review_call"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # low_grade, deflection
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episode.id", ondelete="CASCADE"))
    call_id: Mapped[int | None] = mapped_column(ForeignKey("call.id", ondelete="CASCADE"))
    # What was decided, as it stood when sampled: "medium (suggested high)", "advice only".
    decided: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime]
    sampled_at: Mapped[datetime]
    sampled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    verdict: Mapped[str | None] = mapped_column(String(20))
    notes: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reviewed_by_name: Mapped[str | None] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
