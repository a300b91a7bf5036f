"""Exploitation screening on a person's record, and what the screening pages share.

Every function takes the actor, checks the access table on the child's record, refuses stale
versions (the form sends the version it read) and writes the audit log. NRM referrals are in
`referrals`, Child Abduction Warning Notices in `notices`; the rules themselves (clocks,
eligibility, vocabularies) are pure functions in `rules`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour import clock, timefmt
from harbour.access import service as access
from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.episodes.models import Episode
from harbour.errors import ValidationFailed
from harbour.people.models import DatePrecision, Person
from harbour.risk.questions import EXPLOITATION_INDICATORS
from harbour.screening import rules
from harbour.screening.models import Cawn, NrmReferral, Screening
from harbour.tasks import service as tasks

SCREENING = "screening"
TASK_KIND = "exploitation_screening"


def invalid(name: str, message: str) -> ValidationFailed:
    """A refusal that names the form field to fix."""
    return ValidationFailed(message, field_errors={name: message})


def today() -> date:
    """Today in the force's time zone."""
    return timefmt.local(clock.now()).date()


def local_day(when: datetime) -> date:
    """The day a time falls on in the force's time zone."""
    return timefmt.local(when).date()


def exact_birth(person: Person) -> bool:
    """Tell whether the whole date of birth is known (not only the year or month)."""
    return person.dob_precision in (None, DatePrecision.day)


# -- finding ----------------------------------------------------------------------------------


def find_person(session: Session, actor: Actor, person_id: int, action: str) -> Person:
    """Load a person for an action: 404 out of the actor's view, 403 if the role may not act."""
    return access.fetch(session, actor, Person, person_id, action)


def person_of(session: Session, record: NrmReferral | Cawn) -> Person:
    """The child a referral or notice is about."""
    person = session.get(Person, record.person_id)
    assert person is not None
    return person


def permissions(actor: Actor, person: Person) -> dict[str, bool]:
    """What the actor may record on this person's page."""
    return {
        "screen": access.can(actor, "screening.record", person),
        "refer": access.can(actor, "nrm.refer", person),
        "cawn": access.can(actor, "cawn.issue", person),
    }


# -- screening --------------------------------------------------------------------------------


@dataclass
class ScreeningInput:
    indicators: list[str]
    outcome: str | None
    rationale: str | None
    next_steps: list[str] = field(default_factory=list)
    next_steps_notes: str | None = None
    screened_at: datetime | None = None
    episode_id: int | None = None


def _episode_of(session: Session, actor: Actor, person: Person, episode_id: int) -> Episode:
    episode = session.scalar(
        select(Episode).where(
            Episode.id == episode_id,
            Episode.person_id == person.id,
            access.visible(actor, Episode),
        )
    )
    if episode is None:
        raise invalid("episode_id", "Choose one of this person's missing episodes, or none")
    return episode


def record_screening(
    session: Session, actor: Actor, person: Person, data: ScreeningInput
) -> Screening:
    """Record a screening, and complete the person's open exploitation-screening task."""
    access.require(actor, "screening.record", person)
    if data.outcome not in rules.OUTCOMES:
        raise invalid("outcome", "Select the outcome of the screening")
    if not data.rationale:
        raise invalid("rationale", "Explain the outcome: what you found and why it matters")
    steps = [s for s in data.next_steps if s in rules.NEXT_STEPS]
    if data.outcome != "no_concerns" and not steps and not data.next_steps_notes:
        raise invalid(
            "next_steps",
            "Select the next steps for a child with exploitation concerns, or describe them",
        )
    episode = _episode_of(session, actor, person, data.episode_id) if data.episode_id else None
    screening = Screening(
        person_id=person.id,
        episode_id=episode.id if episode else None,
        organisation_id=person.organisation_id,
        team_id=person.team_id,
        indicators=[i for i in data.indicators if i in EXPLOITATION_INDICATORS],
        outcome=data.outcome,
        rationale=data.rationale,
        next_steps=steps,
        next_steps_notes=data.next_steps_notes,
        screened_at=data.screened_at or clock.now(),
        screened_by_id=actor.id,
        screened_by_name=actor.display_name,
    )
    session.add(screening)
    session.flush()
    task = tasks.open_task_of_kind(session, person.id, TASK_KIND)
    if task is not None and access.can(actor, "task.update", task):
        result = f"Screening recorded: {rules.OUTCOMES[data.outcome]}"
        tasks.complete(session, actor, task, result, task.version)
        screening.task_id = task.id
    audit.record(
        session,
        actor,
        "create",
        SCREENING,
        screening.id,
        after={
            "person": person.id,
            "episode": screening.episode_id,
            "indicators": screening.indicators,
            "outcome": screening.outcome,
            "next_steps": steps,
            "task_completed": screening.task_id,
        },
    )
    return screening


def screenings_of(session: Session, actor: Actor, person: Person) -> list[Screening]:
    """The person's screenings the actor may see, newest first."""
    return list(
        session.scalars(
            select(Screening)
            .where(Screening.person_id == person.id, access.visible(actor, Screening))
            .order_by(Screening.screened_at.desc(), Screening.id.desc())
        )
    )


def episodes_for(session: Session, actor: Actor, person: Person) -> list[Episode]:
    """The person's latest episodes the actor may see, to link a screening to."""
    return list(
        session.scalars(
            select(Episode)
            .where(Episode.person_id == person.id, access.visible(actor, Episode))
            .order_by(Episode.reported_at.desc())
            .limit(20)
        )
    )
