"""Keep a person's record up to date in Harbour: their details, other names, ethnicity and
phones; warning markers and flags with review dates; the looked-after status with its legal
basis, the responsible local authority and social worker; and the history of those changes.

Every change checks the version the editor saw (optimistic locking) and moves it on, and is
audited in the same transaction with the fields it changed, before and after. `history` reads
those events back, field by field, for the person's page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from harbour import clock, db
from harbour.access import service as access
from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.errors import Conflict, ValidationFailed
from harbour.people.models import CARE_BASES, ETHNICITIES, FLAGS, Person, PersonPhone
from harbour.people.profile_schemas import CONSENT, LABELS
from harbour.people.schemas import NAME_NEEDED, CareUpdate, MarkersUpdate, PersonUpdate

SUBJECT = "person"
STALE = (
    "Someone else changed this record after you opened it. Reload it to see their change, then "
    "make yours again."
)
RACE = (
    "Someone else changed this record while you were saving. Reload it to see their change, "
    "then make yours again."
)

FIELD_LABELS = {
    "given_name": "Given name",
    "family_name": "Family name",
    "date_of_birth": "Date of birth",
    "sex": "Sex",
    "aliases": "Other names",
    "ethnicity": "Ethnicity (self-defined)",
    "observed_ethnicity": "Ethnicity (observed by an officer)",
    "phones": "Phone numbers",
    "markers": "Warning markers",
    "flags": "Warning markers",  # as a screening's outcome and a merge log them, without dates
    "looked_after": "Looked after",
    "care_basis": "Legal basis",
    "local_authority": "Responsible local authority",
    "social_worker_name": "Social worker",
    "social_worker_phone": "Social worker's phone",
    "social_worker_email": "Social worker's email",
    "philomena": "Philomena profile",
    "herbert": "Herbert profile",
    "photo": "Photo",
    "address": "Address",
    "ended_address": "Previous address, ended",
    "home_address": "Current address",
}


def phones_of(session: Session, person_id: int) -> list[str]:
    """The phone numbers recorded for a person, in the order they were added."""
    return list(
        session.scalars(
            select(PersonPhone.number)
            .where(PersonPhone.person_id == person_id)
            .order_by(PersonPhone.id)
        )
    )


def details(person: Person, phones: list[str]) -> dict[str, Any]:
    """The person's details as the audit log keeps them."""
    return {
        "given_name": person.given_name,
        "family_name": person.family_name,
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
        "sex": person.sex.value,
        "aliases": list(person.aliases or []),
        "ethnicity": person.ethnicity,
        "observed_ethnicity": person.observed_ethnicity,
        "phones": phones,
    }


def markers(person: Person) -> dict[str, Any]:
    """The warning markers with their review dates, as the audit log keeps them."""
    return {
        "markers": {
            m.code: m.review_on.isoformat() if m.review_on else None for m in person.markers
        }
    }


def care(person: Person) -> dict[str, Any]:
    """The looked-after status, as the audit log keeps it."""
    return {
        "looked_after": person.looked_after,
        "care_basis": person.care_basis.value if person.care_basis else None,
        "local_authority": person.local_authority,
        "social_worker_name": person.social_worker_name,
        "social_worker_phone": person.social_worker_phone,
        "social_worker_email": person.social_worker_email,
    }


def save_change(
    session: Session,
    actor: Actor,
    person_id: int,
    version: int,
    action: str,
    facts: Callable[[Person], dict[str, Any]],
    change: Callable[[Person], None],
    justification: str | None,
) -> Person:
    """Change a person the actor may update, refusing a stale version, and audit what moved."""
    person = access.fetch(session, actor, Person, person_id, "person.update")
    if version != person.version:
        raise Conflict(STALE)
    before = facts(person)
    with session.no_autoflush:
        change(person)
        after = facts(person)
    moved = [key for key in after if after[key] != before.get(key)]
    if not moved:
        return person
    if not session.is_modified(person):
        # Phones live in their own table: touching the row moves the version on for them too.
        person.updated_at = clock.now()
    db.flush_or_conflict(session, RACE)
    audit.record(
        session,
        actor,
        action,
        SUBJECT,
        person.id,
        before={key: before.get(key) for key in moved},
        after={key: after[key] for key in moved},
        justification=justification,
    )
    return person


def update_person(
    session: Session, actor: Actor, person_id: int, data: PersonUpdate, justification: str | None
) -> Person:
    """Change a person's details, refusing if someone else saved a change first."""

    phones: dict[str, list[str]] = {}  # as held before the change, and as changed

    def facts(person: Person) -> dict[str, Any]:
        if "before" not in phones:
            phones["before"] = phones_of(session, person.id)
        return details(person, phones.get("after", phones["before"]))

    def change(person: Person) -> None:
        for field, value in data.changes().items():
            if field == "phones":
                phones["after"] = data.phones or []
                _set_phones(session, person, phones["before"], phones["after"])
            else:
                setattr(person, field, value)
        if not person.given_name and not person.family_name:
            raise ValidationFailed(NAME_NEEDED, field_errors={"given_name": NAME_NEEDED})

    return save_change(
        session, actor, person_id, data.version, "update", facts, change, justification
    )


def _set_phones(session: Session, person: Person, held: list[str], numbers: list[str]) -> None:
    gone = [n for n in held if n not in numbers]
    if gone:
        session.execute(
            delete(PersonPhone).where(
                PersonPhone.person_id == person.id, PersonPhone.number.in_(gone)
            )
        )
    for number in numbers:
        if number not in held:
            session.add(PersonPhone(person_id=person.id, number=number))


