"""Supervision clocks: which rank must review an episode, and by when, for each grade.

Pure functions over the settings (domain.md defaults; every force sets its own). A review is a
due time and a rank; overdue is a comparison with Harbour's clock, and an overdue review is
escalated to the next rank up the ladder.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from harbour.access.policy import REVIEW_LADDER
from harbour.actor import Role
from harbour.risk.grades import RiskGrade
from harbour.settings import get_settings

# The ranks that review, lowest first, and the action that lets a role review at each rank.
LADDER = tuple(rank for rank, _ in REVIEW_LADDER)
REVIEW_ACTION = dict(REVIEW_LADDER)


@dataclass(frozen=True)
class Due:
    kind: str  # first, regular, senior, below_suggestion
    rank: Role
    due_at: datetime


def first_reviews(grade: RiskGrade, reported_at: datetime) -> list[Due]:
    """The reviews a new grade sets, timed from the report (and a senior review for high)."""
    settings = get_settings()
    rank, hours = settings.review_first[grade.value]
    due = [Due("first", Role(rank), reported_at + timedelta(hours=hours))]
    senior = settings.review_senior.get(grade.value)
    if senior is not None:
        due.append(Due("senior", Role(senior[0]), reported_at + timedelta(hours=senior[1])))
    return due


def next_review(grade: RiskGrade, after: datetime) -> Due:
    """The regular review that follows one done at `after`."""
    settings = get_settings()
    rank = Role(settings.review_first[grade.value][0])
    return Due("regular", rank, after + timedelta(hours=settings.review_every_hours[grade.value]))


def below_suggestion_review(grade: RiskGrade, at: datetime) -> Due:
    """A grade below the policy's suggestion goes to a supervisor at once."""
    rank = Role(get_settings().review_first[grade.value][0])
    return Due("below_suggestion", rank, at)


def escalated(rank: Role, due_at: datetime, now: datetime) -> Role:
    """Return the rank that must act now: the next rank up once the review is overdue."""
    if due_at >= now or rank not in LADDER:
        return rank
    return LADDER[min(LADDER.index(rank) + 1, len(LADDER) - 1)]
