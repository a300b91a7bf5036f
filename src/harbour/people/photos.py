"""Photographs: the check every uploaded photograph passes (its first bytes and its size), and
the photographs of a person kept on their record, the newest being their current photo.

An episode's photographs (given with a missing report) are the episode's; these are the
person's, shown on their record and chosen for their Philomena or Herbert profile. Each upload
is a change to the record (versioned and audited); each look at one is a view of the record,
logged with the reason this sign-in gave for opening it.
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
from harbour.errors import Conflict, Forbidden, NotFound, ValidationFailed
from harbour.people.models import Person, PersonPhoto
from harbour.people.record import RACE, STALE, SUBJECT

PHOTO_MAX_BYTES = 5 * 1024 * 1024

# Recognised by their first bytes, not by what the browser says the file is.
_PHOTO_KINDS = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def photo_type(data: bytes) -> str | None:
    """The image type of a file's bytes (JPEG, PNG or WebP), or None for anything else."""
    for magic, kind in _PHOTO_KINDS:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def check_photo(data: bytes, field: str = "photo") -> str:
    """Return the image type of an uploaded photograph, or refuse it with the reason."""
    if not data:
        message = "Choose a photograph to upload"
    elif len(data) > PHOTO_MAX_BYTES:
        message = "The photograph must be 5 MB or smaller"
    else:
        kind = photo_type(data)
        if kind is not None:
            return kind
        message = "The photograph must be a JPEG, PNG or WebP image"
    raise ValidationFailed(message, field_errors={field: message})


@dataclass(frozen=True)
class PhotoInfo:
    """A photograph of a person, without its bytes."""

    id: int
    description: str | None
    taken_on: date | None
    uploaded_at: datetime


def photos_of(session: Session, person_id: int) -> list[PhotoInfo]:
    """The person's photographs, newest first: the first is their current photo."""
    rows = session.execute(
        select(
            PersonPhoto.id, PersonPhoto.description, PersonPhoto.taken_on, PersonPhoto.uploaded_at
        )
        .where(PersonPhoto.person_id == person_id)
        .order_by(PersonPhoto.uploaded_at.desc(), PersonPhoto.id.desc())
    )
    return [PhotoInfo(*row) for row in rows]


def current_photo(session: Session, person_id: int) -> PhotoInfo | None:
    """The person's newest photograph, if they have one."""
    photos = photos_of(session, person_id)
    return photos[0] if photos else None


def add_photo(
    session: Session,
    actor: Actor,
    person_id: int,
    data: bytes,
    *,
    description: str | None,
    taken_on: date | None,
    version: int,
    justification: str | None,
) -> PersonPhoto:
    """Keep a photograph of the person on their record, where it becomes the current photo."""
    person = access.fetch(session, actor, Person, person_id, "person.update")
    if version != person.version:
        raise Conflict(STALE)
    problems: dict[str, str] = {}
    kind = ""
    try:
        kind = check_photo(data)
    except ValidationFailed as exc:
        problems |= exc.field_errors or {}
    if description and len(description) > 200:
        problems["description"] = "The description must be 200 characters or fewer"
    if taken_on is not None and taken_on > timefmt.local(clock.now()).date():
        problems["taken_on"] = "The date it was taken must be today or in the past"
    if problems:
        raise ValidationFailed("Check the photograph", field_errors=problems)
    photo = PersonPhoto(
        person_id=person.id,
        content_type=kind,
        data=data,
        description=description,
        taken_on=taken_on,
        uploaded_by_id=actor.id,
        uploaded_at=clock.now(),
    )
    session.add(photo)
    person.updated_at = clock.now()  # a change to the record: its version moves on
    db.flush_or_conflict(session, RACE)
    after = {
        "id": photo.id,
        "bytes": len(data),
        "type": kind,
        "description": description,
        "taken_on": taken_on.isoformat() if taken_on else None,
    }
    audit.record(
        session,
        actor,
        "add_photo",
        SUBJECT,
        person.id,
        after={"photo": after},
        justification=justification,
    )
    return photo


def view_photo(session: Session, actor: Actor, person_id: int, photo_id: int) -> PersonPhoto:
    """Return one photograph of a person the actor may see, logging the look at it with the
    reason this sign-in gave for opening the record (refused if it gave none)."""
    person = access.fetch(session, actor, Person, person_id, "person.view")
    reason = audit.justification_for(session, actor.session_id, SUBJECT, person.id)
    if reason is None:
        raise Forbidden("Open the person's record first and say why you are viewing it.")
    photo = session.get(PersonPhoto, photo_id)
    if photo is None or photo.person_id != person.id:
        raise NotFound("There is no such photograph on this record.")
    audit.record(
        session, actor, "view", SUBJECT, person.id, after={"photo": photo.id}, justification=reason
    )
    return photo


def photo_ids(session: Session, person_id: int) -> set[int]:
    """The ids of a person's photographs (a profile may name only one of these)."""
    return set(session.scalars(select(PersonPhoto.id).where(PersonPhoto.person_id == person_id)))
