"""The supervision schedule: reviews owed after each grading, imported episodes' clocks, and
escalation of overdue reviews.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select
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
from harbour.episodes.records import (
    SUBJECT,
    hours_missing,
    open_reviews,
    person_of,
    review_topic,
    reviews,
)
from harbour.episodes.triggers import absence_triggers, check_triggers
from harbour.people.models import FLAGS, Person
from harbour.risk.grades import RiskGrade
from harbour.settings import get_settings
from harbour.tasks import service as tasks


def _schedule(session: Session, episode: Episode, due: clocks.Due) -> Review:
    review = Review(episode_id=episode.id, kind=due.kind, rank=due.rank.value, due_at=due.due_at)
    session.add(review)
    return review


def _cancel_open(session: Session, episode: Episode, now: datetime, kinds: Collection[str]) -> None:
    """Stop the open reviews of these kinds (absence regrades count as one kind), and end the
    reminders about them."""
    for review in open_reviews(session, episode):
        if review.kind in kinds or (
            review.kind.startswith(clocks.ABSENCE) and clocks.ABSENCE in kinds
        ):
            review.cancelled_at = now
            tasks.resolve(session, review_topic(review))


def schedule_grading(session: Session, episode: Episode) -> None:
    """Start the clock on a new report's first grade."""
    if episode.risk_grade is None and episode.status is EpisodeStatus.missing:
        _schedule(session, episode, clocks.grading_due(episode.reported_at))


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


def start_imported_clocks(session: Session, actor: Actor) -> int:
    """Set the clocks of open imported episodes that have none, timed from the report: the
    review clocks of graded ones, the grading clock of ungraded ones (overdue at once when the
    report is old, so it escalates); run the triggers on every open one (repeat missing, found
    out of area) as a live report would; stop the clocks of episodes that are no longer
    missing. Return how many reviews were scheduled."""
    now = clock.now()
    has_review = select(Review.id).where(Review.episode_id == Episode.id).exists()
    scheduled = 0
    waiting = session.scalars(
        select(Episode).where(Episode.status == EpisodeStatus.missing, ~has_review)
    ).all()
    for episode in waiting:
        if episode.risk_grade is None:
            _schedule(session, episode, clocks.grading_due(episode.reported_at))
            scheduled += 1
            continue
        for due in clocks.first_reviews(episode.risk_grade, episode.reported_at):
            _schedule(session, episode, due)
            scheduled += 1
    for episode in waiting:
        check_triggers(session, actor, episode, person_of(session, episode), [])
    stale = session.scalars(
        select(Review)
        .join(Episode, Episode.id == Review.episode_id)
        .where(
            Review.done_at.is_(None),
            Review.cancelled_at.is_(None),
            Review.kind != clocks.RETURN,
            Episode.status != EpisodeStatus.missing,
        )
    )
    for review in stale:
        review.cancelled_at = now
    return scheduled


def escalate_overdue(session: Session, actor: Actor) -> int:
    """Climb the escalation ladder for every overdue review and every ungraded report: when it
    falls overdue the next rank up is told, and the rank above that at each later step
    (`escalation_after_minutes`), with the episode's owner each time. A job, `harbour reviews
    escalate`, run every minute. Each rung is told once; concurrent runs skip rows another run
    holds. Return how many reviews climbed a rung."""
    now = clock.now()
    rungs = len(get_settings().escalation_after_minutes)
    live = or_(
        and_(Episode.status == EpisodeStatus.missing, Review.kind != clocks.RETURN),
        and_(Episode.status == EpisodeStatus.found, Review.kind == clocks.RETURN),
    )
    overdue = session.scalars(
        select(Review)
        .join(Episode, Episode.id == Review.episode_id)
        .where(
            Review.done_at.is_(None),
            Review.cancelled_at.is_(None),
            Review.escalation_level < rungs,
            Review.due_at < now,
            live,
        )
        .order_by(Review.due_at)
        .with_for_update(skip_locked=True, of=Review)
    ).all()
    climbed = 0
    for review in overdue:
        level = clocks.level(review.due_at, now)
        if level <= review.escalation_level:
            continue
        episode = session.get(Episode, review.episode_id)
        assert episode is not None
        rank = clocks.escalated(Role(review.rank), review.due_at, now)
        person = person_of(session, episode)
        what = clocks.owed(review.kind, review.rank)
        text = (
            f"Overdue: {what} of {person.display_name} was due at "
            f"{timefmt.absolute(review.due_at)}; it is escalated to you ({rank.label})."
        )
        _tell(session, episode, review, rank, text)
        before = review.escalation_level
        review.escalation_level = level
        review.escalated_at = now
        climbed += 1
        audit.record(
            session,
            actor,
            "escalate",
            SUBJECT,
            episode.id,
            before={"review": review.id, "level": before},
            after={"review": review.id, "level": level, "to": rank.value},
        )
    return climbed


def _tell(session: Session, episode: Episode, review: Review, rank: Role, text: str) -> None:
    """Tell everyone of the rank, and the episode's owner, about a review; the message ends
    when the review is done or stops."""
    readers = tasks.users_with_roles(session, episode.organisation_id, [rank])
    link = f"/episodes/{episode.id}"
    tasks.notify(session, [*readers, episode.owner_id], text, link, topic=review_topic(review))


