"""Merge two records of one person, and undo it exactly.

A merge keeps both person rows. The merged record is marked `merged_into` the survivor and drops
out of searches and lists; every row anywhere in Harbour that names the merged record (its
episodes, the episodes it was found in, its links, phones, calls, tasks, …) is re-pointed to the
survivor, and each re-pointed row is written down in the merge's log. The tables are found from
the schema's foreign keys, so a table added later follows merges without a change here. The
survivor gains the merged record's flags, and its names as other names.

Unmerging puts every logged row back, gives the survivor back its flags and other names, and
clears the mark: the records are as they were before the merge (save the version counters,
which move on so that a form opened on either record before the unmerge cannot overwrite it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Table, UniqueConstraint, and_, exists, inspect, select, update
from sqlalchemy.orm import Session

from harbour import clock, db
from harbour.access import service as access
from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.errors import Conflict, NotFound, ValidationFailed
from harbour.identity.models import CandidatePair, PairStatus, PersonMerge
from harbour.people.models import Person, person_references

SUBJECT = "person"
# Foreign keys to person that describe the merge itself, not the person's history.
_NOT_MOVED = {("person", "merged_into_id"), ("person_merge", None), ("candidate_pair", None)}


@dataclass(frozen=True)
class Reference:
    """A column somewhere in the schema that holds a person's id."""

    table: Table
    column: Column[Any]

    @property
    def key(self) -> tuple[str, str]:
        return (self.table.name, self.column.name)

    def twins(self) -> list[list[Column[Any]]]:
        """Return, for each unique constraint on this column, the constraint's other columns."""
        out = []
        for constraint in self.table.constraints:
            if isinstance(constraint, UniqueConstraint):
                columns = list(constraint.columns)
                if any(c is self.column for c in columns):
                    out.append([c for c in columns if c is not self.column])
        return out


def references(session: Session | None = None) -> list[Reference]:
    """Return every declared column that refers to a person, except the merge machinery's own.

    The columns are the ones each domain declares (`people.models.names_a_person`), not whatever
    models happen to be imported. Given a session, the database's own foreign keys are checked
    against them first: a column that names a person but was never declared would be left
    pointing at the merged record, so the merge stops instead (a programming error).
    """
    declared = person_references()
    if session is not None:
        _check_declared(session, {(c.table.name, c.name) for c in declared})
    out = [
        Reference(column.table, column)
        for column in declared
        if (column.table.name, None) not in _NOT_MOVED
        and (column.table.name, column.name) not in _NOT_MOVED
    ]
    return sorted(out, key=lambda r: r.key)


_checked: set[str] = set()


def _check_declared(session: Session, declared: set[tuple[str, str]]) -> None:
    """Refuse to merge while the database has a column naming a person that no domain declared."""
    connection = session.connection()
    url = connection.engine.url.render_as_string(hide_password=True)
    if url in _checked:
        return
    schema = inspect(connection)
    found = {
        (table, column)
        for table in schema.get_table_names()
        for fk in schema.get_foreign_keys(table)
        if fk["referred_table"] == Person.__tablename__
        for column in fk["constrained_columns"]
    }
    missing = {
        (t, c)
        for t, c in found - declared
        if (t, None) not in _NOT_MOVED and (t, c) not in _NOT_MOVED
    }
    if missing:
        named = ", ".join(f"{t}.{c}" for t, c in sorted(missing))
        raise RuntimeError(
            f"Cannot merge: {named} names a person but is not declared with names_a_person()"
        )
    _checked.add(url)


def _clean(text: str | None) -> str:
    reason = (text or "").strip()
    if len(reason) < 10:
        message = "Give the reason in at least 10 characters: it is kept with the record"
        raise ValidationFailed(message, field_errors={"reason": message})
    return reason


