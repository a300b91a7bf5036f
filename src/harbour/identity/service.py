"""The review queue: list the possible duplicates, show a pair side by side, record the decision."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from harbour import clock, db
from harbour.access import service as access
from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.db import Base
from harbour.errors import Conflict, NotFound
from harbour.identity import merging
from harbour.identity.batch import friendly
from harbour.identity.models import CandidatePair, PairStatus, PersonMerge
from harbour.identity.records import birth_text
from harbour.identity.schemas import DECISIONS as DECISIONS
from harbour.identity.schemas import PairDecision as PairDecision
from harbour.people.models import Person, PersonPhone, Place
from harbour.validation import Problems

SUBJECT = "person"
OPEN = (PairStatus.pending, PairStatus.unsure)
FIELD_NAMES = {
    "given_name": "Given name",
    "family_name": "Family name",
    "dob": "Date of birth",
    "sex": "Sex",
    "postcode": "Home postcode",
    "address": "Home address",
    "phone": "Phone",
}


def check_can_review(actor: Actor) -> None:
    access.require(actor, "person.merge")


def can_merge(actor: Actor, person: Person) -> bool:
    return access.can(actor, "person.merge", person) and person.merged_into_id is None


@dataclass(frozen=True)
class QueueRow:
    pair: CandidatePair
    low: Person
    high: Person


def queue(
    session: Session, actor: Actor, *, show: str, page: int, per_page: int
) -> tuple[list[QueueRow], int]:
    """Return a page of the queue: open pairs (undecided first, surest first), or decided ones."""
    check_can_review(actor)
    low, high = aliased(Person), aliased(Person)
    statuses = OPEN if show == "open" else (PairStatus.accepted, PairStatus.rejected)
    where = [
        CandidatePair.status.in_(statuses),
        access.visible(actor, low, "person.merge"),
        access.visible(actor, high, "person.merge"),
    ]
    if show == "open":
        where += [low.merged_into_id.is_(None), high.merged_into_id.is_(None)]
    base = (
        select(CandidatePair, low, high)
        .join(low, low.id == CandidatePair.low_id)
        .join(high, high.id == CandidatePair.high_id)
        .where(*where)
    )
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    order: list[Any] = (  # "pending" sorts before "unsure": undecided pairs come first
        [CandidatePair.status, CandidatePair.probability.desc(), CandidatePair.id]
        if show == "open"
        else [CandidatePair.decided_at.desc(), CandidatePair.id.desc()]
    )
    rows = [
        QueueRow(pair, a, b)
        for pair, a, b in session.execute(
            base.order_by(*order).offset((page - 1) * per_page).limit(per_page)
        )
    ]
    if rows:
        audit.record(
            session,
            actor,
            "search",
            SUBJECT,
            None,
            after={
                "list": "possible duplicates",
                "page": page,
                "shown": sorted({p.id for r in rows for p in (r.low, r.high)}),
            },
            justification="Reviewing possible duplicate records",
        )
    return rows, total


def counts(session: Session, actor: Actor) -> dict[str, int]:
    """Count the open pairs the actor may review, by status."""
    low, high = aliased(Person), aliased(Person)
    rows = session.execute(
        select(CandidatePair.status, func.count())
        .join(low, low.id == CandidatePair.low_id)
        .join(high, high.id == CandidatePair.high_id)
        .where(
            CandidatePair.status.in_(OPEN),
            low.merged_into_id.is_(None),
            high.merged_into_id.is_(None),
            access.visible(actor, low, "person.merge"),
            access.visible(actor, high, "person.merge"),
        )
        .group_by(CandidatePair.status)
    )
    return {str(status): int(n) for status, n in rows}


def find_pair(session: Session, actor: Actor, pair_id: int) -> CandidatePair:
    """Load a pair whose two records the actor may merge (404 otherwise)."""
    check_can_review(actor)
    pair = session.get(CandidatePair, pair_id)
    if pair is None:
        raise NotFound("The record you asked for does not exist or is not yours to see.")
    for person_id in (pair.low_id, pair.high_id):
        access.fetch(session, actor, Person, person_id, "person.merge")
    return pair


@dataclass(frozen=True)
class Side:
    """One record of a pair as the reviewer sees it."""

    person: Person
    facts: list[tuple[str, str]]


def side(session: Session, person: Person) -> Side:
    """Return what a reviewer compares: names, birth, sex, home, phones, flags, history size."""
    place = session.get(Place, person.home_place_id) if person.home_place_id else None
    phones = list(
        session.scalars(select(PersonPhone.number).where(PersonPhone.person_id == person.id))
    )
    episodes = _episode_count(session, person.id)
    facts = [
        ("Record", f"{person.id} (recorded {person.created_at:%-d %b %Y})"),
        ("Given name", person.given_name or "Not known"),
        ("Family name", person.family_name or "Not known"),
        ("Other names", ", ".join(person.aliases or []) or "None recorded"),
        ("Date of birth", birth_text(person.date_of_birth, person.dob_precision) or "Not known"),
        ("Sex", person.sex.value.capitalize()),
        ("Home", place.label if place else "Not known"),
        ("Phones", ", ".join(phones) or "None recorded"),
        ("Flags", ", ".join(person.flags or []) or "None"),
        ("Missing episodes", str(episodes)),
    ]
    return Side(person, facts)


def _episode_count(session: Session, person_id: int) -> int:
    # Episodes sit in a layer above this one: their table is read through the schema.
    episode = Base.metadata.tables.get("episode")
    if episode is None:
        return 0
    return int(
        session.scalar(
            select(func.count()).select_from(episode).where(episode.c.person_id == person_id)
        )
        or 0
    )


def open_pair(
    session: Session, actor: Actor, pair_id: int, reasons: dict[int, str]
) -> tuple[CandidatePair, Side, Side]:
    """Show a pair side by side, logging the view of each record with the reason given for it."""
    pair = find_pair(session, actor, pair_id)
    low, high = session.get_one(Person, pair.low_id), session.get_one(Person, pair.high_id)
    for person in (low, high):
        audit.record(session, actor, "view", SUBJECT, person.id, justification=reasons[person.id])
    return pair, side(session, low), side(session, high)


def decide(session: Session, actor: Actor, pair_id: int, data: PairDecision) -> PersonMerge | None:
    """Record the reviewer's decision; 'same' merges the pair into the record they keep."""
    pair = find_pair(session, actor, pair_id)
    if data.version is not None and data.version != pair.version:
        raise Conflict(
            "Someone decided this pair while you were looking at it: see their decision below."
        )
    if pair.status not in OPEN:
        raise Conflict(f"This pair has already been decided ({pair.status.value}).")
    problems = Problems(data.summary)
    for name, message in data.rules(data.model_dump()).items():
        problems.add(name, message)
    text = data.note.strip()
    if data.decision == "same" and data.keep not in (pair.low_id, pair.high_id):
        problems.add("keep", "Choose the record to keep")
    problems.raise_any()
    if data.decision == "same":
        assert data.keep is not None
        other = pair.high_id if data.keep == pair.low_id else pair.low_id
        return merging.merge(session, actor, data.keep, other, text, pair=pair)
    pair.status = PairStatus.rejected if data.decision == "different" else PairStatus.unsure
    pair.note = text or None
    pair.decided_by_id, pair.decided_at = actor.id, clock.now()
    db.flush_or_conflict(session, "Someone decided this pair while you were looking at it")
    audit.record(
        session,
        actor,
        "review",
        SUBJECT,
        pair.low_id,
        after={"pair": pair.id, "other": pair.high_id, "decision": data.decision},
        justification=text or None,
    )
    return None


