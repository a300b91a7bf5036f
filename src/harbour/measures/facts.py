"""The records the measures count, read once per period into plain facts.

Each fact is one counted thing, with what the measures need to know about it and who it is about
(`groups.Who`): an episode (from the `measure_episode` table that `measures.store` keeps in
step), a supervisor review, a decided call, a screening, an NRM referral or a CAWN (from their
own tables). Everything is read through the access policy (the scope of `measures.view`): a
leader's figures count only the records of their force. The queries are the same for the
dashboard and `harbour measures`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from harbour.access import service as access
from harbour.actor import Actor
from harbour.calls.models import Call, CallDecision, CallStatus
from harbour.calls.records import NOT_POLICE
from harbour.calls.schemas import POLICE_OUTCOMES
from harbour.episodes.models import Episode, Grading, Review
from harbour.exploitation.models import Cawn, NrmReferral, Screening
from harbour.measures import store
from harbour.measures.episode_facts import PERSON, who_of
from harbour.measures.episode_sql import Period
from harbour.measures.groups import NOBODY, Who
from harbour.measures.models import EpisodeFactRow
from harbour.people.models import Person, Place

# The action that lets a role read the measures, and the scope its figures count in: aggregates
# of the records in that scope, not the records themselves.
VIEW = "measures.view"
# Review kinds that are supervision of a grade (the first grade owed is the grading measure's).
GRADING_KIND = "grading"


@dataclass
class ReviewFact:
    who: Who
    grade: str  # the episode's grade when the review fell due (or "ungraded")
    due_at: datetime
    done_at: datetime | None


@dataclass
class CallFact:
    who: Who
    decided_at: datetime
    outcome: str
    suggested_police: bool
    not_police: bool


@dataclass
class Facts:
    start: datetime
    end: datetime
    now: datetime
    period: Period  # the episode measures are counted in SQL over it (measures.episode_sql)
    reviews: list[ReviewFact] = field(default_factory=list)
    calls: list[CallFact] = field(default_factory=list)
    screenings: list[tuple[Who, datetime]] = field(default_factory=list)
    nrm: list[tuple[Who, datetime, str | None]] = field(default_factory=list)  # the RG decision
    cawns: list[tuple[Who, datetime]] = field(default_factory=list)


def _reviews(session: Session, actor: Actor, facts: Facts) -> None:
    """Every review that fell due in the period, with the grade its episode had then."""
    reviews = session.execute(
        select(Review.episode_id, Review.due_at, Review.done_at, *PERSON)
        .join(Episode, Episode.id == Review.episode_id)
        .join(Person, Person.id == Episode.person_id)
        .outerjoin(Place, Place.id == Person.home_place_id)
        .where(
            access.visible(actor, Episode, VIEW),
            Review.kind != GRADING_KIND,
            Review.cancelled_at.is_(None),
            Review.due_at >= facts.start,
            Review.due_at < min(facts.end, facts.now),
        )
    ).all()
    graded = _grade_history(session, [r.episode_id for r in reviews])
    for r in reviews:
        before = [grade for at, grade in graded.get(r.episode_id, []) if at <= r.due_at]
        facts.reviews.append(
            ReviewFact(
                who_of(r, r.due_at), before[-1] if before else "ungraded", r.due_at, r.done_at
            )
        )


def _grade_history(
    session: Session, episode_ids: list[int]
) -> dict[int, list[tuple[datetime, str]]]:
    """Each episode's gradings, oldest first."""
    wanted = sorted(set(episode_ids))
    history: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
    for i in range(0, len(wanted), 500):
        for g in session.execute(
            select(Grading.episode_id, Grading.graded_at, Grading.grade)
            .where(Grading.episode_id.in_(wanted[i : i + 500]))
            .order_by(Grading.episode_id, Grading.graded_at, Grading.id)
        ):
            history[g.episode_id].append((g.graded_at, g.grade.value))
    return history


def _calls(session: Session, actor: Actor, facts: Facts) -> None:
    latest = select(func.max(CallDecision.id)).group_by(CallDecision.call_id).scalar_subquery()
    police = {o.value for o in POLICE_OUTCOMES}
    rows = session.execute(
        select(CallDecision.outcome, CallDecision.suggested_outcome, Call.decided_at, *PERSON)
        .join(Call, Call.id == CallDecision.call_id)
        .outerjoin(Person, Person.id == Call.person_id)
        .outerjoin(Place, Place.id == Person.home_place_id)
        .where(
            CallDecision.id.in_(latest),
            access.visible(actor, Call, VIEW),
            Call.status == CallStatus.decided,
            Call.decided_at >= facts.start,
            Call.decided_at < facts.end,
        )
    ).all()
    for row in rows:
        facts.calls.append(
            CallFact(
                who=who_of(row, row.decided_at) if row.sex is not None else NOBODY,
                decided_at=row.decided_at,
                outcome=row.outcome,
                suggested_police=row.suggested_outcome in police,
                not_police=row.outcome in NOT_POLICE,
            )
        )


def _exploitation(session: Session, actor: Actor, facts: Facts) -> None:
    for model, at, target in (
        (Screening, Screening.screened_at, facts.screenings),
        (Cawn, Cawn.issued_at, facts.cawns),
    ):
        for row in session.execute(
            select(at.label("at"), *PERSON)
            .select_from(model)
            .join(Person, Person.id == model.person_id)
            .outerjoin(Place, Place.id == Person.home_place_id)
            .where(access.visible(actor, model, VIEW), at >= facts.start, at < facts.end)
        ):
            target.append((who_of(row, row.at), row.at))
    for nrm in session.execute(
        select(NrmReferral.referred_at, NrmReferral.rg_decision, *PERSON)
        .join(Person, Person.id == NrmReferral.person_id)
        .outerjoin(Place, Place.id == Person.home_place_id)
        .where(
            access.visible(actor, NrmReferral, VIEW),
            NrmReferral.referred_at >= facts.start,
            NrmReferral.referred_at < facts.end,
        )
    ):
        facts.nrm.append((who_of(nrm, nrm.referred_at), nrm.referred_at, nrm.rg_decision))


def read(session: Session, actor: Actor, start: datetime, end: datetime, now: datetime) -> Facts:
    """Every fact of the period [start, end) that the actor may see."""
    store.catch_up(session)  # what this session changed and has not committed yet
    scope = access.visible(actor, EpisodeFactRow, VIEW)
    facts = Facts(start, end, now, Period(session, scope, start, end, now))
    _reviews(session, actor, facts)
    _calls(session, actor, facts)
    _exploitation(session, actor, facts)
    return facts
