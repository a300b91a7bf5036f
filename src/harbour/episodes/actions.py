"""Actions, handovers and enquiries on an episode (PNC circulation, Child Rescue Alert, media
appeals).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour import clock, db
from harbour.access import service as access
from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.auth.models import User
from harbour.episodes.models import (
    Episode,
    EpisodeAction,
)
from harbour.episodes.records import (
    STALE,
    SUBJECT,
    _check_open,
    _check_version,
    _touch,
    _words,
    person_of,
)
from harbour.episodes.schemas import ACTIONS, ActionInput
from harbour.errors import ValidationFailed
from harbour.tasks import service as tasks
from harbour.tasks.models import Task


def actions(session: Session, episode: Episode) -> list[EpisodeAction]:
    return list(
        session.scalars(
            select(EpisodeAction)
            .where(EpisodeAction.episode_id == episode.id)
            .order_by(EpisodeAction.at, EpisodeAction.id)
        )
    )


def pnc_circulation(
    session: Session, episode: Episode, recorded: list[EpisodeAction] | None = None
) -> EpisodeAction | None:
    """The PNC circulation still standing (circulated and not removed since), if any."""
    standing = None
    for action in actions(session, episode) if recorded is None else recorded:
        if action.kind == "pnc_circulated":
            standing = action
        elif action.kind == "pnc_removed":
            standing = None
    return standing


def record_action(
    session: Session, actor: Actor, episode: Episode, data: ActionInput
) -> EpisodeAction:
    """Record a PNC circulation or removal, a notification to social care, or a transfer."""
    access.require(actor, "episode.update", episode)
    _check_version(episode, data.version)
    _check_open(episode)
    for name, message in data.rules(data.model_dump()).items():
        raise ValidationFailed(data.summary, field_errors={name: message})
    kind, reference, details, at = data.kind, data.reference, data.details, data.at
    if kind == "pnc_removed" and pnc_circulation(session, episode) is None:
        message = "There is no PNC circulation to remove"
        raise ValidationFailed(data.summary, field_errors={"kind": message})
    if kind == "pnc_removed" and not reference:
        standing = pnc_circulation(session, episode)
        reference = standing.reference if standing else None
    action = EpisodeAction(
        episode_id=episode.id,
        kind=kind,
        reference=reference,
        details=details,
        at=at or clock.now(),
        recorded_by_id=actor.id,
        recorded_by_name=actor.display_name,
    )
    session.add(action)
    _touch(episode)
    db.flush_or_conflict(session, STALE)
    audit.record(
        session,
        actor,
        "update",
        SUBJECT,
        episode.id,
        after={"action": kind, "reference": reference},
    )
    if kind in LOCAL_AUTHORITY_TOLD and episode.found_at is not None:
        told = tasks.open_task_of_kind(session, episode.person_id, "enquiry", title=TELL_LA)
        if told is not None and told.episode_id == episode.id:
            what = ACTIONS[kind] + (f" ({reference})" if reference else "")
            tasks.complete(session, actor, told, f"Recorded: {what}", told.version)
    return action


# A child's return is told to the local authority at once (the council's social worker or its
# out-of-hours team): the task Harbour opens on the return, done when either is recorded.
TELL_LA = "Tell the local authority of the return"
LOCAL_AUTHORITY_TOLD = ("social_worker_told", "out_of_hours_told")


def hand_over(session: Session, actor: Actor, episode: Episode, owner: User, version: int) -> None:
    """Make someone else the episode's owner and tell them at once."""
    access.require(actor, "episode.update", episode)
    _check_version(episode, version)
    _check_open(episode)
    before = episode.owner_id
    episode.owner_id = owner.id
    session.add(
        EpisodeAction(
            episode_id=episode.id,
            kind="handover",
            reference=owner.display_name,
            at=clock.now(),
            recorded_by_id=actor.id,
            recorded_by_name=actor.display_name,
        )
    )
    _touch(episode)
    db.flush_or_conflict(session, STALE)
    audit.record(
        session,
        actor,
        "handover",
        SUBJECT,
        episode.id,
        before={"owner": before},
        after={"owner": owner.id},
    )
    person = person_of(session, episode)
    grade_ = f" ({_words(episode.risk_grade)} risk)" if episode.risk_grade else ""
    text = f"{actor.display_name} handed you the missing episode of {person.display_name}{grade_}."
    tasks.notify(session, [owner.id], text, f"/episodes/{episode.id}")


def open_enquiry(
    session: Session,
    actor: Actor,
    episode: Episode,
    *,
    title: str,
    details: str | None,
    owner_id: int | None,
    due_at: datetime | None,
    trigger: str | None = None,
) -> Task:
    """Open a line of enquiry on the episode, owned by the person who will do it (`trigger`:
    why Harbour opened it, when it did)."""
    access.require(actor, "episode.update", episode)
    _check_open(episode)
    return tasks.open_task(
        session,
        actor,
        organisation_id=episode.organisation_id,
        team_id=episode.team_id,
        kind="enquiry",
        title=title,
        person_id=episode.person_id,
        episode_id=episode.id,
        details=details,
        owner_id=owner_id,
        due_at=due_at,
        trigger=trigger,
    )
