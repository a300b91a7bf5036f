"""Open, hand over and complete tasks; tell people about new work in the notification centre."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from harbour import clock, db
from harbour.access import service as access
from harbour.access.policy import roles_with
from harbour.actor import Actor, Role
from harbour.audit import service as audit
from harbour.auth.models import User
from harbour.errors import Conflict, ValidationFailed
from harbour.people.models import Person
from harbour.tasks import mail
from harbour.tasks.models import Notification, Task

SUBJECT = "task"
KINDS = {
    "enquiry": "Enquiry",
    "strategy_meeting": "Strategy meeting",
    "exploitation_screening": "Exploitation screening",
    "meeting_action": "Action from a meeting",
}
# Lines of enquiry an officer can pick as a task's title (APP investigation).
ENQUIRIES = [
    "Check the home address and garden",
    "Check hospitals",
    "Visit friends and associates",
    "Collect CCTV",
    "Phone enquiries (cell site, last use)",
    "Social media enquiries",
    "Check places they go",
    "Transport enquiries (buses, trains, taxis)",
]
STALE = "Someone else changed this task after you opened it. Reload it and try again."


# -- notifications ----------------------------------------------------------------------------


def notify(
    session: Session,
    user_ids: Iterable[int | None],
    text: str,
    link: str | None,
    *,
    topic: str | None = None,
) -> int:
    """Leave a message for each user (once each); return how many were left.

    A message with a `topic` ("episode:12:missing") is resolved when what it announces ends
    (`resolve`). Users with an email address are also emailed, once the transaction commits.
    """
    now = clock.now()
    unique = sorted({u for u in user_ids if u is not None})
    made = [
        Notification(user_id=user_id, text=text[:500], link=link, created_at=now, topic=topic)
        for user_id in unique
    ]
    session.add_all(made)
    mail.queue(session, made)
    return len(made)


def resolve(session: Session, *topics: str) -> None:
    """Mark every open message on these topics as no longer current: the situation it
    announced has ended (the child is found, the review is done), so it stops counting as
    unread and the centre says so."""
    if not topics:
        return
    session.execute(
        update(Notification)
        .where(Notification.topic.in_(topics), Notification.resolved_at.is_(None))
        .values(resolved_at=clock.now())
    )


def unread_count(session: Session, actor: Actor | None) -> int:
    if actor is None or actor.id is None:
        return 0
    return (
        session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(
                Notification.user_id == actor.id,
                Notification.read_at.is_(None),
                Notification.resolved_at.is_(None),
            )
        )
        or 0
    )


def notifications(session: Session, actor: Actor, *, limit: int = 50) -> list[Notification]:
    """The actor's newest notifications (their own only)."""
    return list(
        session.scalars(
            select(Notification)
            .where(Notification.user_id == actor.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def mark_all_read(session: Session, actor: Actor) -> None:
    session.execute(
        update(Notification)
        .where(Notification.user_id == actor.id, Notification.read_at.is_(None))
        .values(read_at=clock.now())
    )


def users_with_roles(session: Session, organisation_id: int, roles: Iterable[Role]) -> list[int]:
    """The active users of an organisation who hold any of the roles."""
    return list(
        session.scalars(
            select(User.id).where(
                User.organisation_id == organisation_id,
                User.role.in_(list(roles)),
                User.is_active.is_(True),
            )
        )
    )


def colleagues(session: Session, actor: Actor) -> list[User]:
    """People in the actor's organisation who can take on casework, for handovers."""
    roles = roles_with("episode.hold")
    return list(
        session.scalars(
            select(User)
            .where(
                User.organisation_id == actor.organisation_id,
                User.role.in_(roles),
                User.is_active.is_(True),
            )
            .order_by(User.display_name)
        )
    )


def find_colleague(session: Session, actor: Actor, user_id: int | None) -> User:
    chosen = next((u for u in colleagues(session, actor) if u.id == user_id), None)
    if chosen is None:
        raise ValidationFailed(
            "Choose who takes it on", field_errors={"owner_id": "Choose who takes it on"}
        )
    return chosen


# -- tasks ------------------------------------------------------------------------------------


def open_task(
    session: Session,
    actor: Actor,
    *,
    organisation_id: int,
    team_id: int | None,
    kind: str,
    title: str,
    person_id: int | None = None,
    episode_id: int | None = None,
    details: str | None = None,
    owner_id: int | None = None,
    due_at: datetime | None = None,
    trigger: str | None = None,
) -> Task:
    """Open a task (a line of enquiry, or one a trigger opened) and tell its owner."""
    if kind not in KINDS:
        raise ValidationFailed("Choose the kind of task", field_errors={"kind": "Choose a kind"})
    task = Task(
        organisation_id=organisation_id,
        team_id=team_id,
        person_id=person_id,
        episode_id=episode_id,
        kind=kind,
        title=title[:200],
        details=details,
        trigger=trigger,
        owner_id=owner_id,
        due_at=due_at,
        created_by_id=actor.id,
    )
    session.add(task)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        SUBJECT,
        task.id,
        after={"kind": kind, "title": task.title, "owner": owner_id, "trigger": trigger},
    )
    if owner_id is not None and owner_id != actor.id:
        notify(session, [owner_id], f"New task for you: {_named(session, task)}", _link(task))
    return task


def _named(session: Session, task: Task) -> str:
    """The task's title with the person it concerns: 'Collect CCTV (SMITH, Amy)'."""
    person = session.get(Person, task.person_id) if task.person_id else None
    return f"{task.title} ({person.display_name})" if person else task.title


def person_names(session: Session, tasks: Iterable[Task]) -> dict[int, str]:
    """The display names of the people the tasks concern, by person id."""
    ids = {t.person_id for t in tasks if t.person_id}
    if not ids:
        return {}
    return {p.id: p.display_name for p in session.scalars(select(Person).where(Person.id.in_(ids)))}


def _link(task: Task) -> str:
    return f"/episodes/{task.episode_id}" if task.episode_id else "/tasks"


def open_task_of_kind(
    session: Session, person_id: int, kind: str, *, title: str | None = None
) -> Task | None:
    """The person's open task of this kind (and title, if given), oldest first."""
    where = [Task.person_id == person_id, Task.kind == kind, Task.done_at.is_(None)]
    if title is not None:
        where.append(Task.title == title)
    return session.scalar(select(Task).where(*where).order_by(Task.id).limit(1))


def check_can_work(actor: Actor) -> None:
    """Refuse a role that does not take on casework tasks."""
    access.require(actor, "task.update")


def find(session: Session, actor: Actor, task_id: int, action: str = "person.view") -> Task:
    return access.fetch(session, actor, Task, task_id, action)


def _check(task: Task, version: int) -> None:
    if version != task.version:
        raise Conflict(STALE)


def hand_over(session: Session, actor: Actor, task: Task, owner: User, version: int) -> Task:
    """Give the task to someone else, and tell them at once."""
    access.require(actor, "task.update", task)
    _check(task, version)
    if task.done_at is not None:
        raise Conflict("This task is done: it cannot be handed over.")
    before = task.owner_id
    task.owner_id = owner.id
    task.team_id = owner.team_id
    db.flush_or_conflict(session, STALE)
    audit.record(
        session,
        actor,
        "handover",
        SUBJECT,
        task.id,
        before={"owner": before},
        after={"owner": owner.id},
    )
    text = f"{actor.display_name} handed you a task: {_named(session, task)}"
    notify(session, [owner.id], text, _link(task))
    return task


def complete(session: Session, actor: Actor, task: Task, result: str, version: int) -> Task:
    """Record the task's result and close it."""
    access.require(actor, "task.update", task)
    _check(task, version)
    if task.done_at is not None:
        raise Conflict("This task is already done.")
    if not result.strip():
        raise ValidationFailed("Write the result", field_errors={"result": "Write the result"})
    task.done_at = clock.now()
    task.result = result.strip()
    db.flush_or_conflict(session, STALE)
    audit.record(session, actor, "complete", SUBJECT, task.id, after={"result": task.result})
    return task


def carry_over(session: Session, actor: Actor, task: Task, reason: str, version: int) -> Task:
    """Carry an episode's open task to the person's record, so that the episode can close while
    the work goes on (a strategy meeting not yet held): it stays open, with its owner, on the
    person, and the reason is kept."""
    access.require(actor, "task.update", task)
    _check(task, version)
    if task.done_at is not None:
        raise Conflict("This task is done: there is nothing to carry over.")
    if task.episode_id is None:
        raise Conflict("This task is already on the person's record.")
    if not reason.strip():
        message = "Say why the task goes on after the episode closes"
        raise ValidationFailed(message, field_errors={"carried_reason": message})
    before = task.episode_id
    task.episode_id = None
    task.carried_reason = reason.strip()
    db.flush_or_conflict(session, STALE)
    audit.record(
        session,
        actor,
        "carry",
        SUBJECT,
        task.id,
        before={"episode": before},
        after={"episode": None, "carried_reason": task.carried_reason},
    )
    return task


def tasks_of(
    session: Session, actor: Actor, *, episode_id: int | None = None, person_id: int | None = None
) -> list[Task]:
    """Tasks on an episode or a person that the actor may see, open ones first."""
    where = [access.visible(actor, Task)]
    if episode_id is not None:
        where.append(Task.episode_id == episode_id)
    if person_id is not None:
        where.append(Task.person_id == person_id)
    return list(
        session.scalars(
            select(Task)
            .where(*where)
            .order_by(Task.done_at.is_not(None), Task.due_at.nulls_last(), Task.id)
        )
    )


def my_tasks(session: Session, actor: Actor, *, limit: int = 100) -> list[Task]:
    """The actor's open tasks, soonest due first."""
    return list(
        session.scalars(
            select(Task)
            .where(Task.owner_id == actor.id, Task.done_at.is_(None), access.visible(actor, Task))
            .order_by(Task.due_at.nulls_last(), Task.id)
            .limit(limit)
        )
    )


def owner_names(session: Session, tasks: Iterable[Task]) -> dict[int, str]:
    """The display names of the tasks' owners, by user id."""
    return owner_names_by_id(session, [t.owner_id for t in tasks if t.owner_id])


def owner_names_by_id(session: Session, ids: Iterable[int]) -> dict[int, str]:
    wanted = set(ids)
    if not wanted:
        return {}
    rows = session.execute(select(User.id, User.display_name).where(User.id.in_(wanted)))
    return {user_id: name for user_id, name in rows}
