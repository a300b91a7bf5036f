"""Missing episodes: what is open now. The full lifecycle (report, grading, reviews, return)
arrives with the episode capability; imported history already feeds this board."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from harbour.access import service as access
from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.episodes.models import Episode, EpisodeStatus
from harbour.people.models import Person


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
