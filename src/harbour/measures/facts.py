"""The records the measures count, read once per period into plain facts.

Each fact is one counted thing (an episode, a supervisor review, a decided call, a screening, an
NRM referral, a CAWN) with what the measures need to know about it and who it is about
(`groups.Who`). Everything is read through the access policy (the scope of `measures.view`):
a leader's figures count only the records of their force. The queries are the same for the
dashboard and `harbour measures`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from harbour import timefmt
from harbour.access import service as access
from harbour.actor import Actor
from harbour.calls.models import Call, CallDecision, CallStatus
from harbour.calls.records import NOT_POLICE
from harbour.calls.schemas import POLICE_OUTCOMES
from harbour.episodes.models import Episode, Grading, Review
from harbour.exploitation.models import Cawn, NrmReferral, Screening
from harbour.measures.groups import NOBODY, Who, who
from harbour.people.models import CHILD_AGE, Person, Place
from harbour.risk import language
from harbour.settings import get_settings

# The action that lets a role read the measures, and the scope its figures count in: aggregates
# of the records in that scope, not the records themselves.
VIEW = "measures.view"
# Flags on a person's record that say the force holds an exploitation concern.
EXPLOITATION_FLAGS = frozenset({"cse_risk", "cce_risk", "county_lines", "trafficking"})
# How soon after a return a new report counts as going missing again (decision quality).
REMISSING = timedelta(days=14)
NO_CONCERNS = "no_concerns"
# Review kinds that are supervision of a grade (the first grade owed is the grading measure's).
GRADING_KIND = "grading"


@dataclass
class EpisodeFact:
    id: int
    person_id: int
    reported_at: datetime
    who: Who
    child: bool  # under 18 on the day of the report (an unknown age is not counted a child)
    live: bool  # recorded in Harbour, not imported history
    first_graded_at: datetime | None = None
    first_force_data_shown: bool | None = None
    first_grade: str | None = None
    first_suggested: str | None = None
    first_language: bool = False  # a phrase the force asks staff to challenge, in the rationale
    found_at: datetime | None = None
    outcome: str | None = None
    check_held: bool = False
    check_face_to_face: bool | None = None
    rhi_status: str | None = None  # held, declined, not_held, offered
    rhi_held_at: datetime | None = None
    repeat: bool = False  # the person's third or later episode within the repeat window
    exploitation_flagged: bool = False
    missing_again_at: datetime | None = None  # the person's next report after this return
    concern_after: bool = False  # an exploitation concern recorded after this report


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
    episodes: list[EpisodeFact] = field(default_factory=list)
    reviews: list[ReviewFact] = field(default_factory=list)
    calls: list[CallFact] = field(default_factory=list)
    screenings: list[tuple[Who, datetime]] = field(default_factory=list)
    nrm: list[tuple[Who, datetime, str | None]] = field(default_factory=list)  # the RG decision
    cawns: list[tuple[Who, datetime]] = field(default_factory=list)


def _time(value: Any) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


_PERSON = (
    Person.date_of_birth,
    Person.sex,
    Person.ethnicity,
    Person.observed_ethnicity,
    Person.looked_after,
    Person.flags,
    Place.borough,
)


def _who(row: Any, at: datetime | None) -> Who:
    day = timefmt.local(at).date() if at else None
    return who(
        borough=row.borough,
        age=timefmt.age(row.date_of_birth, day) if day else None,
        sex=row.sex.value if row.sex is not None else None,
        ethnicity=row.ethnicity,
        observed_ethnicity=row.observed_ethnicity,
        looked_after=row.looked_after,
    )


def _rhi(rhi: dict[str, Any] | None) -> tuple[str | None, datetime | None]:
    """The return home interview's state: live ones say it, imported ones imply it."""
    if not rhi:
        return None, None
    held = _time(rhi.get("held_at"))
    status = rhi.get("status") or (
        "held" if held else "declined" if rhi.get("declined") else "offered"
    )
    return status, held if status == "held" else None


