"""Supervision clocks: which rank must review an episode, and by when, for each grade.

Pure functions over the settings (domain.md defaults; every force sets its own). A review is a
due time and a rank; overdue is a comparison with Harbour's clock. An overdue review climbs the
escalation ladder: one rank up when it falls overdue, and one rank further at each later step
(`escalation_after_minutes`), to the top rank.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from harbour.access.policy import GRADING_RANK, REVIEW_LADDER
from harbour.actor import Role
from harbour.risk.grades import RiskGrade
from harbour.settings import get_settings

# The ranks that review, lowest first, and the action that lets a role review at each rank.
LADDER = tuple(rank for rank, _ in REVIEW_LADDER)
REVIEW_ACTION = dict(REVIEW_LADDER)
# A grade owed on a new report: whoever grades does it (no review rank), so when it falls
# overdue it escalates to the ladder's first rank.
GRADING = "grading"
GRADER = GRADING_RANK
ABSENCE = "absence_"  # absence_24, absence_48, ...: a regrade prompted while still missing
RETURN = "return"  # a child's return, reviewed by the grade's rank before the episode closes
INTELLIGENCE = "intelligence"  # a regrade prompted by new intelligence while still missing
# The reviews a return stops: they exist to supervise the search.
SEARCH_KINDS = frozenset({"first", "regular", "senior", "below_suggestion", GRADING, INTELLIGENCE})


@dataclass(frozen=True)
class Due:
    kind: str  # first, regular, senior, below_suggestion, grading, absence_N, return
    rank: Role
    due_at: datetime


def rank_for(grade: RiskGrade | None) -> Role:
    """The rank that supervises an episode of this grade (the lowest grade's when ungraded)."""
    settings = get_settings()
    return Role(settings.review_first[(grade or RiskGrade.very_low).value][0])


def first_reviews(grade: RiskGrade, reported_at: datetime) -> list[Due]:
    """The reviews a new grade sets, timed from the report (and a senior review for high)."""
    settings = get_settings()
    rank, hours = settings.review_first[grade.value]
    due = [Due("first", Role(rank), reported_at + timedelta(hours=hours))]
    senior = settings.review_senior.get(grade.value)
    if senior is not None:
        due.append(Due("senior", Role(senior[0]), reported_at + timedelta(hours=senior[1])))
    return due


def grading_due(reported_at: datetime) -> Due:
    """The first grade, owed soon after the report."""
    minutes = get_settings().grading_due_minutes
    return Due(GRADING, GRADER, reported_at + timedelta(minutes=minutes))


def next_review(grade: RiskGrade, after: datetime) -> Due:
    """The regular review that follows one done at `after`."""
    settings = get_settings()
    hours = settings.review_every_hours[grade.value]
    return Due("regular", rank_for(grade), after + timedelta(hours=hours))


def above(rank: Role | None) -> Role:
    """The next rank up the ladder (the top rank stays the top; below the ladder is its foot)."""
    if rank not in LADDER:
        return LADDER[0]
    return LADDER[min(LADDER.index(rank) + 1, len(LADDER) - 1)]


def below_suggestion_review(grade: RiskGrade, at: datetime, grader: Role | None) -> Due:
    """A grade below the policy's suggestion goes to a supervisor soon: of the grade's rank, and
    above the grader's own rank when the grader is a supervisor (an inspector's downgrade is
    not for a sergeant to check)."""
    rank = rank_for(grade)
    if grader in LADDER and LADDER.index(grader) >= LADDER.index(rank):
        rank = above(grader)
    hours = get_settings().below_suggestion_review_hours
    return Due("below_suggestion", rank, at + timedelta(hours=hours))


def absence_due(grade: RiskGrade | None, step_hours: float, now: datetime) -> Due:
    """A regrade prompted by a long absence, by the grade's rank."""
    hours = get_settings().absence_regrade_hours
    return Due(f"{ABSENCE}{step_hours:g}", rank_for(grade), now + timedelta(hours=hours))


def intelligence_due(grade: RiskGrade | None, now: datetime) -> Due:
    """A regrade prompted by new intelligence about someone still missing, by the grade's rank,
    as soon as a long absence's (the same `absence_regrade_hours`)."""
    hours = get_settings().absence_regrade_hours
    return Due(INTELLIGENCE, rank_for(grade), now + timedelta(hours=hours))


def return_review(grade: RiskGrade | None, found_at: datetime) -> Due:
    """A child's return, reviewed by the grade's rank before the episode may close."""
    hours = get_settings().safe_and_well_hours
    return Due(RETURN, rank_for(grade), found_at + timedelta(hours=hours))


def level(due_at: datetime, now: datetime) -> int:
    """How many rungs an overdue review has climbed: 0 until it is overdue."""
    if due_at >= now:
        return 0
    minutes = (now - due_at).total_seconds() / 60
    return sum(1 for step in get_settings().escalation_after_minutes if minutes >= step)


def escalated(rank: Role, due_at: datetime, now: datetime) -> Role:
    """Return the rank that must act now: rungs up the ladder as the review stays overdue."""
    rungs = level(due_at, now)
    if rungs == 0:
        return rank
    start = LADDER.index(rank) if rank in LADDER else -1
    return LADDER[min(start + rungs, len(LADDER) - 1)]


KIND_LABELS = {
    "first": "first review",
    "regular": "review",
    "senior": "senior review",
    "below_suggestion": "review of a grade below the suggestion",
    GRADING: "first grade",
    RETURN: "review of the return",
    INTELLIGENCE: "regrade on new intelligence",
}


def _what(kind: str) -> str:
    if kind.startswith(ABSENCE):
        return f"regrade after {kind.removeprefix(ABSENCE)} hours missing"
    return KIND_LABELS.get(kind, kind.replace("_", " "))


def owed(kind: str, rank: str) -> str:
    """A review in a sentence: "the first grade", "the inspector first review"."""
    return "the first grade" if kind == GRADING else f"the {rank} {_what(kind)}"


def label(kind: str, rank: str) -> str:
    """A review for a list: "Inspector: first review", "Sergeant: regrade after 48 hours"."""
    return f"{rank.replace('_', ' ').capitalize()}: {_what(kind)}"
