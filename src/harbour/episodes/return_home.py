"""The return: found, the safe-and-well check, the return home interview, and closure."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour import clock, db, timefmt
from harbour.access import agreements
from harbour.access import service as access
from harbour.access.policy import AGREEMENT_FIELDS, roles_with
from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.auth.models import Organisation
from harbour.episodes import clocks
from harbour.episodes.actions import TELL_LA, open_enquiry, pnc_circulation
from harbour.episodes.models import (
    Episode,
    EpisodeAction,
    EpisodeStatus,
    Outcome,
    Review,
)
from harbour.episodes.records import (
    STALE,
    SUBJECT,
    _check_version,
    _touch,
    is_child,
    missing_topic,
    person_of,
    reviews,
)
from harbour.episodes.schedule import _cancel_open, _schedule
from harbour.episodes.schemas import FoundInput, ReturnInterviewInput, SafeWellInput
from harbour.episodes.triggers import check_triggers
from harbour.errors import Conflict, ValidationFailed
from harbour.people.forces import FORCES
from harbour.people.models import Person, Place, PlaceType
from harbour.settings import get_settings
from harbour.tasks import service as tasks
from harbour.tasks.models import Task
from harbour.validation import Problems

# Times a little ahead of Harbour's clock are allowed: a device's clock may run fast.
CLOCK_SLACK = timedelta(minutes=5)


def _not_future(problems: Problems, field: str, when: datetime | None, what: str) -> None:
    if when is not None and when > clock.now() + CLOCK_SLACK:
        problems.add(field, f"{what} cannot be in the future")


def record_found(session: Session, actor: Actor, episode: Episode, data: FoundInput) -> Episode:
    """Record that the person was found or came back; the search's review clocks stop, its
    announcements end, and a child's return waits for a supervisor's review."""
    access.require(actor, "episode.update", episode)
    _check_version(episode, data.version)
    if episode.status is not EpisodeStatus.missing:
        raise Conflict("This person is already recorded as found.")
    start = episode.last_seen_at or episode.reported_at
    problems = Problems(data.summary)
    if data.found_at < start:
        problems.add("found_at", f"Found must be after {timefmt.absolute(start)}, when last seen")
    _not_future(problems, "found_at", data.found_at, "The time they were found")
    for name, message in data.rules(data.model_dump()).items():
        problems.add(name, message)
    if data.force and data.force not in FORCES:
        problems.add("force", "Choose the force from the list")
    problems.raise_any()
    now = clock.now()
    person = person_of(session, episode)
    episode.status = EpisodeStatus.found
    episode.found_at = data.found_at
    episode.found_text = data.found_text
    away = data.force if data.force and data.force != get_settings().force_name else None
    if data.borough or away:
        # The place found, as a place of its own: the network and the out-of-area trigger see it.
        place = Place(
            type=PlaceType.other,
            name=(data.found_text or "")[:200],
            borough=((data.town if away else data.borough) or "")[:60] or None,
            force=away,
            organisation_id=episode.organisation_id,
        )
        session.add(place)
        session.flush()
        episode.found_place_id = place.id
    episode.found_with_text = data.found_with_text
    episode.found_by = data.found_by
    episode.found_condition = data.condition
    episode.outcome = Outcome(data.outcome or Outcome.other)
    _cancel_open(session, episode, now, {*clocks.SEARCH_KINDS, clocks.ABSENCE})
    tasks.resolve(session, missing_topic(episode))
    if is_child(person, episode):
        _schedule(session, episode, clocks.return_review(episode.risk_grade, data.found_at))
        _tell_local_authority(session, actor, episode, person, now)
        _tell_partners(session, episode, person)
    _touch(episode)
    db.flush_or_conflict(session, STALE)
    audit.record(
        session,
        actor,
        "update",
        SUBJECT,
        episode.id,
        before={"status": "missing"},
        after={"status": "found", "outcome": data.outcome, "force": away},
    )
    check_triggers(session, actor, episode, person, [])
    return episode


def _tell_local_authority(
    session: Session, actor: Actor, episode: Episode, person: Person, now: datetime
) -> None:
    """A child's return is told to the local authority at once: a task for the episode's owner
    (or its queue), done when the social worker or the out-of-hours team is recorded as told."""
    if tasks.open_task_of_kind(session, person.id, "enquiry", title=TELL_LA) is not None:
        return
    authority = person.local_authority or "the local authority"
    open_enquiry(
        session,
        actor,
        episode,
        title=TELL_LA,
        details=None,
        owner_id=episode.owner_id,
        due_at=now,
        trigger=f"A child has returned: tell {authority} (the social worker or out-of-hours team)",
    )


# A partner records a child's return interview with this action, which its agreement must share
# the field for (`access.policy.AGREEMENT_FIELDS`).
INTERVIEW_ACTION = "interview.record"


def organisation_name(session: Session, actor: Actor) -> str | None:
    organisation = (
        session.get(Organisation, actor.organisation_id) if actor.organisation_id else None
    )
    return organisation.name if organisation else None


def interview_topic(episode: Episode) -> str:
    return f"episode:{episode.id}:interview"


def _tell_partners(session: Session, episode: Episode, person: Person) -> None:
    """Tell the practitioners of every partner whose agreement shares this child's return
    interviews that the child is back, at once. The message names no one: it outlives the
    agreement, and the page it links to answers only while an agreement shares the child."""
    due = return_interview_due(episode)
    for organisation_id in agreements.partners_sharing(
        session, person.id, AGREEMENT_FIELDS[INTERVIEW_ACTION]
    ):
        users = tasks.users_with_roles(session, organisation_id, roles_with(INTERVIEW_ACTION))
        tasks.notify(
            session,
            users,
            "A child your agreement covers is back: the return home interview is due by "
            + (timefmt.absolute(due) if due else "72 hours after the return"),
            f"/shared/episodes/{episode.id}/interview",
            topic=interview_topic(episode),
        )


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
    problems = Problems(data.summary)
    if data.held_at < episode.found_at:
        problems.add("held_at", "The check must be after they were found")
    _not_future(problems, "held_at", data.held_at, "The check")
    for name, message in data.rules(data.model_dump()).items():
        problems.add(name, message)
    problems.raise_any()
    face_to_face = data.face_to_face == "yes"
    episode.prevention_interview = {
        "held_at": data.held_at.isoformat(),
        "held_by": data.held_by,
        "face_to_face": face_to_face,
        "not_face_to_face_reason": None if face_to_face else data.not_face_to_face_reason,
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
    change = {
        "safe_and_well": True,
        "face_to_face": face_to_face,
        "disclosures": data.disclosures,
    }
    _save_return_step(session, actor, episode, change, data.disclosures)
    return episode


def record_return_interview(
    session: Session,
    actor: Actor,
    episode: Episode,
    data: ReturnInterviewInput,
    action: str = "episode.update",
) -> Episode:
    """Record the return home interview: by the local authority's (or its commissioned
    charity's) practitioner, whose agreement shares the child's return interviews
    (`interview.record`), or by a hub officer on the authority's behalf."""
    access.require(actor, action, episode, shared=True)
    _check_version(episode, data.version)
    if episode.found_at is None:
        raise Conflict("Record that they were found before the return home interview.")
    if action != "episode.update":  # a partner, on the return it was told of
        if (episode.rhi or {}).get("status") not in (None, "offered"):
            raise Conflict("The return home interview is already recorded.")
        if episode.status is not EpisodeStatus.found:
            raise Conflict("This episode is closed: ask the Hub to add to it.")
        others = (episode.rhi or {}).get("recorded_for")
        if others and others != organisation_name(session, actor):
            raise Conflict(f"{others} is recording this return home interview.")
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
    if data.status == "held" and data.face_to_face == "no" and not data.not_face_to_face_reason:
        problems.add("not_face_to_face_reason", "Say why the interview was not face to face")
    _not_future(problems, "offered_at", data.offered_at, "The offer")
    _not_future(problems, "held_at", data.held_at, "The interview")
    if data.held_at is not None and data.held_at < episode.found_at:
        problems.add("held_at", "The interview must be after they were found")
    problems.raise_any()
    held = data.held_at if data.status == "held" else None
    episode.rhi = {
        "status": data.status,
        "offered_at": data.offered_at.isoformat(),
        "held_at": held.isoformat() if held else None,
        "declined": data.status == "declined",
        "by": data.by,
        "text": data.findings,
        "reason": data.reason,
        "disclosures": data.disclosures,
        "face_to_face": {"yes": True, "no": False}.get(data.face_to_face or ""),
        "not_face_to_face_reason": data.not_face_to_face_reason,
        "push_factors": data.push_factors,
        "pull_factors": data.pull_factors,
        "harm": data.harm,
        "recorded_by": actor.display_name,
        "recorded_for": organisation_name(session, actor),
    }
    if data.status != "offered":
        tasks.resolve(session, interview_topic(episode))
    change = {"return_interview": data.status, "disclosures": data.disclosures}
    _save_return_step(session, actor, episode, change, data.disclosures)
    return episode


