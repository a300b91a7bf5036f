"""What each measure counts, as functions from a period's facts to items `(who, when, x)`, and
the reducers that turn one group's items into numerator, denominator and value."""

from __future__ import annotations

import math
import statistics
from collections import Counter
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
