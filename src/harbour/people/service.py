"""Record, find, view and change people. Every view and change is audited with its reason."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from harbour.access import agreements
from harbour.access import service as access
from harbour.actor import Actor, Channel
from harbour.audit import service as audit
from harbour.auth.models import Organisation
from harbour.errors import Conflict, JustificationRequired
from harbour.people.addresses import current_address
from harbour.people.models import Person
from harbour.people.photos import current_photo
from harbour.people.record import (
    SUBJECT,
    history,
    phones_of,
    update_care,
    update_markers,
    update_person,
)
from harbour.people.schemas import PersonCreate

__all__ = [
    "RECORD_PAGES",
    "SUBJECT",
    "current_address",
    "current_photo",
    "history",
    "phones_of",
    "update_care",
    "update_markers",
    "update_person",
]

# The pages of a person's record that ask why it is needed, after the record's own address: the
# justification sends the user back to the one that asked (casefile.justify).
RECORD_PAGES = (
    "",
    "/edit",
    "/episodes",
    "/markers",
    "/care",
    "/addresses",
    "/photos",
    "/philomena",
    "/philomena/edit",
    "/herbert",
    "/herbert/edit",
)


def _facts(person: Person) -> dict[str, Any]:
    return {
        "given_name": person.given_name,
        "family_name": person.family_name,
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
        "sex": person.sex.value,
    }


def create_person(
    session: Session,
    actor: Actor,
    data: PersonCreate,
    *,
    owner: tuple[int, int | None] | None = None,
) -> Person:
    """Record a new person, owned by the actor's organisation and team, or by `owner` (the
    organisation and team of the record they were named on: a partner naming someone at a
    return home interview records them on the force's record, not beside it)."""
    access.require(actor, "person.create")
    if actor.organisation_id is None:
        raise Conflict("Only a member of an organisation can record a person")
    organisation_id, team_id = owner or (actor.organisation_id, actor.team_id)
    person = Person(
        **data.model_dump(),
        organisation_id=organisation_id,
        team_id=team_id,
        # A record made for another organisation is not its maker's to see (the owner scope):
        # who made it is in the audit event below.
        created_by_id=actor.id if organisation_id == actor.organisation_id else None,
    )
    session.add(person)
    session.flush()
    audit.record(session, actor, "create", SUBJECT, person.id, after=_facts(person))
    return person


def check_can_create(actor: Actor) -> None:
    """Refuse an actor who may not record people."""
    access.require(actor, "person.create")


def can_update(actor: Actor, person: Person) -> bool:
    """Tell whether the actor may change this person's details."""
    return access.can(actor, "person.update", person)


def find_for_update(session: Session, actor: Actor, person_id: int) -> Person:
    """Load a person the actor may change (404 out of scope, 403 if only visible)."""
    return access.fetch(session, actor, Person, person_id, "person.update")


def find_for_view(
    session: Session, actor: Actor, person_id: int, *, shared: bool = False
) -> Person:
    """Load a person the actor may see, without showing it (404 when out of scope).

    A person an information-sharing agreement shares with a partner is found only by a caller
    that shows the record by the agreement's field list (`shared=True`)."""
    return access.fetch(session, actor, Person, person_id, "person.view", shared=shared)


def view_person(
    session: Session,
    actor: Actor,
    person_id: int,
    justification: str | None,
    *,
    shared: bool = False,
) -> Person:
    """Open a person's record for the actor, logging the view with its justification (for a
    record shared by an agreement, a disclosure naming the agreements and what they share)."""
    person = find_for_view(session, actor, person_id, shared=shared)
    if not justification or not justification.strip():
        raise JustificationRequired(
            "Say why you are viewing this person's record (send the X-Justification header)."
        )
    reason = justification.strip()
    if shared and access.shared_only(actor, person):
        disclose(session, actor, person.id, reason)
    else:
        audit.record(session, actor, "view", SUBJECT, person.id, justification=reason)
    return person


def disclose(
    session: Session,
    actor: Actor,
    person_id: int,
    reason: str,
    *,
    export: str | None = None,
    recipients: str | None = None,
) -> agreements.Cover:
    """Log that the actor's organisation was shown (or sent, with `export`, to `recipients`)
    what its agreements share about this person, and return what they share."""
    cover = agreements.cover(session, actor, person_id)
    organisation = session.get(Organisation, actor.organisation_id)
    audit.record(
        session,
        actor,
        "disclose",
        SUBJECT,
        person_id,
        after={
            "agreements": cover.references,
            "recipient": organisation.name if organisation else None,
            "recipient_user": actor.username,
            "fields": sorted(cover.fields),
            "export": export,
            "recipients": recipients,
        },
        justification=reason,
    )
    return cover


def list_people(
    session: Session,
    actor: Actor,
    *,
    query: str | None,
    page: int,
    per_page: int,
    justification: str | None = None,
) -> tuple[list[Person], int]:
    """Return one page of the people the actor may see, matching a name search."""
    access.require(actor, "person.view")
    if actor.channel is Channel.api and not (justification and justification.strip()):
        raise JustificationRequired(
            "Say why you need this list of people (send the X-Justification header)."
        )
    # The list shows identity only, which every agreement shares: shared people are in it.
    where = [access.visible(actor, Person, shared=True), Person.merged_into_id.is_(None)]
    if query and query.strip():
        for word in query.split()[:5]:
            escaped = word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            pattern = f"%{escaped}%"
            where.append(
                or_(
                    func.lower(Person.given_name).like(pattern, escape="\\"),
                    func.lower(Person.family_name).like(pattern, escape="\\"),
                )
            )
    total = session.scalar(select(func.count()).select_from(Person).where(*where)) or 0
    rows = list(
        session.scalars(
            select(Person)
            .where(*where)
            .order_by(Person.family_name, Person.given_name, Person.id)
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
    )
    if rows:
        audit.record(
            session,
            actor,
            "search",
            SUBJECT,
            None,
            after={"query": query or "", "page": page, "shown": [p.id for p in rows]},
            justification=justification,
        )
    return rows, total


def count_visible(session: Session, actor: Actor) -> int:
    """Count the people the actor may see (for a partner, those its agreements share, as the
    people list shows them)."""
    return (
        session.scalar(
            select(func.count())
            .select_from(Person)
            .where(access.visible(actor, Person, shared=True))
        )
        or 0
    )
