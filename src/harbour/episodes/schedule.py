"""The supervision schedule: reviews owed after each grading, imported episodes' clocks, and
escalation of overdue reviews.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour import clock, timefmt
from harbour.actor import Actor, Role
from harbour.audit import service as audit
from harbour.episodes import clocks
from harbour.episodes.models import (
    Episode,
    EpisodeStatus,
    Review,
)
from harbour.episodes.records import SUBJECT, open_reviews, person_of, reviews
from harbour.risk.grades import RiskGrade
from harbour.tasks import service as tasks


def _schedule(session: Session, episode: Episode, due: clocks.Due) -> Review:
    review = Review(episode_id=episode.id, kind=due.kind, rank=due.rank.value, due_at=due.due_at)
    session.add(review)
    return review


def _cancel_open(session: Session, episode: Episode, now: datetime, kinds: set[str]) -> None:
    for review in open_reviews(session, episode):
        if review.kind in kinds:
            review.cancelled_at = now


def _replan(
    session: Session, episode: Episode, grade_: RiskGrade, now: datetime, *, first: bool
) -> None:
    """Set the clocks for a new grade: from the report for the first, from now after a change."""
    _cancel_open(session, episode, now, {"first", "regular", "senior"})
    start = episode.reported_at if first else now
    done_senior = any(r.kind == "senior" and r.done_at for r in reviews(session, episode))
    for due in clocks.first_reviews(grade_, start):
        if due.kind == "senior":
            if done_senior:
                continue
            due = clocks.Due("senior", due.rank, episode.reported_at + (due.due_at - start))
        _schedule(session, episode, due)


def start_imported_clocks(session: Session) -> int:
    """Set the review clocks of open, graded episodes that have none (imported history), timed
    from the report; stop the clocks of episodes that are no longer missing. Return how many
    reviews were scheduled."""
    now = clock.now()
    has_review = select(Review.id).where(Review.episode_id == Episode.id).exists()
    scheduled = 0
    waiting = session.scalars(
        select(Episode).where(
            Episode.status == EpisodeStatus.missing, Episode.risk_grade.is_not(None), ~has_review
        )
    )
    for episode in waiting:
        assert episode.risk_grade is not None
        for due in clocks.first_reviews(episode.risk_grade, episode.reported_at):
            _schedule(session, episode, due)
            scheduled += 1
    stale = session.scalars(
        select(Review)
        .join(Episode, Episode.id == Review.episode_id)
        .where(
            Review.done_at.is_(None),
            Review.cancelled_at.is_(None),
            Episode.status != EpisodeStatus.missing,
        )
    )
    for review in stale:
        review.cancelled_at = now
    return scheduled


def escalate_overdue(session: Session, actor: Actor) -> int:
    """Tell the next rank up about every review that has become overdue since the last run
    (a job, `harbour reviews escalate`, run every minute). Each review is escalated once;
    concurrent runs skip rows another run holds. Return how many were escalated."""
    now = clock.now()
    overdue = session.scalars(
        select(Review)
        .join(Episode, Episode.id == Review.episode_id)
        .where(
            Review.done_at.is_(None),
            Review.cancelled_at.is_(None),
            Review.escalated_at.is_(None),
            Review.due_at < now,
            Episode.status == EpisodeStatus.missing,
        )
        .order_by(Review.due_at)
        .with_for_update(skip_locked=True, of=Review)
    ).all()
    for review in overdue:
        episode = session.get(Episode, review.episode_id)
        assert episode is not None
        rank = clocks.escalated(Role(review.rank), review.due_at, now)
        person = person_of(session, episode)
        text = (
            f"Overdue: the {review.rank} review of {person.display_name} was due at "
            f"{timefmt.absolute(review.due_at)}; it is escalated to you ({rank.value})."
        )
        readers = tasks.users_with_roles(session, episode.organisation_id, [rank])
        tasks.notify(session, [*readers, episode.owner_id], text, f"/episodes/{episode.id}")
        review.escalated_at = now
        audit.record(
            session,
            actor,
            "escalate",
            SUBJECT,
            episode.id,
            after={"review": review.id, "to": rank.value},
        )
    return len(overdue)
