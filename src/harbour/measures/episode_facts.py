"""What the measures need to know about each episode, worked out from the records of its person:
every episode of theirs (for repeats and going missing again), each episode's first grading, and
the exploitation concerns recorded about them. `measures.store` keeps these in the
`measure_episode` table; nothing here reads through the access policy (the table is read
through it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from harbour import timefmt
from harbour.episodes.models import Episode, Grading
from harbour.exploitation.models import Cawn, NrmReferral, Screening
from harbour.measures.groups import Who, who
from harbour.people.models import CHILD_AGE, Person, Place
from harbour.risk import language
from harbour.risk.policy import ORDER
from harbour.settings import get_settings

# Flags on a person's record that say the force holds an exploitation concern.
EXPLOITATION_FLAGS = frozenset({"cse_risk", "cce_risk", "county_lines", "trafficking"})
NO_CONCERNS = "no_concerns"
# How soon after a return a new report counts as going missing again (decision quality).
REMISSING = timedelta(days=14)
CHUNK = 500


@dataclass
class EpisodeFact:
    id: int
    person_id: int
    organisation_id: int
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


PERSON = (
    Person.date_of_birth,
    Person.sex,
    Person.ethnicity,
    Person.observed_ethnicity,
    Person.looked_after,
    Person.flags,
    Place.borough,
)


def time_of(value: Any) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def who_of(row: Any, at: datetime | None) -> Who:
    """The breakdown groups of a row holding the PERSON columns, on the day `at`."""
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
    held = time_of(rhi.get("held_at"))
    status = rhi.get("status") or (
        "held" if held else "declined" if rhi.get("declined") else "offered"
    )
    return status, held if status == "held" else None


def below(grade: str | None, suggested: str | None) -> bool:
    """Whether a grade is below the policy's suggestion."""
    if grade is None or suggested is None:
        return False
    order = [g.value for g in ORDER]
    return order.index(grade) < order.index(suggested)


def for_people(session: Session, person_ids: Sequence[int]) -> list[EpisodeFact]:
    """The facts of every episode of these people."""
    found: list[EpisodeFact] = []
    ids = sorted(set(person_ids))
    for i in range(0, len(ids), CHUNK):
        found.extend(_chunk(session, ids[i : i + CHUNK]))
    return found


def _chunk(session: Session, person_ids: list[int]) -> list[EpisodeFact]:
    window = timedelta(days=get_settings().repeat_trigger_days)
    count = get_settings().repeat_trigger_count
    rows = session.execute(
        select(
            Episode.id,
            Episode.person_id,
            Episode.organisation_id,
            Episode.reported_at,
            Episode.imported,
            Episode.found_at,
            Episode.outcome,
            Episode.prevention_interview,
            Episode.rhi,
            *PERSON,
        )
        .join(Person, Person.id == Episode.person_id)
        .outerjoin(Place, Place.id == Person.home_place_id)
        .where(Episode.person_id.in_(person_ids))
        .order_by(Episode.person_id, Episode.reported_at, Episode.id)
    ).all()
    facts: dict[int, EpisodeFact] = {}
    earlier: dict[int, list[datetime]] = defaultdict(list)
    previous: EpisodeFact | None = None
    for row in rows:
        if (
            previous is not None
            and previous.person_id == row.person_id
            and previous.found_at is not None
            and previous.found_at <= row.reported_at
        ):
            previous.missing_again_at = row.reported_at
        seen = earlier[row.person_id]
        seen.append(row.reported_at)
        age = timefmt.age(row.date_of_birth, timefmt.local(row.reported_at).date())
        check = row.prevention_interview or {}
        status, held = _rhi(row.rhi)
        previous = facts[row.id] = EpisodeFact(
            id=row.id,
            person_id=row.person_id,
            organisation_id=row.organisation_id,
            reported_at=row.reported_at,
            who=who_of(row, row.reported_at),
            child=age is not None and age < CHILD_AGE,
            live=not row.imported,
            found_at=row.found_at,
            outcome=row.outcome.value if row.outcome is not None else None,
            check_held=bool(check.get("held_at")),
            check_face_to_face=check.get("face_to_face"),
            rhi_status=status,
            rhi_held_at=held,
            repeat=len([t for t in seen if row.reported_at - t <= window]) >= count,
            exploitation_flagged=bool(EXPLOITATION_FLAGS & set(row.flags or ())),
        )
    _first_gradings(session, facts)
    _concerns(session, person_ids, list(facts.values()))
    return list(facts.values())


def _first_gradings(session: Session, facts: dict[int, EpisodeFact]) -> None:
    lexicon = language.current_lexicon()
    ids = sorted(facts)
    for i in range(0, len(ids), CHUNK):
        for g in session.execute(
            select(
                Grading.episode_id,
                Grading.graded_at,
                Grading.grade,
                Grading.force_data_shown,
                Grading.suggested_grade,
                Grading.rationale,
                Grading.below_reason,
            )
            .where(Grading.episode_id.in_(ids[i : i + CHUNK]))
            .order_by(Grading.episode_id, Grading.graded_at, Grading.id)
        ):
            fact = facts[g.episode_id]
            if fact.first_graded_at is not None:
                continue
            fact.first_graded_at = g.graded_at
            fact.first_force_data_shown = g.force_data_shown
            fact.first_grade, fact.first_suggested = g.grade.value, g.suggested_grade.value
            said = " ".join(t for t in (g.rationale, g.below_reason) if t)
            fact.first_language = bool(language.check(said, lexicon)) if said else False


def _concerns(session: Session, person_ids: list[int], facts: list[EpisodeFact]) -> None:
    """Mark the episodes after whose report an exploitation concern was recorded about the
    person: a screening with concerns, an NRM referral or a warning notice."""
    last: dict[int, datetime] = {}
    for model, at, extra in (
        (Screening, Screening.screened_at, [Screening.outcome != NO_CONCERNS]),
        (NrmReferral, NrmReferral.referred_at, []),
        (Cawn, Cawn.issued_at, []),
    ):
        for person_id, latest in session.execute(
            select(model.person_id, func.max(at))
            .where(model.person_id.in_(person_ids), *extra)
            .group_by(model.person_id)
        ):
            if latest is not None and (person_id not in last or latest > last[person_id]):
                last[person_id] = latest
    for e in facts:
        concern = last.get(e.person_id)
        e.concern_after = concern is not None and concern > e.reported_at
