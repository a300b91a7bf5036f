"""Tasks and notifications."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from harbour.db import Base, Timestamps
from harbour.people.models import names_a_person


class Task(Timestamps, Base):
    """A piece of work on a person or an episode, with an owner, a due time and a result."""

    __tablename__ = "task"
    __view_action__ = "person.view"
    __scope_columns__ = {"organisation": "organisation_id", "team": "team_id", "owner": "owner_id"}
    __table_args__ = (Index("ix_task_open_owner", "owner_id", "done_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episode.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # enquiry, strategy_meeting, screening
    title: Mapped[str] = mapped_column(String(200))
    details: Mapped[str | None] = mapped_column(Text)
    trigger: Mapped[str | None] = mapped_column(Text)  # why Harbour opened it, in words
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    due_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None]
    result: Mapped[str | None] = mapped_column(Text)
    # Why an episode's open task was carried to the person's record when the episode closed.
    carried_reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class Notification(Base):
    """A message for one user: new high-risk work, a handover, a task Harbour opened."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    text: Mapped[str] = mapped_column(String(500))
    link: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]
    # What the message is about ("episode:12:missing"): when that ends, the message is resolved
    # and no longer counts as unread.
    topic: Mapped[str | None] = mapped_column(String(100), index=True)
    resolved_at: Mapped[datetime | None]


# Merges re-point these to the surviving record (people.models.names_a_person).
names_a_person(Task.__table__.c.person_id)
