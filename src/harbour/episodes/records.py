"""Finding and reading an episode: access, its person, ages, what it holds, and the boards of open
episodes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from harbour import clock, timefmt
from harbour.access import service as access
from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.episodes.models import (
    Episode,
    EpisodeInformation,
    EpisodeStatus,
    Grading,
    Review,
)
from harbour.errors import Conflict
from harbour.people.models import Person, Place
from harbour.risk.grades import RiskGrade
from harbour.risk.policy import current_policy
from harbour.tasks.models import Task

SUBJECT = "episode"


TOPICS = {
    "last_seen": "Last seen",
    "clothing": "Clothing",
    "intentions": "Intentions",
    "circumstances": "Circumstances",
    "description": "Description",
    "other": "Other information",
}


STALE = (
    "Someone else changed this episode after you opened it. Reload it to see their change, "
    "then make yours again."
)


def _words(grade: RiskGrade | str) -> str:
    return str(grade).replace("_", " ")


def _check_version(episode: Episode, version: int) -> None:
    if version != episode.version:
        raise Conflict(STALE)


def _check_open(episode: Episode) -> None:
    if episode.status is EpisodeStatus.closed:
        raise Conflict("This episode is closed: nothing more can be added to it.")


def _touch(episode: Episode) -> None:
    """Move the episode's version on, so that anyone holding an older copy is told."""
    episode.updated_at = clock.now()


def missing_topic(episode: Episode) -> str:
    """The topic of messages announcing that the person is missing: they end on the return."""
    return f"episode:{episode.id}:missing"


def review_topic(review: Review) -> str:
    """The topic of messages about a review: they end when it is done or no longer due."""
    return f"review:{review.id}"


def find(session: Session, actor: Actor, episode_id: int, action: str = "person.view") -> Episode:
    """Load an episode the actor may see (404 out of scope), checking `action` on it."""
    return access.fetch(session, actor, Episode, episode_id, action)


def find_with_person(
    session: Session, actor: Actor, episode_id: int, action: str = "person.view"
) -> tuple[Episode, Person]:
    """Load an episode the actor may see and its person in one statement, checked as `find`
    checks it (404 out of scope, `action` on it)."""
    # Held while `find` runs: it then takes the episode from the session's identity map (which
    # keeps only what is referenced) without another statement, and checks access as ever.
    loaded = session.execute(
        select(Episode, Person)
        .join(Person, Person.id == Episode.person_id)
        .where(Episode.id == episode_id)
    ).first()
    episode = find(session, actor, episode_id, action)
    assert loaded is not None  # `find` refused a missing episode
    return episode, loaded[1]


def person_of(session: Session, episode: Episode) -> Person:
    person = session.get(Person, episode.person_id)
    assert person is not None
    return person


def age_at(person: Person, when: datetime) -> int | None:
    """The person's age in whole years on a day (the report's day for a missing child)."""
    return timefmt.age(person.date_of_birth, timefmt.local(when).date())


def is_child(person: Person, episode: Episode) -> bool:
    age = age_at(person, episode.reported_at)
    return age is not None and age < current_policy().child_age


def record_view(session: Session, actor: Actor, episode: Episode, justification: str) -> None:
    audit.record(session, actor, "view", SUBJECT, episode.id, justification=justification)


def information(session: Session, episode: Episode) -> list[EpisodeInformation]:
    return list(
        session.scalars(
            select(EpisodeInformation)
            .where(EpisodeInformation.episode_id == episode.id)
            .order_by(EpisodeInformation.given_at, EpisodeInformation.id)
        )
    )


def gradings(session: Session, episode: Episode) -> list[Grading]:
    """Every grading of the episode, newest first."""
    return list(
        session.scalars(
            select(Grading)
            .where(Grading.episode_id == episode.id)
            .order_by(Grading.graded_at.desc(), Grading.id.desc())
        )
    )


def reviews(session: Session, episode: Episode) -> list[Review]:
    """Every review of the episode, in the order they fall due."""
    return list(
        session.scalars(
            select(Review).where(Review.episode_id == episode.id).order_by(Review.due_at, Review.id)
        )
    )


def tasks_on(session: Session, actor: Actor, episode: Episode) -> tuple[list[Task], list[Task]]:
    """The episode's tasks in one statement, open ones first: those the actor may see (for its
    page), and all of them (what still blocks closing does not depend on who is looking)."""
    every = list(
        session.scalars(
            select(Task)
            .where(Task.episode_id == episode.id)
            .order_by(Task.done_at.is_not(None), Task.due_at.nulls_last(), Task.id)
        )
    )
    # The same test as `access.visible(actor, Task)`, applied to rows already loaded.
    return [t for t in every if access.can(actor, Task.__view_action__, t)], every


def open_reviews(session: Session, episode: Episode) -> list[Review]:
    return [r for r in reviews(session, episode) if r.done_at is None and r.cancelled_at is None]


def hours_missing(episode: Episode, now: datetime | None = None) -> float:
    """Hours from last seen (or the report) to being found (or now)."""
    start = episode.last_seen_at or episode.reported_at
    end = episode.found_at or now or clock.now()
    return max(0.0, round((end - start).total_seconds() / 3600, 1))


def boroughs(session: Session, actor: Actor) -> list[str]:
    """The boroughs of the places the actor's organisation holds, for choosing where found."""
    return list(
        session.scalars(
            select(Place.borough)
            .where(Place.organisation_id == actor.organisation_id, Place.borough.is_not(None))
            .distinct()
            .order_by(Place.borough)
        )
    )


def open_episodes(
    session: Session, actor: Actor, *, limit: int = 20
) -> tuple[list[tuple[Episode, Person]], int]:
    """Return the newest open episodes the actor may see, with their people, and how many."""
    access.require(actor, "person.view")
    where = [access.visible(actor, Episode), Episode.status == EpisodeStatus.missing]
    total = session.scalar(select(func.count()).select_from(Episode).where(*where)) or 0
    rows = [
        (episode, person)
        for episode, person in session.execute(
            select(Episode, Person)
            .join(Person, Person.id == Episode.person_id)
            .where(*where)
            .order_by(Episode.reported_at.desc())
            .limit(limit)
        )
    ]
    if rows:
        audit.record(
            session,
            actor,
            "view",
            "episode_board",
            None,
            after={"shown": [episode.id for episode, _ in rows]},
            justification="Open missing episodes board",
        )
    return rows, total


def episodes_of(session: Session, actor: Actor, person: Person) -> list[Episode]:
    """Every episode of a person the actor may see, newest first (for the timeline)."""
    return list(
        session.scalars(
            select(Episode)
            .where(Episode.person_id == person.id, access.visible(actor, Episode))
            .order_by(Episode.reported_at.desc())
        )
    )