def interview_is_late(episode: Episode, now: datetime) -> bool:
    """A return home interview is late when it was not held within the set time of the return
    (72 hours by default): held after it, or still not held once it has passed. One declined
    or not held is a recorded decision (DfE), not a late interview."""
    due = return_interview_due(episode)
    rhi = episode.rhi or {}
    if due is None or rhi.get("status") in ("declined", "not_held"):
        return False
    held = rhi.get("held_at")
    return (datetime.fromisoformat(held) if held else now) > due


# Tasks that must be done, or carried to the person's record, before an episode closes.
GATED_TASKS = ("strategy_meeting", "exploitation_screening")


def closure_blockers(
    session: Session,
    episode: Episode,
    person: Person,
    recorded: list[EpisodeAction] | None = None,
    *,
    known_reviews: list[Review] | None = None,
    known_tasks: list[Task] | None = None,
) -> list[str]:
    """What still stops the episode closing, in words (empty when it may close). A page that
    has already loaded the episode's actions, reviews or (all its) tasks passes them in."""
    blockers = []
    circulation = pnc_circulation(session, episode, recorded)
    if circulation is not None:
        blockers.append(f"Remove the PNC circulation ({circulation.reference}).")
    if episode.status is EpisodeStatus.missing:
        blockers.append("Record that they were found or came back.")
    if not (episode.prevention_interview or {}).get("held_at"):
        blockers.append("Record the safe-and-well check.")
    check = episode.prevention_interview or {}
    child = is_child(person, episode)
    if child:
        status = (episode.rhi or {}).get("status")
        if status not in ("held", "declined", "not_held"):
            blockers.append(
                "Record the return home interview as held, declined, or not held with a reason."
            )
        if (
            check.get("held_at")
            and not check.get("face_to_face")
            and not check.get("remote_agreed_by")
        ):
            blockers.append(
                "The safe-and-well check was not face to face: a supervisor must agree to that "
                "at the review of the return, or hold a check face to face."
            )
        if episode.status is EpisodeStatus.found:
            every = reviews(session, episode) if known_reviews is None else known_reviews
            returns = [r for r in every if r.kind == clocks.RETURN]
            if not any(r.done_at for r in returns):
                rank = returns[0].rank if returns else clocks.rank_for(episode.risk_grade).value
                article = "An" if rank[:1] in "aeiou" else "A"
                blockers.append(f"{article} {rank} must review the return.")
    gated = (
        session.scalars(
            select(Task).where(
                Task.episode_id == episode.id,
                Task.kind.in_(GATED_TASKS),
                Task.done_at.is_(None),
            )
        )
        if known_tasks is None
        else [t for t in known_tasks if t.kind in GATED_TASKS and t.done_at is None]
    )
    for task in gated:
        blockers.append(
            f"Complete the task \u201c{task.title}\u201d, or carry it to the person's record "
            "with a reason."
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
    _cancel_open(session, episode, now, {*clocks.SEARCH_KINDS, clocks.ABSENCE, clocks.RETURN})
    tasks.resolve(session, missing_topic(episode))
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
