"""The return: found, the safe-and-well check, the return home interview, and closure."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from harbour import clock, db, timefmt
from harbour.access import service as access
from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.episodes.actions import pnc_circulation
from harbour.episodes.models import (
    Episode,
    EpisodeAction,
    EpisodeStatus,
    Outcome,
)
from harbour.episodes.records import (
    STALE,
    SUBJECT,
    _check_version,
    _touch,
    is_child,
    person_of,
)
from harbour.episodes.schedule import _cancel_open
from harbour.episodes.schemas import FoundInput, ReturnInterviewInput, SafeWellInput
from harbour.episodes.triggers import check_triggers
from harbour.errors import Conflict, ValidationFailed
from harbour.people.models import Person, Place, PlaceType
from harbour.settings import get_settings
from harbour.validation import Problems


def record_found(session: Session, actor: Actor, episode: Episode, data: FoundInput) -> Episode:
    """Record that the person was found or came back; the review clocks stop."""
    access.require(actor, "episode.update", episode)
    _check_version(episode, data.version)
    if episode.status is not EpisodeStatus.missing:
        raise Conflict("This person is already recorded as found.")
    start = episode.last_seen_at or episode.reported_at
    if data.found_at < start:
        message = f"Found must be after {timefmt.absolute(start)}, when last seen"
        raise ValidationFailed(data.summary, field_errors={"found_at": message})
    now = clock.now()
    episode.status = EpisodeStatus.found
    episode.found_at = data.found_at
    episode.found_text = data.found_text
    if data.borough:
        # The place found, as a place of its own: the network and the out-of-area trigger see it.
        place = Place(
            type=PlaceType.other,
            name=(data.found_text or "")[:200],
            borough=data.borough[:60],
            organisation_id=episode.organisation_id,
        )
        session.add(place)
        session.flush()
        episode.found_place_id = place.id
    episode.found_with_text = data.found_with_text
    episode.found_by = data.found_by
    episode.found_condition = data.condition
    episode.outcome = Outcome(data.outcome or Outcome.other)
    _cancel_open(session, episode, now, {"first", "regular", "senior", "below_suggestion"})
    _touch(episode)
    db.flush_or_conflict(session, STALE)
    audit.record(
        session,
        actor,
        "update",
        SUBJECT,
        episode.id,
        before={"status": "missing"},
        after={"status": "found", "outcome": data.outcome},
    )
    check_triggers(session, actor, episode, person_of(session, episode), [])
    return episode


def _save_return_step(
    session: Session, actor: Actor, episode: Episode, change: dict[str, Any], disclosures: list[str]
) -> None:
    """Save what was recorded on return, audit it, and open any task a disclosure triggers."""
    _touch(episode)
    db.flush_or_conflict(session, STALE)
    audit.record(session, actor, "update", SUBJECT, episode.id, after=change)
    check_triggers(session, actor, episode, person_of(session, episode), disclosures)


def safe_and_well_due(episode: Episode) -> datetime | None:
    if episode.found_at is None:
        return None
    return episode.found_at + timedelta(hours=get_settings().safe_and_well_hours)


def return_interview_due(episode: Episode) -> datetime | None:
    if episode.found_at is None:
        return None
    return episode.found_at + timedelta(hours=get_settings().return_interview_hours)


def record_safe_and_well(
    session: Session, actor: Actor, episode: Episode, data: SafeWellInput
) -> Episode:
    """Record the safe-and-well check and prevention interview on return."""
    access.require(actor, "episode.update", episode)
    _check_version(episode, data.version)
    if episode.status is not EpisodeStatus.found or episode.found_at is None:
        raise Conflict("Record that they were found before the safe-and-well check.")
    if data.held_at < episode.found_at:
        message = "The check must be after they were found"
        raise ValidationFailed(data.summary, field_errors={"held_at": message})
    episode.prevention_interview = {
        "held_at": data.held_at.isoformat(),
        "held_by": data.held_by,
        "face_to_face": data.face_to_face == "yes",
        "where_they_were": data.where_they_were,
        "why": data.why,
        "harm": data.harm,
        "disclosures": data.disclosures,
        "named_people": data.named_people,
        "named_places": data.named_places,
        "referrals": data.referrals,
        "text": data.where_they_were,
        "recorded_by": actor.display_name,
    }
    change = {"safe_and_well": True, "disclosures": data.disclosures}
    _save_return_step(session, actor, episode, change, data.disclosures)
    return episode


def record_return_interview(
    session: Session, actor: Actor, episode: Episode, data: ReturnInterviewInput
) -> Episode:
    """Record the local authority's return home interview (a hub officer on its behalf)."""
    access.require(actor, "episode.update", episode)
    _check_version(episode, data.version)
    if episode.found_at is None:
        raise Conflict("Record that they were found before the return home interview.")
    problems = Problems(data.summary)
    if data.offered_at < episode.found_at:
        problems.add("offered_at", "The offer must be after they were found")
    if data.status == "held":
        if data.held_at is None:
            problems.add("held_at", "Enter when the interview was held")
        if not data.by:
            problems.add("by", "Enter who held the interview")
    if data.status in ("declined", "not_held") and not data.reason:
        problems.add("reason", "Give the reason it was not held")
    problems.raise_any()
    episode.rhi = {
        "status": data.status,
        "offered_at": data.offered_at.isoformat(),
        "held_at": data.held_at.isoformat() if data.held_at else None,
        "declined": data.status == "declined",
        "by": data.by,
        "text": data.findings,
        "reason": data.reason,
        "disclosures": data.disclosures,
        "recorded_by": actor.display_name,
    }
    change = {"return_interview": data.status, "disclosures": data.disclosures}
    _save_return_step(session, actor, episode, change, data.disclosures)
    return episode


def closure_blockers(
    session: Session,
    episode: Episode,
    person: Person,
    recorded: list[EpisodeAction] | None = None,
) -> list[str]:
    """What still stops the episode closing, in words (empty when it may close)."""
    blockers = []
    circulation = pnc_circulation(session, episode, recorded)
    if circulation is not None:
        blockers.append(f"Remove the PNC circulation ({circulation.reference}).")
    if episode.status is EpisodeStatus.missing:
        blockers.append("Record that they were found or came back.")
    if not (episode.prevention_interview or {}).get("held_at"):
        blockers.append("Record the safe-and-well check.")
    if is_child(person, episode):
        status = (episode.rhi or {}).get("status")
        if status not in ("held", "declined", "not_held"):
            blockers.append(
                "Record the return home interview as held, declined, or not held with a reason."
            )
    return blockers


def close(
    session: Session, actor: Actor, episode: Episode, person: Person, version: int
) -> Episode:
    """Close the episode once the return has been checked (and, for a child, interviewed)."""
    access.require(actor, "episode.close", episode)
    _check_version(episode, version)
    if episode.status is EpisodeStatus.closed:
        raise Conflict("This episode is already closed.")
    blockers = closure_blockers(session, episode, person)
    if blockers:
        raise ValidationFailed(
            "This episode cannot close yet: " + " ".join(blockers),
            field_errors={"close": " ".join(blockers)},
        )
    now = clock.now()
    episode.status = EpisodeStatus.closed
    episode.closed_at = now
    episode.closed_by_id = actor.id
    _cancel_open(session, episode, now, {"first", "regular", "senior", "below_suggestion"})
    db.flush_or_conflict(session, STALE)
    audit.record(
        session,
        actor,
        "close",
        SUBJECT,
        episode.id,
        before={"status": "found"},
        after={"status": "closed"},
    )
    return episode
