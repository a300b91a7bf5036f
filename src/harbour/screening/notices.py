"""Child Abduction Warning Notices: issue one to an adult about a child, serve it, share it.

A notice can protect a child under 16, or under 18 in care, and lasts until the 16th birthday (the
18th in care) [E5][E6]; it is served by an officer and shared with children's social care [E6].
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour import clock, db, timefmt
from harbour.access import service as access
from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.errors import Conflict
from harbour.links.models import Association
from harbour.people.models import Person
from harbour.screening import rules
from harbour.screening.models import Cawn
from harbour.screening.service import exact_birth, invalid, local_day, today

CAWN = "cawn"
STALE_CAWN = (
    "Someone else changed this notice after you opened the page. Reload it to see their "
    "change, then make yours again."
)


def find_cawn(session: Session, actor: Actor, cawn_id: int) -> Cawn:
    return access.fetch(session, actor, Cawn, cawn_id, "cawn.issue")


@dataclass
class CawnInput:
    adult_id: int | None
    grounds: str | None
    issued_at: datetime | None = None


def eligibility(person: Person, on: date) -> rules.Eligibility:
    """Whether a CAWN can protect this child on a day."""
    return rules.cawn_eligibility(
        person.display_name,
        person.date_of_birth,
        exact_birth(person),
        person.looked_after,
        on,
    )


def _adult(session: Session, actor: Actor, child: Person, adult_id: int | None) -> Person:
    if adult_id is None:
        raise invalid("adult_id", "Choose the adult the notice is given to")
    adult = session.get(Person, adult_id)
    if adult is None or not access.can(actor, "person.view", adult):
        raise invalid("adult_id", "There is no person with that number that you can see")
    if adult.id == child.id:
        raise invalid("adult_id", "The notice is given to an adult, not to the child")
    if adult.date_of_birth and exact_birth(adult):
        age = rules.age_on(adult.date_of_birth, today())
        if age < rules.ADULT_AGE:
            raise invalid(
                "adult_id",
                f"{adult.display_name} is {age}: a warning notice is given to an adult (18 or "
                "over)",
            )
    return adult


def issue_cawn(session: Session, actor: Actor, child: Person, data: CawnInput) -> Cawn:
    """Issue a Child Abduction Warning Notice, if the child is eligible on the day."""
    access.require(actor, "cawn.issue", child)
    adult = _adult(session, actor, child, data.adult_id)
    if not data.grounds:
        raise invalid("grounds", "Explain why the notice is needed")
    issued_at = data.issued_at or clock.now()
    check = eligibility(child, local_day(issued_at))
    if not check.eligible or check.expires_on is None or check.age is None:
        raise invalid("eligibility", check.reason)
    in_force = session.scalar(
        select(Cawn).where(
            Cawn.person_id == child.id,
            Cawn.adult_id == adult.id,
            Cawn.expires_on > local_day(issued_at),
        )
    )
    if in_force is not None:
        raise invalid(
            "adult_id",
            f"A notice to {adult.display_name} about this child is already in force until "
            f"{rules.long_date(in_force.expires_on)}",
        )
    notice = Cawn(
        person_id=child.id,
        adult_id=adult.id,
        organisation_id=child.organisation_id,
        team_id=child.team_id,
        child_age=check.age,
        looked_after=bool(child.looked_after),
        grounds=data.grounds,
        issued_at=issued_at,
        issued_by_id=actor.id,
        issued_by_name=actor.display_name,
        expires_on=check.expires_on,
    )
    session.add(notice)
    session.flush()
    audit.record(
        session,
        actor,
        "issue",
        CAWN,
        notice.id,
        after={
            "child": child.id,
            "adult": adult.id,
            "child_age": check.age,
            "looked_after": notice.looked_after,
            "expires_on": notice.expires_on.isoformat(),
        },
    )
    return notice


def _not_before_issue(notice: Cawn, when: datetime, name: str, what: str) -> None:
    if when < notice.issued_at:
        issued = timefmt.absolute(notice.issued_at)
        raise invalid(name, f"{what} cannot be before the notice was issued ({issued})")


def record_served(
    session: Session,
    actor: Actor,
    notice: Cawn,
    *,
    served_at: datetime | None,
    served_by: str | None,
    notes: str | None,
    version: int,
) -> Cawn:
    """Record that an officer served the notice on the adult."""
    access.require(actor, "cawn.issue", notice)
    if version != notice.version:
        raise Conflict(STALE_CAWN)
    if notice.served_at is not None:
        raise Conflict("Service of this notice is already recorded.")
    if served_at is None:
        raise invalid("served_at", "Enter when the notice was served")
    if not served_by:
        raise invalid("served_by", "Enter the officer who served it, with their collar number")
    _not_before_issue(notice, served_at, "served_at", "Service")
    notice.served_at = served_at
    notice.served_by = served_by
    notice.served_notes = notes
    db.flush_or_conflict(session, STALE_CAWN)
    audit.record(
        session,
        actor,
        "served",
        CAWN,
        notice.id,
        after={"served_at": served_at.isoformat(), "served_by": served_by},
    )
    return notice


def record_shared(
    session: Session,
    actor: Actor,
    notice: Cawn,
    *,
    shared_at: datetime | None,
    shared_with: str | None,
    version: int,
) -> Cawn:
    """Record that the notice was shared with children's social care, when and with whom."""
    access.require(actor, "cawn.issue", notice)
    if version != notice.version:
        raise Conflict(STALE_CAWN)
    if notice.shared_at is not None:
        raise Conflict("Sharing this notice with social care is already recorded.")
    if shared_at is None:
        raise invalid("shared_at", "Enter when it was shared with social care")
    if not shared_with:
        raise invalid("shared_with", "Enter who in social care it was shared with")
    _not_before_issue(notice, shared_at, "shared_at", "Sharing")
    notice.shared_at = shared_at
    notice.shared_with = shared_with
    db.flush_or_conflict(session, STALE_CAWN)
    # A disclosure: the log keeps its recipient (DPA 2018 s62).
    audit.record(
        session,
        actor,
        "shared",
        CAWN,
        notice.id,
        after={"shared_at": shared_at.isoformat(), "shared_with": shared_with},
    )
    return notice


def notices_of(session: Session, actor: Actor, person: Person) -> list[Cawn]:
    """The notices protecting the person that the actor may see, newest first."""
    return list(
        session.scalars(
            select(Cawn)
            .where(Cawn.person_id == person.id, access.visible(actor, Cawn))
            .order_by(Cawn.issued_at.desc(), Cawn.id.desc())
        )
    )


def adult_names(session: Session, actor: Actor, notices: list[Cawn]) -> dict[int, str]:
    """The names of the adults warned, where the actor may see their records."""
    ids = {n.adult_id for n in notices}
    if not ids:
        return {}
    found = session.scalars(select(Person).where(Person.id.in_(ids), access.visible(actor, Person)))
    return {p.id: p.display_name for p in found}


def associates_of(session: Session, actor: Actor, person: Person) -> list[Person]:
    """People the child is linked to who are not known to be children, most recent first."""
    rows = session.scalars(
        select(Person)
        .join(Association, Association.object_person_id == Person.id)
        .where(
            Association.subject_id == person.id,
            access.visible(actor, Association),
            access.visible(actor, Person),
        )
        .order_by(Association.observed_at.desc().nulls_last(), Association.id.desc())
        .limit(50)
    )
    now = today()
    out: dict[int, Person] = {}
    for other in rows:
        born = other.date_of_birth
        if born is not None and rules.age_on(born, now) < rules.ADULT_AGE:
            continue
        out.setdefault(other.id, other)
    return list(out.values())[:15]