# Told of the flags a change added to a record, in the same unit of work: `harbour.startup`
# wires the episodes' regrade prompt (people sits below episodes, so it cannot call them).
FlagsAdded = Callable[[Session, Actor, Person, list[str]], None]
_flags_added: list[FlagsAdded] = []


def on_flags_added(listener: FlagsAdded) -> None:
    """Call `listener` whenever a change adds flags to a record (idempotent)."""
    if listener not in _flags_added:
        _flags_added.append(listener)


def update_markers(
    session: Session, actor: Actor, person_id: int, data: MarkersUpdate, justification: str | None
) -> Person:
    """Set the warning markers and flags on a record, each with the date it is next reviewed.
    A flag added is new intelligence: the listeners are told (a regrade while missing)."""
    problems = data.rules(data.model_dump())
    if problems:
        raise ValidationFailed(data.summary, field_errors=problems)
    added: list[str] = []

    def change(person: Person) -> None:
        chosen = [code for code in FLAGS if code in data.markers]
        added.extend(code for code in chosen if code not in (person.flags or []))
        person.flags = chosen or None
        reviews = {code: review.isoformat() for code, review in data.markers.items() if review}
        person.flag_reviews = reviews or None

    person = save_change(
        session, actor, person_id, data.version, "update_markers", markers, change, justification
    )
    if added:
        for listener in _flags_added:
            listener(session, actor, person, added)
    return person


def update_care(
    session: Session, actor: Actor, person_id: int, data: CareUpdate, justification: str | None
) -> Person:
    """Record whether a person is looked after, on what legal basis, by which local authority,
    and who their social worker is. A legal basis is kept only while they are looked after."""
    problems = data.rules(data.model_dump())
    if problems:
        raise ValidationFailed(data.summary, field_errors=problems)

    def change(person: Person) -> None:
        person.looked_after = data.looked_after
        person.care_basis = data.care_basis if data.looked_after else None
        person.local_authority = data.local_authority
        person.social_worker_name = data.social_worker_name
        person.social_worker_phone = data.social_worker_phone
        person.social_worker_email = data.social_worker_email

    return save_change(
        session, actor, person_id, data.version, "update_care", care, change, justification
    )


# -- the history of the record -------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One field of one change: what it was and what it became, in words."""

    label: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor_name: str
    action: str
    changes: list[Change]


ACTIONS = {
    "create": "Record created",
    "update": "Details changed",
    "update_markers": "Warning markers changed",
    "update_care": "Looked-after status changed",
    "update_philomena": "Philomena profile changed",
    "update_herbert": "Herbert profile changed",
    "add_photo": "Photo added",
    "add_address": "Address added",
    "end_address": "Address ended",
    "flag": "Warning markers set by a screening",
    "merge": "Merged",
    "unmerge": "Merge undone",
}


def _words(key: str, value: Any) -> str:
    if value is None or value == [] or value == {}:
        return "Not recorded"
    if key in ("ethnicity", "observed_ethnicity"):
        return ETHNICITIES.get(value, str(value))
    if key == "care_basis":
        return CARE_BASES.get(value, str(value))
    if key == "looked_after":
        return "Yes" if value else "No"
    if key == "markers" and isinstance(value, dict):
        return "; ".join(
            f"{FLAGS.get(code, code)}{f' (review {review})' if review else ''}"
            for code, review in value.items()
        )
    if key == "flags" and isinstance(value, list):
        return "; ".join(FLAGS.get(code, str(code)) for code in value)
    if key == "photo" and isinstance(value, dict):
        about = value.get("description")
        return f"Photo {value.get('id')}{f': {about}' if about else ''}"
    if key in ("address", "ended_address") and isinstance(value, dict):
        return address_words(value)
    if key == "photo_id":
        return f"Photo {value}"
    if key == "consent":
        return CONSENT.get(value, str(value))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def address_words(value: dict[str, Any]) -> str:
    """An address as the audit log keeps it, in words: the place and its dates."""
    start, end = value.get("from_on"), value.get("to_on")
    dates = f"from {start or 'a date not known'}" + (f" to {end}" if end else ", current")
    return f"{value.get('place') or 'A place'} ({dates})"


def _changes(key: str, before: Any, after: Any) -> list[Change]:
    """One change a field; a profile's fields one by one, under the profile's name."""
    label = FIELD_LABELS[key]
    if key in ("philomena", "herbert") and isinstance(before or {}, dict):
        old, new = before or {}, after if isinstance(after, dict) else {}
        inner = [k for k in LABELS if k in old or k in new]
        inner += [k for k in {**old, **new} if k not in LABELS]
        return [
            Change(
                f"{label}, {LABELS.get(k, k.replace('_', ' ').capitalize()).lower()}",
                _words(k, old.get(k)),
                _words(k, new.get(k)),
            )
            for k in inner
            if old.get(k) != new.get(k)
        ] or [Change(label, _words(key, before), _words(key, after))]
    return [Change(label, _words(key, before), _words(key, after))]


def history(session: Session, person_id: int, limit: int = 100) -> list[HistoryEntry]:
    """The record's changes, newest first, each with the fields it changed before and after."""
    entries = []
    for event in audit.subject_history(session, SUBJECT, person_id, limit, changes_only=True):
        before, after = event.before or {}, event.after or {}
        keys = [k for k in FIELD_LABELS if k in before or k in after]
        changes = [
            change
            for k in keys
            if event.action == "create" or before.get(k) != after.get(k)
            for change in _changes(k, before.get(k), after.get(k))
        ]
        action = ACTIONS.get(event.action, event.action.replace("_", " ").capitalize())
        entries.append(HistoryEntry(event.at, event.actor_name, action, changes))
    return entries