def long_absences(session: Session, actor: Actor) -> int:
    """Prompt a regrade at each long-absence step while someone is still missing (24, 48 and
    72 hours since last seen by default), telling the owner and the supervising rank; for a
    child, open a strategy meeting unless one is open. A step the job missed is caught up as
    one prompt, the highest passed. Return how many prompts were made."""
    now = clock.now()
    steps = get_settings().long_absence_hours
    since = func.coalesce(Episode.last_seen_at, Episode.reported_at)
    missing = (Episode.status == EpisodeStatus.missing,)
    long_ago = session.scalars(
        select(Episode).where(*missing, since <= now - timedelta(hours=min(steps)))
    ).all()
    prompted = _prompted(session, [e.id for e in long_ago])
    owing = [e.id for e in long_ago if _passed(e, steps, now) > prompted.get(e.id, -1.0)]
    # Lock only the episodes that owe a prompt, so that a minute's run does not hold every
    # long-missing episode against an officer's save; a concurrent run skips them.
    waiting = session.scalars(
        select(Episode)
        .where(Episode.id.in_(owing), *missing)
        .order_by(Episode.id)
        .with_for_update(skip_locked=True)
    ).all()
    made = 0
    for episode in waiting:
        passed = _passed(episode, steps, now)
        if _prompted(session, [episode.id]).get(episode.id, -1.0) >= passed:
            continue  # another run prompted it before this one took the lock
        _cancel_open(session, episode, now, {clocks.ABSENCE})
        review = _schedule(session, episode, clocks.absence_due(episode.risk_grade, passed, now))
        session.flush()
        person = person_of(session, episode)
        text = (
            f"{person.display_name} has been missing for {passed:g} hours: regrade the risk "
            f"(a {review.rank} review is due by {timefmt.absolute(review.due_at)})."
        )
        _tell(session, episode, review, Role(review.rank), text)
        audit.record(
            session,
            actor,
            "prompt",
            SUBJECT,
            episode.id,
            after={
                "review": review.id,
                "kind": review.kind,
                "hours_missing": hours_missing(episode, now),
            },
        )
        absence_triggers(session, actor, episode, person, passed)
        made += 1
    return made


def _passed(episode: Episode, steps: list[float], now: datetime) -> float:
    """The highest long-absence step the episode has passed (-1 for none)."""
    hours = hours_missing(episode, now)
    return max((step for step in steps if step <= hours), default=-1.0)


def _prompted(session: Session, episode_ids: Collection[int]) -> dict[int, float]:
    """The highest long-absence step already prompted on each of these episodes, in one query."""
    if not episode_ids:
        return {}
    highest: dict[int, float] = {}
    for episode_id, kind in session.execute(
        select(Review.episode_id, Review.kind).where(
            Review.episode_id.in_(list(episode_ids)), Review.kind.startswith(clocks.ABSENCE)
        )
    ):
        step = float(kind.removeprefix(clocks.ABSENCE))
        highest[episode_id] = max(step, highest.get(episode_id, -1.0))
    return highest


def new_intelligence(
    session: Session, actor: Actor, organisation_id: int, person_ids: Collection[int], what: str
) -> int:
    """New intelligence about people still missing (a network alert, an intelligence link, a
    screening, a referral, a flag): prompt a regrade of each of their open episodes in the
    organisation that holds the intelligence, telling the owner and the supervising rank. An
    episode that already owes a regrade on new intelligence is not prompted twice; the prompt
    ends when the supervisor does the review, or when the person is found. Return how many
    prompts were made."""
    if not person_ids:
        return 0
    now = clock.now()
    waiting = session.scalars(
        select(Episode)
        .where(
            Episode.person_id.in_(list(person_ids)),
            Episode.organisation_id == organisation_id,
            Episode.status == EpisodeStatus.missing,
        )
        .order_by(Episode.id)
    ).all()
    made = 0
    for episode in waiting:
        if any(r.kind == clocks.INTELLIGENCE for r in open_reviews(session, episode)):
            continue
        review = _schedule(session, episode, clocks.intelligence_due(episode.risk_grade, now))
        session.flush()
        person = person_of(session, episode)
        text = (
            f"New intelligence while {person.display_name} is missing ({what}): regrade the "
            f"risk (a {review.rank} review is due by {timefmt.absolute(review.due_at)})."
        )
        _tell(session, episode, review, Role(review.rank), text)
        audit.record(
            session,
            actor,
            "prompt",
            SUBJECT,
            episode.id,
            after={"review": review.id, "kind": review.kind, "intelligence": what},
        )
        made += 1
    return made


def flags_added(session: Session, actor: Actor, person: Person, added: list[str]) -> None:
    """A flag added to the record of someone still missing is new intelligence (wired by
    `harbour.startup` as a listener of `people.record`)."""
    labels = ", ".join(FLAGS.get(code, code).lower() for code in added)
    what = f"a flag added to the record: {labels}"
    new_intelligence(session, actor, person.organisation_id, {person.id}, what)
