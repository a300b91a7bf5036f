"""Repeat-missing and long-absence triggers that open strategy-meeting and screening tasks."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from harbour import clock
from harbour.actor import Actor
from harbour.episodes.models import (
    Episode,
)
from harbour.episodes.records import hours_missing, is_child
from harbour.people.models import Person, Place
from harbour.risk.questions import EXPLOITATION_INDICATORS
from harbour.settings import get_settings
from harbour.tasks import service as tasks
from harbour.tasks.models import Task


def check_triggers(
    session: Session, actor: Actor, episode: Episode, person: Person, disclosures: list[str]
) -> list[Task]:
    """Open a strategy-meeting or exploitation-screening task for a child when a trigger fires:
    repeat episodes, a long absence, being found out of area, or a disclosure of exploitation.
    A person with such a task still open gets no second one."""
    if not is_child(person, episode):
        return []
    settings = get_settings()
    fired: list[tuple[str, str, str]] = []
    since = episode.reported_at - timedelta(days=settings.repeat_trigger_days)
    count = (
        session.scalar(
            select(func.count())
            .select_from(Episode)
            .where(Episode.person_id == person.id, Episode.reported_at >= since)
        )
        or 0
    )
    if count >= settings.repeat_trigger_count:
        fired.append(
            (
                "strategy_meeting",
                "Strategy meeting: repeat missing",
                f"{count} episodes in {settings.repeat_trigger_days} days",
            )
        )
    hours = hours_missing(episode)
    if episode.found_at is not None and hours >= settings.long_missing_hours:
        fired.append(
            ("strategy_meeting", "Strategy meeting: long absence", f"Missing for {hours:g} hours")
        )
    home = session.get(Place, person.home_place_id) if person.home_place_id else None
    found = session.get(Place, episode.found_place_id) if episode.found_place_id else None
    if found and found.force:
        fired.append(
            (
                "exploitation_screening",
                "Exploitation screening: found out of area",
                f"Found in {found.borough or found.name} ({found.force}), outside the force",
            )
        )
    elif home and found and home.borough and found.borough and home.borough != found.borough:
        fired.append(
            (
                "exploitation_screening",
                "Exploitation screening: found out of area",
                f"Found in {found.borough}; lives in {home.borough}",
            )
        )
    if disclosures:
        named = ", ".join(EXPLOITATION_INDICATORS.get(d, d) for d in disclosures)
        fired.append(
            (
                "exploitation_screening",
                "Exploitation screening: disclosure on return",
                f"Disclosed: {named}",
            )
        )
    return _open(session, actor, episode, person, fired)


def absence_triggers(
    session: Session, actor: Actor, episode: Episode, person: Person, hours: float
) -> list[Task]:
    """A child still missing at a long-absence step needs a strategy meeting (unless one is
    open), opened while they are missing rather than after the return."""
    if not is_child(person, episode):
        return []
    why = f"Still missing after {hours:g} hours"
    fired = [("strategy_meeting", "Strategy meeting: long absence", why)]
    return _open(session, actor, episode, person, fired)


def _open(
    session: Session,
    actor: Actor,
    episode: Episode,
    person: Person,
    fired: list[tuple[str, str, str]],
) -> list[Task]:
    """Open a task for each trigger that fired, unless one of its kind is open on the person;
    it goes to the episode's owner, or to its team's queue while it has none."""
    opened = []
    for kind, title, why in fired:
        if tasks.open_task_of_kind(session, person.id, kind) is not None:
            continue
        opened.append(
            tasks.open_task(
                session,
                actor,
                organisation_id=episode.organisation_id,
                team_id=episode.team_id,
                kind=kind,
                title=title,
                person_id=person.id,
                episode_id=episode.id,
                owner_id=episode.owner_id,
                due_at=clock.now() + timedelta(hours=24),
                trigger=why,
            )
        )
    return opened
