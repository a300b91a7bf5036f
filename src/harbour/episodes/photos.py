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
from harbour.errors import NotFound
from harbour.people.photos import PHOTO_MAX_BYTES as PHOTO_MAX_BYTES
from harbour.people.photos import check_photo
from harbour.people.photos import photo_type as photo_type


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
    content_type = check_photo(data)  # the one check every photograph passes
    photo = EpisodePhoto(
        episode_id=episode.id,
        content_type=content_type,
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
