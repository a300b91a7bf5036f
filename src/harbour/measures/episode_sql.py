"""The episode measures as SQL over `measure_episode`: one GROUP BY counts every measure of a
period at once, for the whole, a breakdown or the weeks of a trend (decision 21).

Each measure is a `Spec`: the rows in its denominator and, for a share, those of them in its
numerator; a measure of children counts distinct people. The conditions that depend on the time
now (an interview not yet due counts in neither) take it as a parameter.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, distinct, false, func, or_, select
from sqlalchemy.orm import Session

from harbour.measures.episode_facts import REMISSING
from harbour.measures.models import EpisodeFactRow as F
from harbour.settings import get_settings

ENDED = ("found_safe", "found_harmed", "found_dead", "returned")
AGAIN_HOURS = REMISSING.total_seconds() / 3600


@dataclass(frozen=True)
class Spec:
    den: Any  # a condition: a boolean column or an expression of them
    num: Any = None
    children: bool = False  # count distinct people, not episodes


def specs(now: datetime) -> dict[str, Spec]:
    settings = get_settings()
    graded = F.first_graded_at.is_not(None)
    live_graded = and_(F.live, graded)
    back = and_(F.child, F.found_at.is_not(None))
    check_due = now - timedelta(hours=settings.safe_and_well_hours)
    rhi_due = now - timedelta(hours=settings.return_interview_hours)
    return {
        "graded_within_target": Spec(
            and_(
                F.live,
                or_(graded, F.reported_at <= now - timedelta(minutes=settings.grading_due_minutes)),
            ),
            and_(graded, F.first_minutes <= settings.grading_due_minutes),
        ),
        "graded_with_force_data": Spec(live_graded, F.first_force_data_shown.is_(True)),
        "children_seen_in_person": Spec(
            and_(back, or_(F.check_held, F.found_at <= check_due)),
            and_(F.check_held, F.check_face_to_face.is_(True)),
        ),
        "return_interviews_on_time": Spec(
            and_(back, or_(F.rhi_held_at.is_not(None), F.found_at <= rhi_due)),
            F.rhi_hours <= settings.return_interview_hours,
        ),
        "repeat_missing_children": Spec(F.child, F.repeat, children=True),
        "found_harmed": Spec(F.outcome.in_(ENDED), F.outcome == "found_harmed"),
        "found_dead": Spec(F.outcome.in_(ENDED), F.outcome == "found_dead"),
        "children_reported_missing": Spec(F.child, children=True),
        "child_episodes": Spec(F.child),
        "exploitation_flagged_children": Spec(F.child, F.exploitation_flagged, children=True),
        "graded_below_suggestion": Spec(live_graded, F.first_below),
        "gradings_with_challenged_language": Spec(live_graded, F.first_language),
        "missing_again_within_14_days": Spec(
            and_(back, or_(F.again_hours <= AGAIN_HOURS, F.found_at <= now - REMISSING)),
            F.again_hours <= AGAIN_HOURS,
        ),
        "later_exploitation_concern": Spec(F.child, F.concern_after),
    }


# Measured in Python from a column the query returns: the median and the top-6% share.
MEDIAN = "first_grading_minutes_median"
TOP_SHARE = "top_6pc_share"
NAMES = frozenset(
    {
        "graded_within_target",
        "graded_with_force_data",
        "children_seen_in_person",
        "return_interviews_on_time",
        "repeat_missing_children",
        "found_harmed",
        "found_dead",
        "children_reported_missing",
        "child_episodes",
        "exploitation_flagged_children",
        "graded_below_suggestion",
        "gradings_with_challenged_language",
        "missing_again_within_14_days",
        "later_exploitation_concern",
        MEDIAN,
        TOP_SHARE,
    }
)


@dataclass(frozen=True)
class Period:
    """What every query of one reading shares: its scope, bounds and the time now."""

    session: Session
    scope: ColumnElement[bool]
    start: datetime
    end: datetime
    now: datetime

    def where(self, where: Mapping[str, str]) -> list[ColumnElement[bool]]:
        return [
            self.scope,
            F.reported_at >= self.start,
            F.reported_at < self.end,
            *(getattr(F, k) == v for k, v in where.items()),
        ]


def _counts(spec: Spec) -> tuple[Any, Any]:
    num = spec.num if spec.num is not None else false()
    if spec.children:
        return (
            func.count(distinct(case((spec.den, F.person_id)))),
            func.count(distinct(case((and_(spec.den, num), F.person_id)))),
        )
    return (
        func.sum(case((spec.den, 1), else_=0)),
        func.sum(case((and_(spec.den, num), 1), else_=0)),
    )


def counts(
    period: Period, group: Any, names: Iterable[str], where: Mapping[str, str]
) -> dict[Any, dict[str, tuple[int, int]]]:
    """For each value of `group` (a column, or None for the whole), each named measure's
    (denominator, numerator)."""
    table = specs(period.now)
    chosen = [n for n in names if n in table]
    if not chosen:
        return {}
    columns = [c for n in chosen for c in _counts(table[n])]
    keys = [group] if group is not None else []
    query = select(*keys, *columns).where(*period.where(where))
    if keys:
        query = query.group_by(*keys)
    found: dict[Any, dict[str, tuple[int, int]]] = {}
    for row in period.session.execute(query):
        key = row[0] if keys else None
        values = row[len(keys) :]
        found[key] = {
            n: (int(values[2 * i] or 0), int(values[2 * i + 1] or 0)) for i, n in enumerate(chosen)
        }
    return found


def medians(period: Period, group: Any, where: Mapping[str, str]) -> dict[Any, list[float]]:
    keys = [group] if group is not None else []
    query = select(*keys, F.first_minutes).where(
        *period.where(where), F.live, F.first_graded_at.is_not(None)
    )
    minutes: dict[Any, list[float]] = defaultdict(list)
    for row in period.session.execute(query):
        minutes[row[0] if keys else None].append(float(row[-1]))
    return minutes


def top_share(period: Period, group: Any, where: Mapping[str, str]) -> dict[Any, list[int]]:
    """Each group's child episodes per child, to take the top 6% of."""
    keys = [group] if group is not None else []
    query = (
        select(*keys, func.count())
        .where(*period.where(where), F.child)
        .group_by(*keys, F.person_id)
    )
    per_child: dict[Any, list[int]] = defaultdict(list)
    for row in period.session.execute(query):
        per_child[row[0] if keys else None].append(int(row[-1]))
    return per_child