def _person(session: Session, actor: Actor, person_id: int, *, automatic: bool = False) -> Person:
    if automatic:  # the batch job: may merge any records, and only where a force turned it on
        access.require(actor, "person.resolve")
        person = session.get(Person, person_id)
        if person is None:
            raise NotFound("The record you asked for does not exist or is not yours to see.")
        return person
    person = access.fetch(session, actor, Person, person_id, "person.view")
    access.require(actor, "person.merge", person)
    return person


def _sooner_reviews(
    kept: dict[str, str] | None, merged: dict[str, str] | None
) -> dict[str, str] | None:
    """Each marker's review date across both records: the sooner one where both have it."""
    reviews = dict(kept or {})
    for code, day in (merged or {}).items():
        reviews[code] = min(day, reviews.get(code, day))  # ISO dates order as text
    return reviews or None


def _facts(person: Person) -> dict[str, Any]:
    return {
        "name": person.display_name,
        "flags": sorted(person.flags or []),
        "aliases": list(person.aliases or []),
        "merged_into_id": person.merged_into_id,
    }


def _other_names(person: Person) -> list[str]:
    names = [" ".join(p for p in (person.given_name, person.family_name) if p)]
    return [n for n in names + list(person.aliases or []) if n]


def merge(
    session: Session,
    actor: Actor,
    survivor_id: int,
    merged_id: int,
    reason: str,
    *,
    pair: CandidatePair | None = None,
    automatic: bool = False,
) -> PersonMerge:
    """Merge `merged_id` into `survivor_id`; both must be in the actor's scope to merge."""
    survivor = _person(session, actor, survivor_id, automatic=automatic)
    merged = _person(session, actor, merged_id, automatic=automatic)
    why = _clean(reason)  # after the scope checks: out of scope is 404 whatever was typed
    if survivor_id == merged_id:
        message = "A record cannot be merged into itself"
        raise ValidationFailed(message, field_errors={"other": message})
    for person in (survivor, merged):
        if person.merged_into_id is not None:
            raise Conflict(
                f"{person.display_name} (record {person.id}) has already been merged into record "
                f"{person.merged_into_id}: merge into that record instead."
            )
    before = {
        "flags": survivor.flags,
        "aliases": survivor.aliases,
        "flag_reviews": survivor.flag_reviews,
    }
    moved: list[list[Any]] = []
    for ref in references(session):
        rows = _move(session, ref, merged.id, survivor.id)
        moved += [[ref.table.name, ref.column.name, row_id] for row_id in rows]
    flags = sorted(set(survivor.flags or []) | set(merged.flags or []))
    aliases = list(survivor.aliases or [])
    for name in _other_names(merged):
        if name not in aliases and name != _other_names(survivor)[0]:
            aliases.append(name)
    survivor_facts, merged_facts = _facts(survivor), _facts(merged)
    survivor.flags = flags or None
    survivor.flag_reviews = _sooner_reviews(survivor.flag_reviews, merged.flag_reviews)
    survivor.aliases = aliases or None
    merged.merged_into_id = survivor.id
    record = PersonMerge(
        survivor_id=survivor.id,
        merged_id=merged.id,
        pair_id=pair.id if pair else None,
        reason=why,
        automatic=automatic,
        probability=pair.probability if pair else None,
        moved=moved,
        survivor_before=before,
        merged_by_id=actor.id,
        merged_at=clock.now(),
    )
    session.add(record)
    if pair is not None:
        pair.status = PairStatus.accepted
        pair.decided_by_id, pair.decided_at = actor.id, clock.now()
    db.flush_or_conflict(session, "Someone changed one of these records while you merged them")
    audit.record(
        session,
        actor,
        "merge",
        SUBJECT,
        survivor.id,
        before={"survivor": survivor_facts, "merged": merged_facts},
        after={"merge": record.id, "merged_id": merged.id, "rows_moved": len(moved)},
        justification=why,
    )
    return record


