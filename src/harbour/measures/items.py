"""What each measure counts, as functions from a period's facts to items `(who, when, x)`, and
the reducers that turn one group's items into numerator, denominator and value."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any, Literal

from harbour.measures.facts import Facts
from harbour.measures.groups import Who

Kind = Literal["share", "count", "median", "top_share"]
Item = tuple[Who, datetime, Any]


def reviews_on_time(grade: str | None) -> Callable[[Facts], Iterator[Item]]:
    def items(facts: Facts) -> Iterator[Item]:
        for r in facts.reviews:
            if grade is None or r.grade == grade:
                on_time = r.done_at is not None and r.done_at <= r.due_at
                yield r.who, r.due_at, on_time

    return items


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


# -- reducing items to a figure ---------------------------------------------------------------


Triple = tuple[float | None, int | None, float | None]


def reduce(kind: Kind, xs: list[Any]) -> Triple:
    """(numerator, denominator, value) of one group's items (the measures counted in Python
    are shares and counts; the median and top-6% share are episode measures, in SQL)."""
    if kind == "count":
        return len(xs), None, float(len(xs))
    numerator = sum(1 for x in xs if x)
    return numerator, len(xs), numerator / len(xs) if xs else None


def empty(kind: Kind) -> Triple:
    """The figure of a group with nothing counted."""
    if kind == "count":
        return 0, None, 0.0
    if kind == "median":
        return None, 0, None
    return 0, 0, None
