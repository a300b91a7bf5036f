"""The missing report: a new episode with every item of information kept with its source."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour import clock, db
from harbour.access import service as access
from harbour.access.policy import roles_with
from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.episodes.allocation import hub_team
from harbour.episodes.models import (
    Episode,
    EpisodeInformation,
    EpisodeStatus,
)
from harbour.episodes.records import STALE, SUBJECT, TOPICS, _check_open, _check_version, _touch
from harbour.episodes.schedule import schedule_grading
from harbour.episodes.schemas import ReportInput
from harbour.episodes.triggers import check_triggers
from harbour.errors import Conflict, ValidationFailed
from harbour.people.models import Person
from harbour.tasks import service as tasks


def open_episode_of(session: Session, person_id: int) -> Episode | None:
    """The person's episode that is still open (missing or found, not closed), if any."""
    return session.scalar(
        select(Episode)
        .where(Episode.person_id == person_id, Episode.status != EpisodeStatus.closed)
        .order_by(Episode.reported_at.desc())
        .limit(1)
    )


def check_can_report(actor: Actor) -> None:
    access.require(actor, "episode.report")


def permissions_to_report(actor: Actor) -> bool:
    return access.can(actor, "episode.report")


def report(session: Session, actor: Actor, person: Person, data: ReportInput) -> Episode:
    """Record a missing report for a person the actor can see; every item keeps its source."""
    access.require(actor, "episode.report")
    if actor.organisation_id is None:
        raise Conflict("Only a member of an organisation can record a missing report")
    current = open_episode_of(session, person.id)
    if current is not None and current.status is EpisodeStatus.missing:
        raise Conflict(
            f"{person.display_name} is already recorded as missing (episode {current.id}). "
            "Add what you have been told to that episode instead."
        )
    now = clock.now()
    # Whoever can grade owns what they report; a call handler's report goes to the hub's queue.
    owner_id = actor.id if access.can(actor, "episode.grade") else None
    queue = hub_team(session, actor.organisation_id) if owner_id is None else None
    episode = Episode(
        person_id=person.id,
        organisation_id=actor.organisation_id,
        team_id=queue.id if queue is not None else actor.team_id,
        status=EpisodeStatus.missing,
        reported_at=now,
        reporter_name=data.reporter_name,
        reporter_relationship=data.reporter_relationship,
        reporter_phone=data.reporter_phone,
        last_seen_at=data.last_seen_at,
        last_seen_text=data.last_seen_text,
        circumstances=data.circumstances,
        description=data.description,
        clothing=data.clothing,
        intentions=data.intentions,
        recorded_by_id=actor.id,
        owner_id=owner_id,
    )
    session.add(episode)
    session.flush()
    schedule_grading(session, episode)
    source = f"{data.reporter_name} ({data.reporter_relationship})"
    for topic in TOPICS:
        text = getattr(data, "last_seen_text" if topic == "last_seen" else topic, None)
        if text:
            _add_item(session, actor, episode, topic, text, source, data.reporter_phone, now)
    audit.record(
        session,
        actor,
        "create",
        SUBJECT,
        episode.id,
        after={"person_id": person.id, "reported_at": now.isoformat(), "status": "missing"},
    )
    if episode.owner_id is None:
        hub = tasks.users_with_roles(
            session, episode.organisation_id, roles_with("episode.allocate")
        )
        text = f"New missing report: {person.display_name} needs grading and an owner."
        tasks.notify(session, hub, text, f"/episodes/{episode.id}")
    check_triggers(session, actor, episode, person, [])
    return episode


def _add_item(
    session: Session,
    actor: Actor,
    episode: Episode,
    topic: str,
    text: str,
    given_by: str,
    contact: str | None,
    given_at: datetime,
) -> EpisodeInformation:
    item = EpisodeInformation(
        episode_id=episode.id,
        topic=topic,
        text=text,
        given_by=given_by,
        given_by_contact=contact,
        given_at=given_at,
        recorded_by_id=actor.id,
        recorded_at=clock.now(),
    )
    session.add(item)
    return item


def add_information(
    session: Session,
    actor: Actor,
    episode: Episode,
    *,
    topic: str,
    text: str,
    given_by: str,
    contact: str | None,
    given_at: datetime,
    version: int,
) -> EpisodeInformation:
    """Add an item of information with who gave it, their contact and when."""
    access.require(actor, "episode.update", episode)
    _check_version(episode, version)
    _check_open(episode)
    if topic not in TOPICS:
        raise ValidationFailed("Choose what the information is about", field_errors={"topic": ""})
    item = _add_item(session, actor, episode, topic, text, given_by, contact, given_at)
    _touch(episode)
    db.flush_or_conflict(session, STALE)
    after = {"information": item.id, "topic": topic}
    audit.record(session, actor, "update", SUBJECT, episode.id, after=after)
    return item
