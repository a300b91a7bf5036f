"""Grading an episode's risk: the suggestion, the grader's choice and why, and who is told of a
high grade.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from harbour import clock, db, timefmt
from harbour.access import service as access
from harbour.actor import Actor, Role
from harbour.audit import service as audit
from harbour.episodes import clocks
from harbour.episodes.force_data import complete_answers, force_answers, force_data, set_aside
from harbour.episodes.models import (
    Episode,
    EpisodeStatus,
    Grading,
)
from harbour.episodes.records import (
    STALE,
    SUBJECT,
    _check_version,
    _touch,
    _words,
    age_at,
    is_child,
    missing_topic,
    open_reviews,
    person_of,
    review_topic,
)
from harbour.episodes.schedule import _replan, _schedule
from harbour.episodes.schemas import GradingInput
from harbour.errors import Conflict
from harbour.people.models import Person
from harbour.risk.grades import RiskGrade
from harbour.risk.policy import ORDER, current_policy, suggest
from harbour.risk.schemas import RiskAnswers, Suggestion
from harbour.tasks import service as tasks
from harbour.validation import Problems


def suggestion_for(person: Person, episode: Episode, answers: RiskAnswers) -> Suggestion:
    return suggest(current_policy(), age_at(person, episode.reported_at), answers)


def grade(
    session: Session, actor: Actor, episode: Episode, person: Person, data: GradingInput
) -> Grading:
    """Save a grading: the grader's grade and rationale beside the policy's suggestion."""
    access.require(actor, "episode.grade", episode)
    _check_version(episode, data.version)
    if episode.status is EpisodeStatus.closed:
        raise Conflict("This episode is closed: it cannot be graded again.")
    policy = current_policy()
    data = data.model_copy(
        update={"answers": complete_answers(session, actor, episode, person, data.answers)}
    )
    suggestion = suggestion_for(person, episode, data.answers)
    problems = Problems(data.summary)
    held = force_answers(person, force_data(session, actor, person, exclude=episode.id))
    lowered = set_aside(held, data.answers)
    if lowered and not data.override_reason:
        problems.add(
            "override_reason",
            f"Say why you set aside what the force holds ({', '.join(lowered)}): the "
            "reviewing supervisor will see it",
        )
    child = is_child(person, episode)
    chosen = data.grade
    if child and ORDER.index(chosen) < ORDER.index(policy.child_minimum):
        problems.add(
            "grade",
            f"A child under {policy.child_age} cannot be graded below "
            f"{_words(policy.child_minimum)}",
        )
    below = ORDER.index(chosen) < ORDER.index(suggestion.grade)
    if below and not data.below_reason:
        problems.add(
            "below_reason",
            f"Say why the grade is lower than the suggested {_words(suggestion.grade)}: "
            "a supervisor will review it",
        )
    if child and chosen is RiskGrade.high and not data.cra_decision:
        problems.add(
            "cra_decision",
            "Record whether a Child Rescue Alert was considered and what was decided",
        )
    problems.raise_any()
    return _save_grading(session, actor, episode, chosen, suggestion, data)


def _save_grading(
    session: Session,
    actor: Actor,
    episode: Episode,
    chosen: RiskGrade,
    suggestion: Suggestion,
    data: GradingInput,
) -> Grading:
    now = clock.now()
    below = ORDER.index(chosen) < ORDER.index(suggestion.grade)
    record = Grading(
        episode_id=episode.id,
        grade=chosen,
        suggested_grade=suggestion.grade,
        policy_version=suggestion.policy_version,
        answers=data.answers.model_dump(exclude_none=True),
        reasons=[r.model_dump() for r in suggestion.reasons],
        rationale=data.rationale or "",
        below_reason=data.below_reason if below else None,
        override_reason=data.override_reason,
        cra_decision=data.cra_decision,
        force_data_shown=data.force_data_shown,
        graded_by_id=actor.id,
        graded_by_name=actor.display_name,
        graded_at=now,
    )
    session.add(record)
    previous = episode.risk_grade
    episode.risk_grade = chosen
    episode.graded_at = now
    _touch(episode)
    if episode.status is EpisodeStatus.missing and previous is not chosen:
        _replan(session, episode, chosen, now, first=previous is None)
    if previous is None:
        _grading_done(session, actor, episode, now)
    if below:
        due = clocks.below_suggestion_review(chosen, now, actor.role)
        _schedule(session, episode, due)
    db.flush_or_conflict(session, STALE)
    if chosen is RiskGrade.high and previous is not RiskGrade.high:
        _tell_high_risk(session, actor, episode)
    audit.record(
        session,
        actor,
        "grade",
        SUBJECT,
        episode.id,
        before={"risk_grade": previous.value if previous else None},
        after={
            "risk_grade": chosen.value,
            "suggested": suggestion.grade.value,
            "grading": record.id,
            "force_data_set_aside": record.override_reason is not None,
        },
    )
    return record


def _grading_done(session: Session, actor: Actor, episode: Episode, now: datetime) -> None:
    """The first grade stops the grading clock, and its reminders end."""
    for review in open_reviews(session, episode):
        if review.kind == clocks.GRADING:
            review.done_at = now
            review.done_by_id = actor.id
            review.done_by_name = actor.display_name
            tasks.resolve(session, review_topic(review))


def _tell_high_risk(session: Session, actor: Actor, episode: Episode) -> None:
    """Tell the episode's owner and everyone of the rank that must review it, at once."""
    person = person_of(session, episode)
    waiting = open_reviews(session, episode)  # soonest due first
    due = waiting[0] if waiting else None
    ranks = {Role(r.rank) for r in waiting if r.kind != "senior"}
    readers = tasks.users_with_roles(session, episode.organisation_id, ranks)
    owner = [episode.owner_id] if episode.owner_id != actor.id else []
    when = f"; review due by {timefmt.absolute(due.due_at)}" if due else ""
    text = f"High risk: {person.display_name} is missing{when}."
    tasks.notify(
        session,
        [*owner, *(r for r in readers if r != actor.id)],
        text,
        f"/episodes/{episode.id}",
        topic=missing_topic(episode),
    )
