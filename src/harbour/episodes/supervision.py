"""Supervisors' reviews of a grade, who may do each one, and the board of reviews due."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from harbour import clock, db
from harbour.access import service as access
from harbour.actor import Actor, Role
from harbour.audit import service as audit
from harbour.episodes import clocks
from harbour.episodes.grading import grade
from harbour.episodes.models import (
    Episode,
    EpisodeStatus,
    Review,
)
from harbour.episodes.records import (
    STALE,
    SUBJECT,
    _check_version,
    _touch,
    gradings,
    review_topic,
)
from harbour.episodes.schedule import _schedule
from harbour.episodes.schemas import GradingInput, ReviewInput
from harbour.errors import Conflict, NotFound
from harbour.people.models import Person
from harbour.risk import language
from harbour.risk.schemas import RiskAnswers
from harbour.tasks import service as tasks
from harbour.validation import Problems


def find_review(session: Session, episode: Episode, review_id: int) -> Review:
    review = session.get(Review, review_id)
    # The grading clock is not a review anyone does: grading the episode stops it.
    if review is None or review.episode_id != episode.id or review.kind == clocks.GRADING:
        raise NotFound("There is no such review on this episode.")
    return review


def can_review(actor: Actor, episode: Episode, review: Review) -> bool:
    """Tell whether the actor is of the rank the review needs, or above it."""
    action = clocks.REVIEW_ACTION.get(Role(review.rank))
    return action is not None and access.can(actor, action, episode)


def check_can_do_review(actor: Actor, episode: Episode, review: Review) -> None:
    access.require(actor, clocks.REVIEW_ACTION[Role(review.rank)], episode)


def permissions(actor: Actor, episode: Episode) -> dict[str, bool]:
    """What the actor may do on the episode's page."""
    return {
        "grade": access.can(actor, "episode.grade", episode),
        "update": access.can(actor, "episode.update", episode),
        "close": access.can(actor, "episode.close", episode),
    }


def record_review(
    session: Session,
    actor: Actor,
    episode: Episode,
    person: Person,
    review: Review,
    data: ReviewInput,
) -> Review:
    """Do a due review: confirm or change the grade, update the plan, record reporter contact."""
    check_can_do_review(actor, episode, review)
    _check_version(episode, data.version)
    if review.done_at is not None or review.cancelled_at is not None:
        raise Conflict("This review has already been done or is no longer due.")
    problems = Problems(data.summary)
    latest = gradings(session, episode)
    changed = data.decision == "changed"
    if review.kind == clocks.RETURN:
        _check_return_review(episode, data, problems)
    words = language.review_language(latest[0].rationale if latest else None, data.language)
    for name, message in words.problems.items():
        problems.add(name, message)
    if changed:
        if data.new_grade is None:
            problems.add("new_grade", "Select the new grade")
        elif data.new_grade is episode.risk_grade:
            problems.add(
                "new_grade", "Select a grade different from the current one, or confirm it"
            )
        if not data.rationale:
            problems.add("rationale", "Write why the grade changes")
    problems.raise_any()
    now = clock.now()
    review.done_at = now
    review.done_by_id = actor.id
    review.done_by_name = actor.display_name
    review.decision = data.decision
    review.plan = data.plan
    review.reporter_contact = data.reporter_contact
    if changed and data.new_grade is not None:
        answers = RiskAnswers.model_validate(latest[0].answers) if latest else RiskAnswers()
        grade(
            session,
            actor,
            episode,
            person,
            GradingInput(
                answers=answers,
                grade=data.new_grade,
                rationale=data.rationale,
                below_reason=data.rationale,
                cra_decision=data.cra_decision,
                version=episode.version,
            ),
        )
    review.grade_after = episode.risk_grade
    tasks.resolve(session, review_topic(review))
    if review.kind == clocks.RETURN and data.remote_agreed == "yes":
        check = dict(episode.prevention_interview or {})
        check["remote_agreed_by"] = actor.display_name
        check["remote_agreed_at"] = now.isoformat()
        episode.prevention_interview = check
    if (
        not changed
        and review.kind in ("first", "regular")
        and episode.status is EpisodeStatus.missing
        and episode.risk_grade is not None
    ):
        _schedule(session, episode, clocks.next_review(episode.risk_grade, now))
    _touch(episode)
    db.flush_or_conflict(session, STALE)
    audit.record(
        session,
        actor,
        "review",
        SUBJECT,
        episode.id,
        after={
            "review": review.id,
            "decision": data.decision,
            "grade": _grade_value(episode),
            "language": words.stored(),
        },
    )
    return review