def median(values: list[float]) -> float | None:
    return float(statistics.median(values)) if values else None


TOP_FRACTION = 0.06  # the published finding: 6% of children account for a third of episodes


def top(per_child: list[int]) -> tuple[int, int, float | None]:
    """The episodes of the 6% of children (rounded up) with the most, of all their episodes."""
    ranked = sorted(per_child, reverse=True)
    episodes = sum(ranked)
    numerator = sum(ranked[: math.ceil(len(ranked) * TOP_FRACTION)])
    return numerator, episodes, numerator / episodes if episodes else None


def quality(period: Period, where: Mapping[str, str]) -> dict[str, tuple[int, ...]]:
    """Live child episodes by first grade: how many, below the suggestion, found harmed,
    missing again within 14 days, a concern later."""
    query = (
        select(
            F.first_grade,
            func.count(),
            func.sum(case((F.first_below, 1), else_=0)),
            func.sum(case((F.outcome == "found_harmed", 1), else_=0)),
            func.sum(case((F.again_hours <= AGAIN_HOURS, 1), else_=0)),
            func.sum(case((F.concern_after, 1), else_=0)),
        )
        .where(*period.where(where), F.child, F.live, F.first_grade.is_not(None))
        .group_by(F.first_grade)
    )
    return {row[0]: tuple(int(v or 0) for v in row[1:]) for row in period.session.execute(query)}


def boroughs(period: Period) -> list[str]:
    query = select(F.borough).where(*period.where({})).distinct()
    return sorted(b for b in period.session.scalars(query) if b and b != "unknown")
