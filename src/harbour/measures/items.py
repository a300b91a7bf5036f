"""What each measure counts, as functions from a period's facts to items `(who, when, x)`, and
the reducers that turn one group's items into numerator, denominator and value."""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any, Literal

from harbour.measures.facts import REMISSING, EpisodeFact, Facts
from harbour.measures.groups import Who
from harbour.risk.policy import ORDER
from harbour.settings import get_settings

Kind = Literal["share", "count", "median", "top_share"]
Item = tuple[Who, datetime, Any]


def hours(value: float) -> timedelta:
    return timedelta(hours=value)


def live(facts: Facts) -> Iterator[EpisodeFact]:
    return (e for e in facts.episodes if e.live)


def graded_within_target(facts: Facts) -> Iterator[Item]:
    target = timedelta(minutes=get_settings().grading_due_minutes)
    for e in live(facts):
        if e.first_graded_at is None and facts.now - e.reported_at < target:
            continue  # not yet due: neither on time nor late
        on_time = e.first_graded_at is not None and e.first_graded_at - e.reported_at <= target
        yield e.who, e.reported_at, on_time


def minutes_to_grading(facts: Facts) -> Iterator[Item]:
    for e in live(facts):
        if e.first_graded_at is not None:
            minutes = max((e.first_graded_at - e.reported_at).total_seconds() / 60, 0.0)
            yield e.who, e.reported_at, minutes


def graded_with_force_data(facts: Facts) -> Iterator[Item]:
    for e in live(facts):
        if e.first_graded_at is not None:
            yield e.who, e.reported_at, e.first_force_data_shown is True


def reviews_on_time(grade: str | None) -> Callable[[Facts], Iterator[Item]]:
    def items(facts: Facts) -> Iterator[Item]:
        for r in facts.reviews:
            if grade is None or r.grade == grade:
                on_time = r.done_at is not None and r.done_at <= r.due_at
                yield r.who, r.due_at, on_time

    return items


def seen_in_person(facts: Facts) -> Iterator[Item]:
    due = hours(get_settings().safe_and_well_hours)
    for e in facts.episodes:
        if not e.child or e.found_at is None:
            continue
        if not e.check_held and facts.now < e.found_at + due:
            continue  # the check is not yet due
        yield e.who, e.reported_at, e.check_held and e.check_face_to_face is True


def rhi_on_time(facts: Facts) -> Iterator[Item]:
    due = hours(get_settings().return_interview_hours)
    for e in facts.episodes:
        if not e.child or e.found_at is None:
            continue
        if e.rhi_held_at is None and facts.now < e.found_at + due:
            continue
        held = e.rhi_held_at is not None and e.rhi_held_at <= e.found_at + due
        yield e.who, e.reported_at, held


def children(facts: Facts) -> dict[int, list[EpisodeFact]]:
    """Each child with an episode in the period, with those episodes in order."""
    children: dict[int, list[EpisodeFact]] = {}
    for e in sorted(facts.episodes, key=lambda e: (e.reported_at, e.id)):
        if e.child:
            children.setdefault(e.person_id, []).append(e)
    return children


def repeat_children(facts: Facts) -> Iterator[Item]:
    for episodes in children(facts).values():
        last = episodes[-1]
        yield last.who, last.reported_at, any(e.repeat for e in episodes)


def child_episodes_by_person(facts: Facts) -> Iterator[Item]:
    for e in facts.episodes:
        if e.child:
            yield e.who, e.reported_at, e.person_id


def children_missing(facts: Facts) -> Iterator[Item]:
    for episodes in children(facts).values():
        yield episodes[-1].who, episodes[-1].reported_at, None


def child_episodes(facts: Facts) -> Iterator[Item]:
    for e in facts.episodes:
        if e.child:
            yield e.who, e.reported_at, None


def outcome_is(*outcomes: str) -> Callable[[Facts], Iterator[Item]]:
    ended = {"found_safe", "found_harmed", "found_dead", "returned"}

    def items(facts: Facts) -> Iterator[Item]:
        for e in facts.episodes:
            if e.outcome in ended:
                yield e.who, e.reported_at, e.outcome in outcomes

    return items


def flagged_children(facts: Facts) -> Iterator[Item]:
    for episodes in children(facts).values():
        last = episodes[-1]
        yield last.who, last.reported_at, last.exploitation_flagged


def screenings(facts: Facts) -> Iterator[Item]:
    return ((w, at, None) for w, at in facts.screenings)


def cawns(facts: Facts) -> Iterator[Item]:
    return ((w, at, None) for w, at in facts.cawns)


def nrm(facts: Facts) -> Iterator[Item]:
    return ((w, at, None) for w, at, _ in facts.nrm)


def nrm_positive(facts: Facts) -> Iterator[Item]:
    return ((w, at, d == "positive") for w, at, d in facts.nrm if d is not None)


def calls_not_police(facts: Facts) -> Iterator[Item]:
    return ((c.who, c.decided_at, c.not_police) for c in facts.calls)


def calls_against(facts: Facts) -> Iterator[Item]:
    return ((c.who, c.decided_at, c.not_police) for c in facts.calls if c.suggested_police)


def below(grade: str | None, suggested: str | None) -> bool:
    """Whether a grade is below the policy's suggestion."""
    if grade is None or suggested is None:
        return False
    order = [g.value for g in ORDER]
    return order.index(grade) < order.index(suggested)


def first_gradings(facts: Facts) -> Iterator[EpisodeFact]:
    return (e for e in facts.episodes if e.live and e.first_grade is not None)


def graded_below(facts: Facts) -> Iterator[Item]:
    for e in first_gradings(facts):
        yield e.who, e.reported_at, below(e.first_grade, e.first_suggested)


def challenged_language(facts: Facts) -> Iterator[Item]:
    for e in first_gradings(facts):
        yield e.who, e.reported_at, e.first_language


def missing_again(facts: Facts) -> Iterator[Item]:
    for e in facts.episodes:
        if not e.child or e.found_at is None:
            continue
        window_ends = e.found_at + REMISSING
        again = e.missing_again_at is not None and e.missing_again_at <= window_ends
        if again or facts.now >= window_ends:
            yield e.who, e.reported_at, again


def concern_after(facts: Facts) -> Iterator[Item]:
    for e in facts.episodes:
        if e.child:
            yield e.who, e.reported_at, e.concern_after


# -- reducing items to a figure ---------------------------------------------------------------


def reduce(kind: Kind, xs: list[Any]) -> tuple[float | None, int | None, float | None]:
    """(numerator, denominator, value) of one group's items."""
    if kind == "count":
        return len(xs), None, float(len(xs))
    if kind == "median":
        return None, len(xs), float(statistics.median(xs)) if xs else None
    if kind == "top_share":
        per_person = sorted(Counter(xs).values(), reverse=True)
        top = math.ceil(len(per_person) * TOP_SHARE)
        numerator = sum(per_person[:top])
        return numerator, len(xs), numerator / len(xs) if xs else None
    numerator = sum(1 for x in xs if x)
    return numerator, len(xs), numerator / len(xs) if xs else None


TOP_SHARE = 0.06  # the published finding: 6% of children account for a third of episodes
