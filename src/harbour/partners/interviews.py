"""Return home interviews by the local authority: the children back whose interviews its
practitioners owe, and the interview they record, with the people and places the child named
linked to the child on the force's record.

Statutory guidance (DfE, 2014) puts the return home interview on the local authority, within 72
hours of the return. A practitioner records it only for a child an agreement in force shares for
return interviews (`interview.record`, field `return_interviews`); what they record goes on the
episode the hub works, through the same service the hub uses (`episodes.return_home`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour import clock
from harbour.access import service as access
from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.episodes import return_home
from harbour.episodes.models import Episode, EpisodeStatus
from harbour.episodes.named import NamedInput, name_on_return
from harbour.episodes.named_objects import NamedPlaceInput, name_place_on_return
from harbour.episodes.schemas import ReturnInterviewInput
from harbour.errors import ValidationFailed
from harbour.people.models import Person
from harbour.validation import messages

ACTION = return_home.INTERVIEW_ACTION
# The rows the form offers for people and places the child named.
NAMED_ROWS = 3


@dataclass(frozen=True)
class Due:
    """A child back whose return home interview the partner owes."""

    episode: Episode
    person: Person
    due: datetime | None
    late: bool


def interviews_due(session: Session, actor: Actor, *, limit: int = 50) -> list[Due]:
    """The children back, whose interviews the actor's agreements share and none is recorded
    (or one only offered), soonest due first."""
    if not access.can(actor, ACTION):
        return []
    rows = session.execute(
        select(Episode, Person)
        .join(Person, Person.id == Episode.person_id)
        .where(
            access.visible(actor, Episode, ACTION, shared=True),
            Episode.status == EpisodeStatus.found,
            Episode.found_at.is_not(None),
        )
        .order_by(Episode.found_at, Episode.id)
        .limit(limit * 4)
    )
    now = clock.now()
    due: list[Due] = []
    for episode, person in rows:
        if (episode.rhi or {}).get("status") not in (None, "offered"):
            continue
        due.append(
            Due(
                episode,
                person,
                return_home.return_interview_due(episode),
                return_home.interview_is_late(episode, now),
            )
        )
    shown = due[:limit]
    if shown:  # the board names the children: a disclosure to the organisation
        audit.record(
            session,
            actor,
            "disclose",
            "board",
            None,
            after={
                "board": "interviews_due",
                "people": [d.person.id for d in shown],
                "recipient": actor.organisation_id,
            },
            justification="Return home interviews due to this organisation",
        )
    return shown


def find(session: Session, actor: Actor, episode_id: int) -> Episode:
    """The episode whose interview the actor may record (404 otherwise)."""
    return access.fetch(session, actor, Episode, episode_id, ACTION, shared=True)


def _rows(form: dict[str, str], prefix: str, keys: tuple[str, ...]) -> list[dict[str, str]]:
    """The filled rows of a repeated part of the form (named_person_1_given_name, ...)."""
    rows = []
    for n in range(1, NAMED_ROWS + 1):
        row = {k: form.get(f"{prefix}_{n}_{k}", "").strip() for k in keys}
        if any(row.values()):
            rows.append(row | {"row": str(n)})
    return rows


PERSON_KEYS = ("given_name", "family_name", "date_of_birth", "details")
PLACE_KEYS = ("name", "address", "postcode", "details")


def _check_named(
    form: dict[str, str], version: int
) -> tuple[list[NamedInput], list[NamedPlaceInput], dict[str, str]]:
    """Every person and place named, checked before anything is saved."""
    errors: dict[str, str] = {}
    people: list[NamedInput] = []
    places: list[NamedPlaceInput] = []
    for row in _rows(form, "named_person", PERSON_KEYS):
        key = f"named_person_{row['row']}"
        if not (row["given_name"] or row["family_name"]):
            errors[f"{key}_given_name"] = "Enter the name the child gave for this person"
            continue
        try:
            people.append(
                NamedInput(
                    step="return_interview",
                    given_name=row["given_name"] or None,
                    family_name=row["family_name"] or None,
                    date_of_birth=row["date_of_birth"] or None,
                    details=row["details"] or None,
                    version=version,
                )
            )
        except ValidationError as exc:
            for field, message in messages(exc).items():
                errors[f"{key}_{field}"] = message
    for row in _rows(form, "named_place", PLACE_KEYS):
        key = f"named_place_{row['row']}"
        if not (row["name"] or row["address"]):
            errors[f"{key}_name"] = "Enter the place's name or address"
            continue
        try:
            places.append(
                NamedPlaceInput(
                    step="return_interview",
                    link="seen_at",
                    name=row["name"] or None,
                    address=row["address"] or None,
                    postcode=row["postcode"] or None,
                    details=row["details"] or None,
                    version=version,
                )
            )
        except ValidationError as exc:
            for field, message in messages(exc).items():
                errors[f"{key}_{field}"] = message
    return people, places, errors


def record(
    session: Session,
    actor: Actor,
    episode: Episode,
    data: ReturnInterviewInput,
    form: dict[str, str],
) -> list[Any]:
    """Record the interview on the episode, then link each person and place the child named,
    all in one transaction: a mistake in any part saves none of it."""
    people, places, errors = _check_named(form, data.version)
    if errors:
        raise ValidationFailed("Check the people and places named", field_errors=errors)
    return_home.record_return_interview(session, actor, episode, data, ACTION)
    linked: list[Any] = []
    for person in people:
        named = name_on_return(
            session, actor, episode, person.model_copy(update={"version": episode.version}), ACTION
        )
        linked.append(named)
    for place in places:
        linked.append(
            name_place_on_return(
                session,
                actor,
                episode,
                place.model_copy(update={"version": episode.version}),
                ACTION,
            )
        )
    return linked