def pairs_of(session: Session, person_id: int) -> list[CandidatePair]:
    """Return the open pairs that include this person, surest first."""
    return list(
        session.scalars(
            select(CandidatePair)
            .where(
                (CandidatePair.low_id == person_id) | (CandidatePair.high_id == person_id),
                CandidatePair.status.in_(OPEN),
            )
            .order_by(CandidatePair.probability.desc())
        )
    )


def merges_page(
    session: Session, actor: Actor, person_id: int
) -> tuple[Person, list[PersonMerge], list[CandidatePair], dict[int, Person]]:
    """Return a person's merges and open pairs, with the other records they name (in scope)."""
    person = access.fetch(session, actor, Person, person_id, "person.view")
    merges = merging.merges_of(session, person_id)
    pairs = pairs_of(session, person_id)
    ids: set[int] = set()
    for m in merges:
        ids |= {m.survivor_id, m.merged_id}
    for p in pairs:
        ids |= {p.low_id, p.high_id}
    others: dict[int, Person] = {}
    for other in session.scalars(select(Person).where(Person.id.in_(ids))):
        if access.can(actor, "person.view", other):
            others[other.id] = other
    # A pair or merge with a record out of the viewer's scope is not shown at all: not even its
    # record number or match score (another agency's or force's copy of the child).
    seen = set(others) | {person_id}
    pairs = [p for p in pairs if {p.low_id, p.high_id} <= seen]
    merges = [m for m in merges if {m.survivor_id, m.merged_id} <= seen]
    return person, merges, pairs, others


def describe_levels(levels: dict[str, Any]) -> list[tuple[str, str, bool | None]]:
    """Return each compared field's level as (field, label, agrees) for a reviewer."""
    out = []
    for column, level in levels.items():
        gamma = int(level.get("level", 0))
        agrees = None if gamma < 0 else gamma > 0
        label = friendly(str(level.get("label", "")))
        out.append((FIELD_NAMES.get(column, column), label, agrees))
    return out
