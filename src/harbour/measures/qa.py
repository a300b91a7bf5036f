"""Decision quality: a supervisor draws a sample of the period's children graded low at first
(below the policy's suggestion, or no higher than the child minimum) and of calls not sent to
police, opens each record, and records whether the decision was right. The verdicts are counted
beside the measures; each draw and verdict is in the audit log.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from harbour import clock, db
from harbour.access import service as access
from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.calls.models import Call, CallDecision, CallStatus
from harbour.calls.records import NOT_POLICE
from harbour.errors import Conflict
from harbour.measures import service, store
from harbour.measures.models import EpisodeFactRow as F
from harbour.measures.models import QaReview
from harbour.risk.policy import ORDER, current_policy
from harbour.validation import Problems

ACTION = "measures.qa"
SUBJECT = "qa_review"
LOW_GRADE, DEFLECTION = "low_grade", "deflection"
KINDS: Mapping[str, str] = {
    LOW_GRADE: "Child graded low at first",
    DEFLECTION: "Call not sent to police",
}
VERDICTS: Mapping[str, Mapping[str, str]] = {
    LOW_GRADE: {
        "right": "The grade was right on what was known",
        "higher": "It should have been graded higher",
        "unclear": "Too little was recorded to tell",
    },
    DEFLECTION: {
        "right": "Not sending police was right",
        "police": "Police should have attended",
        "unclear": "Too little was recorded to tell",
    },
}
STALE = "Someone else recorded a verdict on this decision meanwhile: look again."
MOST = 50


def _words(grade: str | None) -> str:
    return (grade or "").replace("_", " ")


def _low_grades(session: Session, actor: Actor, start_day: date, end_day: date) -> list[QaReview]:
    start, end = service.bounds(start_day, end_day)
    # The child minimum and the grades below it (a child cannot be graded lower).
    low = [g.value for g in ORDER[: ORDER.index(current_policy().child_minimum) + 1]]
    sampled = select(QaReview.episode_id).where(QaReview.episode_id.is_not(None))
    rows = session.execute(
        select(F.episode_id, F.organisation_id, F.first_grade, F.first_suggested, F.first_graded_at)
        .where(
            access.visible(actor, F, ACTION),
            F.reported_at >= start,
            F.reported_at < end,
            F.child,
            F.live,
            F.first_grade.is_not(None),
            or_(F.first_below, F.first_grade.in_(low)),
            F.episode_id.not_in(sampled),
        )
        .order_by(F.reported_at.desc())
        .limit(5000)
    ).all()
    return [
        QaReview(
            organisation_id=r.organisation_id,
            kind=LOW_GRADE,
            episode_id=r.episode_id,
            decided=f"{_words(r.first_grade)} (suggested {_words(r.first_suggested)})",
            decided_at=r.first_graded_at,
        )
        for r in rows
    ]


def _deflections(session: Session, actor: Actor, start_day: date, end_day: date) -> list[QaReview]:
    start, end = service.bounds(start_day, end_day)
    latest = select(func.max(CallDecision.id)).group_by(CallDecision.call_id).scalar_subquery()
    sampled = select(QaReview.call_id).where(QaReview.call_id.is_not(None))
    rows = session.execute(
        select(
            Call.id,
            Call.organisation_id,
            CallDecision.outcome,
            CallDecision.suggested_outcome,
            CallDecision.decided_at,
        )
        .join(CallDecision, CallDecision.call_id == Call.id)
        .where(
            CallDecision.id.in_(latest),
            access.visible(actor, Call, ACTION),
            Call.status == CallStatus.decided,
            Call.decided_at >= start,
            Call.decided_at < end,
            CallDecision.outcome.in_(NOT_POLICE),
            Call.id.not_in(sampled),
        )
        .order_by(Call.decided_at.desc())
        .limit(5000)
    ).all()
    return [
        QaReview(
            organisation_id=r.organisation_id,
            kind=DEFLECTION,
            call_id=r.id,
            decided=f"{_words(r.outcome)} (suggested {_words(r.suggested_outcome)})",
            decided_at=r.decided_at,
        )
        for r in rows
    ]


def draw(
    session: Session, actor: Actor, start_day: date, end_day: date, *, size: int = 10
) -> dict[str, int]:
    """Add up to `size` of each kind, at random, from the period's decisions not yet sampled;
    return how many of each were added."""
    access.require(actor, ACTION)
    service.check_period(start_day, end_day)
    problems = Problems("Check the sample")
    if not 1 <= size <= MOST:
        problems.add("size", f"Choose from 1 to {MOST} of each")
    problems.raise_any()
    store.catch_up(session)  # the facts of what this session changed
    now = clock.now()
    added: dict[str, int] = {}
    for kind, candidates in (
        (LOW_GRADE, _low_grades(session, actor, start_day, end_day)),
        (DEFLECTION, _deflections(session, actor, start_day, end_day)),
    ):
        chosen = random.sample(candidates, min(size, len(candidates)))
        for review in chosen:
            review.sampled_at, review.sampled_by_id = now, actor.id
            session.add(review)
        added[kind] = len(chosen)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        SUBJECT,
        None,
        after={"from": start_day.isoformat(), "to": end_day.isoformat(), **added},
    )
    return added


@dataclass(frozen=True)
class Listed:
    waiting: list[QaReview]
    done: list[QaReview]
    counts: dict[tuple[str, str], int]  # (kind, verdict): how many


def listed(session: Session, actor: Actor) -> Listed:
    """The sample waiting for a verdict (oldest first), the latest verdicts, and all counts."""
    access.require(actor, ACTION)
    visible = access.visible(actor, QaReview)
    waiting = list(
        session.scalars(
            select(QaReview).where(visible, QaReview.verdict.is_(None)).order_by(QaReview.id)
        )
    )
    done = list(
        session.scalars(
            select(QaReview)
            .where(visible, QaReview.verdict.is_not(None))
            .order_by(QaReview.reviewed_at.desc())
            .limit(50)
        )
    )
    counts: dict[tuple[str, str], int] = {
        (kind, verdict or ""): n
        for kind, verdict, n in session.execute(
            select(QaReview.kind, QaReview.verdict, func.count())
            .where(visible, QaReview.verdict.is_not(None))
            .group_by(QaReview.kind, QaReview.verdict)
        )
    }
    return Listed(waiting, done, counts)


def record_verdict(
    session: Session, actor: Actor, review_id: int, verdict: str, notes: str, version: int
) -> QaReview:
    """Record a supervisor's verdict on one sampled decision (why, unless it was right)."""
    review = access.fetch(session, actor, QaReview, review_id, ACTION)
    if review.version != version or review.verdict is not None:
        raise Conflict(STALE)
    problems = Problems("Check the verdict")
    if verdict not in VERDICTS[review.kind]:
        problems.add(f"verdict-{review.id}", "Choose a verdict")
    if verdict != "right" and not notes.strip():
        problems.add(f"notes-{review.id}", "Say what should have been decided, and why")
    problems.raise_any()
    review.verdict, review.notes = verdict, notes.strip() or None
    review.reviewed_at, review.reviewed_by_id = clock.now(), actor.id
    review.reviewed_by_name = actor.display_name
    db.flush_or_conflict(session, STALE)
    audit.record(
        session,
        actor,
        "update",
        SUBJECT,
        review.id,
        before={"verdict": None},
        after={"verdict": verdict, "kind": review.kind},
    )
    return review
