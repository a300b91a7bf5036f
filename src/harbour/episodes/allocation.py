"""Every piece of work has an owner or a queue: the hub's queue of reports nobody owns yet, the
board of unowned work with its allocation clock, and moving a person's open casework to someone
else or back to the queue (a leaver's cases)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour import clock, db
from harbour.access import service as access
from harbour.access.policy import roles_with
from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.auth.models import Team, User
from harbour.episodes.models import Episode, EpisodeStatus
from harbour.episodes.records import STALE, SUBJECT, _touch
from harbour.errors import ValidationFailed
from harbour.people.models import Person
from harbour.settings import get_settings
from harbour.tasks import service as tasks
from harbour.tasks.models import Task


def hub_team(session: Session, organisation_id: int) -> Team | None:
    """The organisation's hub team, whose queue takes reports nobody owns yet."""
    name = get_settings().hub_team_name
    return session.scalar(
        select(Team).where(Team.organisation_id == organisation_id, Team.name == name)
    )


def hub_team_name() -> str:
    return get_settings().hub_team_name


def allocation_due(episode: Episode) -> datetime:
    """When a report nobody owns must have an owner."""
    return episode.reported_at + timedelta(minutes=get_settings().allocation_due_minutes)


@dataclass(frozen=True)
class Waiting:
    episode: Episode
    person: Person
    due_at: datetime
    overdue: bool
    team: str | None


@dataclass(frozen=True)
class Unowned:
    episodes: list[Waiting]
    tasks: list[Task]
    people: dict[int, str]  # the tasks' people, by id


def unowned(session: Session, actor: Actor, *, limit: int = 200) -> Unowned:
    """Open episodes and open tasks with no owner that the actor may see, oldest first: what a
    supervisor must see allocated."""
    access.require(actor, "casework.unowned")
    now = clock.now()
    teams = {
        team_id: name
        for team_id, name in session.execute(
            select(Team.id, Team.name).where(Team.organisation_id == actor.organisation_id)
        )
    }
    rows = session.execute(
        select(Episode, Person)
        .join(Person, Person.id == Episode.person_id)
        .where(
            access.visible(actor, Episode),
            Episode.owner_id.is_(None),
            Episode.status != EpisodeStatus.closed,
        )
        .order_by(Episode.reported_at, Episode.id)
        .limit(limit)
    )
    waiting = [
        Waiting(
            episode,
            person,
            allocation_due(episode),
            allocation_due(episode) < now,
            teams.get(episode.team_id) if episode.team_id else None,
        )
        for episode, person in rows
    ]
    open_tasks = list(
        session.scalars(
            select(Task)
            .where(access.visible(actor, Task), Task.owner_id.is_(None), Task.done_at.is_(None))
            .order_by(Task.due_at.nulls_last(), Task.id)
            .limit(limit)
        )
    )
    if waiting or open_tasks:
        audit.record(
            session,
            actor,
            "view",
            "unowned_board",
            None,
            after={
                "episodes": [w.episode.id for w in waiting],
                "tasks": [t.id for t in open_tasks],
            },
            justification="Unowned work board",
        )
    return Unowned(waiting, open_tasks, tasks.person_names(session, open_tasks))


def caseworkers(session: Session, actor: Actor) -> list[User]:
    """Everyone in the actor's organisation whose role holds casework, leavers (disabled
    accounts) included, for moving their cases."""
    return list(
        session.scalars(
            select(User)
            .where(
                User.organisation_id == actor.organisation_id,
                User.role.in_(roles_with("episode.hold")),
            )
            .order_by(User.is_active.desc(), User.display_name)
        )
    )


@dataclass(frozen=True)
class Moved:
    episodes: int
    tasks: int


def reassign(
    session: Session, actor: Actor, from_id: int | None, to_id: int | None, reason: str
) -> Moved:
    """Move every open episode and task `from_id` owns to `to_id`, or to the hub's queue when
    `to_id` is None; each change is audited with before and after, and the new owner is told
    once."""
    access.require(actor, "casework.reassign")
    people = {u.id: u for u in caseworkers(session, actor)}
    problems: dict[str, str] = {}
    if from_id not in people:
        problems["from_id"] = "Choose whose open casework moves"
    receivers = {user.id for user in tasks.colleagues(session, actor)}
    if to_id is not None and to_id not in receivers:
        problems["to_id"] = "Choose who takes it on, or the hub's queue"
    if from_id is not None and from_id == to_id:
        problems["to_id"] = "Choose someone else to take it on"
    if not reason.strip():
        problems["reason"] = "Say why the casework moves (for example: left the team)"
    if problems:
        raise ValidationFailed("Check who the casework moves from and to", field_errors=problems)
    assert from_id is not None
    hub = hub_team(session, actor.organisation_id) if actor.organisation_id else None
    new_owner = people.get(to_id) if to_id is not None else None
    episodes = list(
        session.scalars(
            select(Episode).where(
                access.visible(actor, Episode),
                Episode.owner_id == from_id,
                Episode.status != EpisodeStatus.closed,
            )
        )
    )
    for episode in episodes:
        before = {"owner": episode.owner_id, "team": episode.team_id}
        episode.owner_id = to_id
        if new_owner is None and hub is not None:
            episode.team_id = hub.id
        elif new_owner is not None and new_owner.team_id is not None:
            episode.team_id = new_owner.team_id
        _touch(episode)
        audit.record(
            session,
            actor,
            "reassign",
            SUBJECT,
            episode.id,
            before=before,
            after={"owner": episode.owner_id, "team": episode.team_id, "reason": reason},
        )
    moved_tasks = list(
        session.scalars(
            select(Task).where(
                access.visible(actor, Task), Task.owner_id == from_id, Task.done_at.is_(None)
            )
        )
    )
    for task in moved_tasks:
        before = {"owner": task.owner_id, "team": task.team_id}
        task.owner_id = to_id
        if new_owner is not None:
            task.team_id = new_owner.team_id
        elif hub is not None:
            task.team_id = hub.id
        audit.record(
            session,
            actor,
            "reassign",
            tasks.SUBJECT,
            task.id,
            before=before,
            after={"owner": task.owner_id, "team": task.team_id, "reason": reason},
        )
    db.flush_or_conflict(session, STALE)
    if new_owner is not None and (episodes or moved_tasks):
        giver = people[from_id].display_name
        text = (
            f"{actor.display_name} gave you {giver}'s open casework: {len(episodes)} "
            f"{'episode' if len(episodes) == 1 else 'episodes'} and {len(moved_tasks)} "
            f"{'task' if len(moved_tasks) == 1 else 'tasks'}."
        )
        tasks.notify(session, [new_owner.id], text, "/tasks")
    return Moved(len(episodes), len(moved_tasks))