def _episodes(session: Session, actor: Actor, facts: Facts) -> None:
    window = timedelta(days=get_settings().repeat_trigger_days)
    rows = session.execute(
        select(
            Episode.id,
            Episode.person_id,
            Episode.reported_at,
            Episode.imported,
            Episode.found_at,
            Episode.outcome,
            Episode.prevention_interview,
            Episode.rhi,
            *_PERSON,
        )
        .join(Person, Person.id == Episode.person_id)
        .outerjoin(Place, Place.id == Person.home_place_id)
        .where(
            access.visible(actor, Episode, VIEW),
            Episode.reported_at >= facts.start - window,
            Episode.reported_at < facts.end + REMISSING,
        )
        .order_by(Episode.person_id, Episode.reported_at, Episode.id)
    ).all()
    count = get_settings().repeat_trigger_count
    earlier: dict[int, list[datetime]] = defaultdict(list)
    kept: dict[int, EpisodeFact] = {}
    previous: EpisodeFact | None = None
    for row in rows:
        if (
            previous is not None
            and previous.person_id == row.person_id
            and previous.found_at is not None
            and previous.found_at <= row.reported_at
        ):
            previous.missing_again_at = row.reported_at
        previous = None
        seen = earlier[row.person_id]
        seen.append(row.reported_at)
        if row.reported_at < facts.start or row.reported_at >= facts.end:
            continue
        recent = [t for t in seen if row.reported_at - t <= window]
        mine = _who(row, row.reported_at)
        age = timefmt.age(row.date_of_birth, timefmt.local(row.reported_at).date())
        check = row.prevention_interview or {}
        status, held = _rhi(row.rhi)
        kept[row.id] = EpisodeFact(
            id=row.id,
            person_id=row.person_id,
            reported_at=row.reported_at,
            who=mine,
            child=age is not None and age < CHILD_AGE,
            live=not row.imported,
            found_at=row.found_at,
            outcome=row.outcome.value if row.outcome is not None else None,
            check_held=bool(check.get("held_at")),
            check_face_to_face=check.get("face_to_face"),
            rhi_status=status,
            rhi_held_at=held,
            repeat=len(recent) >= count,
            exploitation_flagged=bool(EXPLOITATION_FLAGS & set(row.flags or ())),
        )
        previous = kept[row.id]
    facts.episodes = list(kept.values())
    _gradings(session, actor, facts, kept)
    _concerns(session, facts)


