"""Workload: each officer's and each team's open casework (episodes by grade, tasks open, due in
the next shift and overdue, reviews owed on their cases) and the demand on each team week by
week, for the supervisors who share the work out. Counts only: nobody is named but the staff.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from harbour import clock, timefmt
from harbour.access import service as access
from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.auth.models import Team, User
from harbour.episodes.models import Episode, EpisodeStatus, Review
from harbour.risk.grades import RiskGrade
from harbour.tasks.models import Task

# The next shift: work due within this many hours is what the incoming shift must pick up.
SHIFT_HOURS = 12
DEMAND_WEEKS = 8
HANDOVER_MOST = 100
GRADES = ("high", "medium", "low", "very_low", "ungraded")
NOBODY = "Nobody yet (the hub's queue)"


@dataclass
class Load:
    key: int | None  # the user's or team's id; None for work nobody owns
    name: str
    detail: str = ""  # the role, or "left" for a disabled account
    grades: dict[str, int] = field(default_factory=lambda: dict.fromkeys(GRADES, 0))
    tasks_open: int = 0
    tasks_due_soon: int = 0
    tasks_overdue: int = 0
    reviews_open: int = 0
    reviews_overdue: int = 0

    @property
    def episodes(self) -> int:
        return sum(self.grades.values())

    @property
    def pressing(self) -> tuple[int, int, int]:
        """What sorts the heaviest first: overdue work, then high-risk cases, then all."""
        return (self.reviews_overdue + self.tasks_overdue, self.grades["high"], self.episodes)


@dataclass(frozen=True)
class Due:
    """One thing the next shift must pick up: a review or a task, due or overdue."""

    what: str  # "review" or "task"
    label: str
    episode_id: int | None
    due_at: datetime
    owner: str
    grade: str


@dataclass
class Workload:
    officers: list[Load]
    teams: list[Load]
    weeks: list[date]  # the Mondays of the demand table, oldest first
    demand: dict[str, list[int]]  # team name: episodes reported each week
    now: datetime
    handover: list[Due] = field(default_factory=list)  # overdue or due within the next shift


def _grade(value: RiskGrade | None) -> str:
    return value.value if value is not None else "ungraded"


def _loads(
    session: Session, actor: Actor, owner: bool, names: dict[int, tuple[str, str]], now: datetime
) -> list[Load]:
    """Each owner's (or team's) open episodes by grade, tasks and reviews owed."""
    key = Episode.owner_id if owner else Episode.team_id
    loads: dict[int | None, Load] = {}

    def load(k: int | None) -> Load:
        if k not in loads:
            nobody = NOBODY if owner else "No team"
            name, detail = names.get(k, (nobody, "")) if k else (nobody, "")
            loads[k] = Load(k, name, detail)
        return loads[k]

    visible = access.visible(actor, Episode)
    for k, grade, count in session.execute(
        select(key, Episode.risk_grade, func.count())
        .where(visible, Episode.status != EpisodeStatus.closed)
        .group_by(key, Episode.risk_grade)
    ):
        load(k).grades[_grade(grade)] += count
    soon = now + timedelta(hours=SHIFT_HOURS)
    task_key = Task.owner_id if owner else Task.team_id
    for k, count, overdue, due_soon in session.execute(
        select(
            task_key,
            func.count(),
            func.sum(case((Task.due_at < now, 1), else_=0)),
            func.sum(case((and_(Task.due_at >= now, Task.due_at < soon), 1), else_=0)),
        )
        .where(access.visible(actor, Task), Task.done_at.is_(None))
        .group_by(task_key)
    ):
        item = load(k)
        item.tasks_open, item.tasks_overdue, item.tasks_due_soon = (
            count,
            overdue or 0,
            due_soon or 0,
        )
    for k, count, overdue in session.execute(
        select(key, func.count(), func.sum(case((Review.due_at < now, 1), else_=0)))
        .join(Episode, Episode.id == Review.episode_id)
        .where(
            visible,
            Episode.status != EpisodeStatus.closed,
            Review.done_at.is_(None),
            Review.cancelled_at.is_(None),
        )
        .group_by(key)
    ):
        item = load(k)
        item.reviews_open, item.reviews_overdue = count, overdue or 0
    return sorted(loads.values(), key=lambda x: (x.key is not None, x.pressing), reverse=True)


def _demand(
    session: Session, actor: Actor, teams: dict[int, tuple[str, str]], now: datetime
) -> tuple[list[date], dict[str, list[int]]]:
    today = timefmt.local(now).date()
    monday = today - timedelta(days=today.weekday())
    weeks = [monday - timedelta(weeks=n) for n in range(DEMAND_WEEKS - 1, -1, -1)]
    since = datetime.combine(weeks[0], datetime.min.time(), timefmt.local(now).tzinfo)
    demand: dict[str, list[int]] = defaultdict(lambda: [0] * DEMAND_WEEKS)
    for team_id, reported in session.execute(
        select(Episode.team_id, Episode.reported_at).where(
            access.visible(actor, Episode), Episode.reported_at >= since
        )
    ):
        day = timefmt.local(reported).date()
        index = (day - weeks[0]).days // 7
        if 0 <= index < DEMAND_WEEKS:
            name = teams.get(team_id, ("No team", ""))[0] if team_id else "No team"
            demand[name][index] += 1
    return weeks, dict(sorted(demand.items()))


def _name(people: dict[int, tuple[str, str]], user_id: int | None) -> str:
    return people[user_id][0] if user_id in people else NOBODY


def _handover(
    session: Session, actor: Actor, people: dict[int, tuple[str, str]], now: datetime
) -> list[Due]:
    """Reviews and tasks overdue or due within the next shift, the soonest first."""
    soon = now + timedelta(hours=SHIFT_HOURS)
    visible = access.visible(actor, Episode)
    due: list[Due] = []
    for review, episode in session.execute(
        select(Review, Episode)
        .join(Episode, Episode.id == Review.episode_id)
        .where(
            visible,
            Episode.status != EpisodeStatus.closed,
            Review.done_at.is_(None),
            Review.cancelled_at.is_(None),
            Review.due_at < soon,
        )
        .order_by(Review.due_at)
        .limit(HANDOVER_MOST)
    ):
        owner = _name(people, episode.owner_id)
        label = f"{review.kind.replace('_', ' ').capitalize()} review by a {review.rank}"
        due.append(
            Due("review", label, episode.id, review.due_at, owner, _grade(episode.risk_grade))
        )
    for task in session.scalars(
        select(Task)
        .where(access.visible(actor, Task), Task.done_at.is_(None), Task.due_at < soon)
        .order_by(Task.due_at)
        .limit(HANDOVER_MOST)
    ):
        owner = _name(people, task.owner_id)
        assert task.due_at is not None
        due.append(Due("task", task.title, task.episode_id, task.due_at, owner, ""))
    return sorted(due, key=lambda d: d.due_at)[:HANDOVER_MOST]


def workload(session: Session, actor: Actor) -> Workload:
    """The organisation's open casework by officer and by team, and each team's weekly demand."""
    access.require(actor, "casework.workload")
    now = clock.now()
    people = {
        u.id: (u.display_name, u.role.label if u.is_active and u.role else "left")
        for u in session.scalars(select(User).where(User.organisation_id == actor.organisation_id))
    }
    teams = {
        t.id: (t.name, "")
        for t in session.scalars(select(Team).where(Team.organisation_id == actor.organisation_id))
    }
    officers = _loads(session, actor, True, people, now)
    by_team = _loads(session, actor, False, teams, now)
    weeks, demand = _demand(session, actor, teams, now)
    handover = _handover(session, actor, people, now)
    audit.record(
        session,
        actor,
        "view",
        "workload",
        None,
        after={"handover_episodes": sorted({d.episode_id for d in handover if d.episode_id})},
        justification="Workload of officers and teams, and the next shift's work",
    )
    return Workload(officers, by_team, weeks, demand, now, handover)
