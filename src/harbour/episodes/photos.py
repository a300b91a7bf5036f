"""Photographs of a missing person: checked by their first bytes and kept with the episode."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour import clock, db
from harbour.access import service as access
from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.episodes.models import (
    Episode,
    EpisodePhoto,
)
from harbour.episodes.records import STALE, SUBJECT, _check_open, _check_version, _touch
from harbour.errors import NotFound, ValidationFailed

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


def add_photo(
    session: Session,
    actor: Actor,
    episode: Episode,
    data: bytes,
    *,
    given_by: str | None,
    version: int,
) -> EpisodePhoto:
    """Keep a photograph of the missing person with the episode."""
    access.require(actor, "episode.update", episode)
    _check_version(episode, version)
    _check_open(episode)
    message = None
    if not data:
        message = "Choose a photograph to upload"
    elif len(data) > PHOTO_MAX_BYTES:
        message = "The photograph must be 5 MB or smaller"
    elif photo_type(data) is None:
        message = "The photograph must be a JPEG, PNG or WebP image"
    if message:
        raise ValidationFailed(message, field_errors={"photo": message})
    photo = EpisodePhoto(
        episode_id=episode.id,
        content_type=photo_type(data) or "",
        data=data,
        given_by=given_by,
        uploaded_by_id=actor.id,
        uploaded_at=clock.now(),
    )
    session.add(photo)
    _touch(episode)
    db.flush_or_conflict(session, STALE)
    after = {"photo": photo.id, "bytes": len(data), "given_by": given_by}
    audit.record(session, actor, "update", SUBJECT, episode.id, after=after)
    return photo


@dataclass(frozen=True)
class PhotoInfo:
    id: int
    given_by: str | None
    uploaded_at: datetime


def photos(session: Session, episode: Episode) -> list[PhotoInfo]:
    """The episode's photographs, newest first (without their bytes)."""
    rows = session.execute(
        select(EpisodePhoto.id, EpisodePhoto.given_by, EpisodePhoto.uploaded_at)
        .where(EpisodePhoto.episode_id == episode.id)
        .order_by(EpisodePhoto.uploaded_at.desc(), EpisodePhoto.id.desc())
    )
    return [PhotoInfo(*row) for row in rows]


def photo(session: Session, episode: Episode, photo_id: int) -> EpisodePhoto:
    found = session.get(EpisodePhoto, photo_id)
    if found is None or found.episode_id != episode.id:
        raise NotFound("There is no such photograph on this episode.")
    return found