def _move(session: Session, ref: Reference, from_id: int, to_id: int) -> list[int]:
    """Re-point this column's rows from one person to another; return the ids moved.

    A row whose twin already names the survivor (the same phone number, the same episode's
    companion) stays where it is: moving it would break the unique constraint and add nothing.
    """
    table, column = ref.table, ref.column
    query = select(table.c.id).where(column == from_id)
    for others in ref.twins():
        twin = table.alias("twin")
        same = [twin.c[c.name] == table.c[c.name] for c in others]
        query = query.where(~exists().where(and_(twin.c[column.name] == to_id, *same)))
    ids = list(session.execute(query.order_by(table.c.id)).scalars())
    if ids:
        session.execute(
            update(table).where(table.c.id.in_(ids)).values(_repoint(table, column.name, to_id))
        )
    return ids


def _repoint(table: Table, column: str, person_id: int) -> dict[str, Any]:
    """The values that re-point a row, leaving its update time as it was (not a change to it)."""
    values: dict[str, Any] = {column: person_id}
    if "updated_at" in table.c:
        values["updated_at"] = table.c.updated_at
    return values


def unmerge(session: Session, actor: Actor, merge_id: int, reason: str) -> PersonMerge:
    """Undo a merge: every moved row goes back and the survivor's flags and names are restored."""
    record = session.get(PersonMerge, merge_id, with_for_update=True)
    if record is None:
        raise NotFound("There is no such merge.")
    survivor = _person(session, actor, record.survivor_id)
    merged = _person(session, actor, record.merged_id)
    why = _clean(reason)
    if record.unmerged_at is not None:
        raise Conflict("This merge has already been undone.")
    if survivor.merged_into_id is not None:
        raise Conflict(
            f"Record {survivor.id} has since been merged into record {survivor.merged_into_id}: "
            "undo that merge first."
        )
    tables = {c.table.name: c.table for c in person_references()}
    for table_name, column_name, row_id in record.moved:
        table = tables[table_name]
        column = table.c[column_name]
        # Only rows that still name the survivor go back: one changed since stays as it is.
        session.execute(
            update(table)
            .where(table.c.id == row_id, column == survivor.id)
            .values(_repoint(table, column_name, merged.id))
        )
    before = record.survivor_before
    survivor.flags = before.get("flags")
    survivor.aliases = before.get("aliases")
    if "flag_reviews" in before:  # merges before the review dates existed kept none
        survivor.flag_reviews = before["flag_reviews"]
    merged.merged_into_id = None
    record.unmerged_at, record.unmerged_by_id, record.unmerge_reason = clock.now(), actor.id, why
    if record.pair_id is not None:
        pair = session.get(CandidatePair, record.pair_id)
        if pair is not None:
            pair.status = PairStatus.rejected
            pair.note = f"Unmerged: {why}"
            pair.decided_by_id, pair.decided_at = actor.id, clock.now()
    db.flush_or_conflict(session, "Someone changed one of these records while you unmerged them")
    audit.record(
        session,
        actor,
        "unmerge",
        SUBJECT,
        survivor.id,
        before={"merge": record.id, "merged_id": merged.id},
        after={"rows_restored": len(record.moved)},
        justification=why,
    )
    return record


def merges_of(session: Session, person_id: int) -> list[PersonMerge]:
    """Return the merges this person took part in (as survivor or merged), newest first."""
    return list(
        session.scalars(
            select(PersonMerge)
            .where((PersonMerge.survivor_id == person_id) | (PersonMerge.merged_id == person_id))
            .order_by(PersonMerge.merged_at.desc(), PersonMerge.id.desc())
        )
    )


def current(session: Session, person_id: int) -> int:
    """Follow merges from a record to the one that holds its history now."""
    seen = {person_id}
    while True:
        into = session.scalar(select(Person.merged_into_id).where(Person.id == person_id))
        if into is None or into in seen:
            return person_id
        seen.add(into)
        person_id = into