def _check_return_review(episode: Episode, data: ReviewInput, problems: Problems) -> None:
    """A review of a child's return confirms what was done on return: it is done once the
    safe-and-well check is recorded, and agrees to a check that was not face to face."""
    if data.decision != "confirmed":
        problems.add("decision", "The review of a return confirms the grade: it cannot change it")
    check = episode.prevention_interview or {}
    if not check.get("held_at"):
        problems.add("decision", "Record the safe-and-well check before reviewing the return")
    elif not check.get("face_to_face") and data.remote_agreed != "yes":
        problems.add(
            "remote_agreed",
            "The check was not face to face: agree that it may stand, or arrange a check face "
            "to face and record it before reviewing the return",
        )


def _grade_value(episode: Episode) -> str | None:
    return episode.risk_grade.value if episode.risk_grade else None


@dataclass
class BoardRow:
    review: Review | None
    episode: Episode
    person: Person
    rank_now: Role | None
    overdue: bool


def review_board(
    session: Session, actor: Actor, *, page: int = 1, per_page: int = 25
) -> tuple[list[BoardRow], int]:
    """One page of the reviews owed on open episodes, overdue first, with the rank that must act
    now, and how many there are: the next review of each rank on each episode, so that a senior
    review shows beside the inspector's. Ungraded reports come first of all, with the grading
    clock's escalation: they need a grade before a review clock can run."""
    access.require(actor, "person.view")
    now = clock.now()
    visible = access.visible(actor, Episode)
    # Ungraded reports, oldest first, each with its grading clock (none for old data).
    open_review = (Review.done_at.is_(None), Review.cancelled_at.is_(None))
    grading_clock = (Review.episode_id == Episode.id, Review.kind == clocks.GRADING, *open_review)
    grading_due: dict[int, Review] = {}
    ungraded: list[tuple[int, str | None]] = []
    for episode_id, owed_grade in session.execute(
        select(Episode.id, Review)
        .outerjoin(Review, and_(*grading_clock))
        .where(visible, Episode.status == EpisodeStatus.missing, Episode.risk_grade.is_(None))
        .order_by(Episode.reported_at, Episode.id)
    ):
        ungraded.append((episode_id, None))
        if owed_grade is not None:  # None: a report from before the grading clock
            grading_due[episode_id] = owed_grade
    next_due = (
        select(Review.episode_id, Review.rank, func.min(Review.due_at).label("due_at"))
        .where(*open_review, Review.kind != clocks.GRADING)
        .group_by(Review.episode_id, Review.rank)
        .subquery()
    )
    due: list[tuple[int, str | None]] = [
        (episode_id, rank)
        for episode_id, rank in session.execute(
            select(next_due.c.episode_id, next_due.c.rank)
            .join(Episode, Episode.id == next_due.c.episode_id)
            .where(visible, Episode.status != EpisodeStatus.closed)
            .order_by(next_due.c.due_at, next_due.c.episode_id, next_due.c.rank)
        )
    ]
    ordered = ungraded + due
    total = len(ordered)
    shown = ordered[(page - 1) * per_page : page * per_page]
    ids = sorted({episode_id for episode_id, _ in shown})
    people = {
        episode.id: (episode, person)
        for episode, person in session.execute(
            select(Episode, Person)
            .join(Person, Person.id == Episode.person_id)
            .where(Episode.id.in_(ids))
        )
    }
    reviews_due: dict[tuple[int, str], Review] = {}
    for review in session.scalars(
        select(Review)
        .where(Review.episode_id.in_(ids), *open_review, Review.kind != clocks.GRADING)
        .order_by(Review.due_at, Review.id)
    ):
        reviews_due.setdefault((review.episode_id, review.rank), review)
    rows: list[BoardRow] = []
    for episode_id, rank in shown:
        episode, person = people[episode_id]
        due_review = reviews_due.get((episode_id, rank)) if rank is not None else None
        if due_review is None:
            grading = grading_due.get(episode_id)
            rank_now = clocks.escalated(clocks.GRADER, grading.due_at, now) if grading else None
            overdue = grading is not None and grading.due_at < now
            rows.append(BoardRow(grading, episode, person, rank_now, overdue))
            continue
        rank_now = clocks.escalated(Role(due_review.rank), due_review.due_at, now)
        rows.append(BoardRow(due_review, episode, person, rank_now, due_review.due_at < now))
    if rows:
        audit.record(
            session,
            actor,
            "view",
            "review_board",
            None,
            after={"shown": ids, "page": page},
            justification="Supervision review board",
        )
    return rows, total