def _gradings(session: Session, actor: Actor, facts: Facts, kept: dict[int, EpisodeFact]) -> None:
    """Each episode's first grading, and every review that fell due in the period with the
    grade its episode had then."""
    gradings = session.execute(
        select(
            Grading.episode_id,
            Grading.graded_at,
            Grading.grade,
            Grading.force_data_shown,
            Grading.suggested_grade,
            Grading.rationale,
            Grading.below_reason,
        )
        .join(Episode, Episode.id == Grading.episode_id)
        .where(
            access.visible(actor, Episode, VIEW),
            Episode.reported_at >= facts.start,
            Episode.reported_at < facts.end,
        )
        .order_by(Grading.episode_id, Grading.graded_at, Grading.id)
    ).all()
    history: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
    lexicon = language.current_lexicon()
    for g in gradings:
        fact = kept.get(g.episode_id)
        if fact is None:
            continue
        if fact.first_graded_at is None:
            fact.first_graded_at = g.graded_at
            fact.first_force_data_shown = g.force_data_shown
            fact.first_grade, fact.first_suggested = g.grade.value, g.suggested_grade.value
            said = " ".join(t for t in (g.rationale, g.below_reason) if t)
            fact.first_language = bool(language.check(said, lexicon)) if said else False
        history[g.episode_id].append((g.graded_at, g.grade.value))
    reviews = session.execute(
        select(Review.episode_id, Review.due_at, Review.done_at, *_PERSON)
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
    graded = _grade_history(session, actor, [r.episode_id for r in reviews], history)
    for r in reviews:
        before = [grade for at, grade in graded.get(r.episode_id, []) if at <= r.due_at]
        facts.reviews.append(
            ReviewFact(_who(r, r.due_at), before[-1] if before else "ungraded", r.due_at, r.done_at)
        )


def _grade_history(
    session: Session,
    actor: Actor,
    episode_ids: list[int],
    known: dict[int, list[tuple[datetime, str]]],
) -> dict[int, list[tuple[datetime, str]]]:
    """The gradings of episodes reported before the period whose reviews fell due in it."""
    wanted = sorted(set(episode_ids) - set(known))
    history = dict(known)
    for i in range(0, len(wanted), 500):
        for g in session.execute(
            select(Grading.episode_id, Grading.graded_at, Grading.grade)
            .where(Grading.episode_id.in_(wanted[i : i + 500]))
            .order_by(Grading.episode_id, Grading.graded_at, Grading.id)
        ):
            history.setdefault(g.episode_id, []).append((g.graded_at, g.grade.value))
    return history


def _concerns(session: Session, facts: Facts) -> None:
    """Mark the episodes after whose report an exploitation concern was recorded about the
    person: a screening with concerns, an NRM referral or a warning notice."""
    people = sorted({e.person_id for e in facts.episodes})
    last: dict[int, datetime] = {}
    for i in range(0, len(people), 500):
        chunk = people[i : i + 500]
        for model, at, extra in (
            (Screening, Screening.screened_at, [Screening.outcome != NO_CONCERNS]),
            (NrmReferral, NrmReferral.referred_at, []),
            (Cawn, Cawn.issued_at, []),
        ):
            for person_id, latest in session.execute(
                select(model.person_id, func.max(at))
                .where(model.person_id.in_(chunk), *extra)
                .group_by(model.person_id)
            ):
                if latest is None:
                    continue
                if person_id not in last or latest > last[person_id]:
                    last[person_id] = latest
    for e in facts.episodes:
        concern = last.get(e.person_id)
        e.concern_after = concern is not None and concern > e.reported_at


def _calls(session: Session, actor: Actor, facts: Facts) -> None:
    latest = select(func.max(CallDecision.id)).group_by(CallDecision.call_id).scalar_subquery()
    police = {o.value for o in POLICE_OUTCOMES}
    rows = session.execute(
        select(CallDecision.outcome, CallDecision.suggested_outcome, Call.decided_at, *_PERSON)
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
                who=_who(row, row.decided_at) if row.sex is not None else NOBODY,
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
            select(at.label("at"), *_PERSON)
            .select_from(model)
            .join(Person, Person.id == model.person_id)
            .outerjoin(Place, Place.id == Person.home_place_id)
            .where(access.visible(actor, model, VIEW), at >= facts.start, at < facts.end)
        ):
            target.append((_who(row, row.at), row.at))
    for nrm in session.execute(
        select(NrmReferral.referred_at, NrmReferral.rg_decision, *_PERSON)
        .join(Person, Person.id == NrmReferral.person_id)
        .outerjoin(Place, Place.id == Person.home_place_id)
        .where(
            access.visible(actor, NrmReferral, VIEW),
            NrmReferral.referred_at >= facts.start,
            NrmReferral.referred_at < facts.end,
        )
    ):
        facts.nrm.append((_who(nrm, nrm.referred_at), nrm.referred_at, nrm.rg_decision))


def read(session: Session, actor: Actor, start: datetime, end: datetime, now: datetime) -> Facts:
    """Every fact of the period [start, end) that the actor may see."""
    facts = Facts(start, end, now)
    _episodes(session, actor, facts)
    _calls(session, actor, facts)
    _exploitation(session, actor, facts)
    return facts
