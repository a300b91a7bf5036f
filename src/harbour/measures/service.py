"""The measures' verbs: read a period's facts, and turn them into figures, trends and
disproportionality. The dashboard and `harbour measures` call the same functions.

    facts = read(session, actor, date(2026, 1, 1), date(2026, 3, 31))
    figures(facts, by="borough")      # a Figure per measure and borough
    trend(facts, "found_harmed", "month")
    disproportionality(facts)        # children reported missing by ethnic group, against the census
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

from sqlalchemy.orm import Session

from harbour import clock, timefmt
from harbour.access import service as access
from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.errors import ValidationFailed
from harbour.measures import facts as reading
from harbour.measures import population
from harbour.measures.definitions import BY_NAME, MEASURES, Measure
from harbour.measures.facts import REMISSING, Facts
from harbour.measures.groups import ALL, DIMENSIONS, UNKNOWN, Who
from harbour.measures.items import below, reduce
from harbour.risk.policy import ORDER
from harbour.settings import get_settings

Interval = Literal["week", "month"]
SUBJECT = "measures"
# The longest period one request may count: ten years, the national benchmark's span.
MAX_DAYS = 3660


@dataclass(frozen=True)
class Figure:
    measure: str
    group: str
    numerator: float | None
    denominator: int | None
    value: float | None
    suppressed: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed("Check the period and the breakdown", field_errors={field: message})


def bounds(start_day: date, end_day: date) -> tuple[datetime, datetime]:
    """The period from the start of `start_day` to the end of `end_day`, in local time, as UTC."""
    zone = get_settings().zone
    start = datetime.combine(start_day, time(), zone).astimezone(UTC)
    end = datetime.combine(end_day + timedelta(days=1), time(), zone).astimezone(UTC)
    return start, end


def check_period(start_day: date, end_day: date) -> None:
    if end_day < start_day:
        raise _invalid("to", "The end of the period must be on or after its start")
    if (end_day - start_day).days >= MAX_DAYS:
        raise _invalid("to", "Choose a period of ten years or less")


def check_where(where: Mapping[str, str]) -> None:
    unknown = set(where) - set(DIMENSIONS)
    if unknown:
        raise _invalid("where", f"Unknown breakdown {', '.join(sorted(unknown))}")


def read(
    session: Session,
    actor: Actor,
    start_day: date,
    end_day: date,
    *,
    purpose: str = "Inspection measures",
) -> Facts:
    """The facts of a period (inclusive local days) the actor may count; the viewing is
    audited (figures only, no person named)."""
    access.require(actor, reading.VIEW)
    check_period(start_day, end_day)
    start, end = bounds(start_day, end_day)
    facts = reading.read(session, actor, start, end, clock.now())
    audit.record(
        session,
        actor,
        "view",
        SUBJECT,
        None,
        after={"from": start_day.isoformat(), "to": end_day.isoformat()},
        justification=purpose,
    )
    return facts


def _matches(who: Who, where: Mapping[str, str]) -> bool:
    return all(getattr(who, key) == value for key, value in where.items())


def _items(
    measure: Measure, facts: Facts, where: Mapping[str, str]
) -> Iterable[tuple[Who, datetime, Any]]:
    return (item for item in measure.items(facts) if _matches(item[0], where))


def _order(by: str | None, groups: Iterable[str]) -> list[str]:
    return sorted(groups, key=lambda g: (g == UNKNOWN, g))


def figures(
    facts: Facts,
    *,
    by: str | None = None,
    where: Mapping[str, str] | None = None,
    names: Iterable[str] | None = None,
    suppress_below: int | None = None,
) -> list[Figure]:
    """Each measure's figure for the whole (group "all") or for each group of a breakdown.

    A group whose denominator (a count's numerator) is from 1 to `suppress_below` - 1 is
    suppressed: its numerator and value are withheld (HARBOUR_MEASURES_SUPPRESS_BELOW).
    """
    if by is not None and by not in DIMENSIONS:
        raise _invalid("by", f"Choose one of {', '.join(DIMENSIONS)}")
    where = where or {}
    check_where(where)
    small = get_settings().measures_suppress_below if suppress_below is None else suppress_below
    chosen = [BY_NAME[n] for n in names] if names is not None else list(MEASURES)
    out: list[Figure] = []
    for measure in chosen:
        grouped: dict[str, list[Any]] = defaultdict(list)
        for who, _, x in _items(measure, facts, where):
            grouped[who.group(by)].append(x)
        if by is None:
            grouped.setdefault(ALL, [])
        for group in _order(by, grouped):
            numerator, denominator, value = reduce(measure.kind, grouped[group])
            size = denominator if denominator is not None else int(numerator or 0)
            if by is not None and 0 < size < small:
                out.append(Figure(measure.name, group, None, denominator, None, True))
            else:
                out.append(Figure(measure.name, group, numerator, denominator, value))
    return out


@dataclass(frozen=True)
class Point:
    starts: date
    numerator: float | None
    denominator: int | None
    value: float | None


def _bucket(day: date, interval: Interval) -> date:
    if interval == "month":
        return day.replace(day=1)
    return day - timedelta(days=day.weekday())


def _next(day: date, interval: Interval) -> date:
    if interval == "month":
        return (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return day + timedelta(days=7)


def trend(
    facts: Facts, name: str, interval: Interval, *, where: Mapping[str, str] | None = None
) -> list[Point]:
    """One measure week by week (from Monday) or month by month, every period shown."""
    measure = BY_NAME[name]
    buckets: dict[date, list[Any]] = defaultdict(list)
    for _, at, x in _items(measure, facts, where or {}):
        buckets[_bucket(timefmt.local(at).date(), interval)].append(x)
    first = _bucket(timefmt.local(facts.start).date(), interval)
    last = timefmt.local(facts.end - timedelta(microseconds=1)).date()
    points = []
    day = first
    while day <= last:
        points.append(Point(day, *reduce(measure.kind, buckets.get(day, []))))
        day = _next(day, interval)
    return points


@dataclass(frozen=True)
class Ratio:
    group: str
    count: int | None  # None when suppressed
    residents: float
    rate: float | None  # per 100,000 residents
    ratio: float | None  # against the reference group
    low: float | None  # the 95% confidence interval of the ratio
    high: float | None
    suppressed: bool


def disproportionality(
    facts: Facts,
    *,
    name: str = "children_reported_missing",
    where: Mapping[str, str] | None = None,
    suppress_below: int | None = None,
) -> list[Ratio]:
    """Rate ratios of a count measure by broad ethnic group against the census population, the
    White group the reference, with a 95% interval (log method: the population is large enough
    that its own error is left out). Groups with fewer items than `suppress_below` are
    suppressed, and so is any ratio whose reference is."""
    small = get_settings().measures_suppress_below if suppress_below is None else suppress_below
    counts: dict[str, int] = defaultdict(int)
    for who, _, _ in _items(BY_NAME[name], facts, where or {}):
        counts[who.ethnic_group] += 1
    ref = counts.get(population.REFERENCE_GROUP, 0)
    ref_people = population.residents(population.REFERENCE_GROUP) or 1.0
    ref_ok = ref >= max(small, 1)
    ratios = []
    for group in population.SHARES:
        people = population.residents(group) or 1.0
        a = counts.get(group, 0)
        hidden = 0 < a < small
        rate = None if hidden else a / people * 100_000
        ratio = low = high = None
        if not hidden and a > 0 and ref_ok:
            ratio = (a / people) / (ref / ref_people)
            spread = 1.96 * math.sqrt(1 / a + 1 / ref)
            low, high = ratio * math.exp(-spread), ratio * math.exp(spread)
        ratios.append(Ratio(group, None if hidden else a, people, rate, ratio, low, high, hidden))
    return ratios


@dataclass(frozen=True)
class Quality:
    """The children graded at one grade: how many, how many below the suggestion, and what
    happened to them."""

    grade: str
    episodes: int
    below: int
    harmed: int
    missing_again: int
    concern_after: int


def decision_quality(facts: Facts, *, where: Mapping[str, str] | None = None) -> list[Quality]:
    """Grader against policy against outcome: the live child episodes of the period by their
    first grade, with those graded below the suggestion, found harmed, missing again within 14
    days of the return, and with an exploitation concern recorded after the report."""
    rows: dict[str, list[int]] = {g.value: [0, 0, 0, 0, 0] for g in reversed(ORDER)}
    for e in facts.episodes:
        if not (e.child and e.live and e.first_grade) or not _matches(e.who, where or {}):
            continue
        row = rows[e.first_grade]
        back, again_at = e.found_at, e.missing_again_at
        again = back is not None and again_at is not None and again_at <= back + REMISSING
        for i, hit in enumerate(
            (True, below(e.first_grade, e.first_suggested), e.outcome == "found_harmed",
             again, e.concern_after)
        ):  # fmt: skip
            row[i] += int(hit)
    return [Quality(grade, *counts) for grade, counts in rows.items()]


def measures(
    session: Session,
    actor: Actor,
    start_day: date,
    end_day: date,
    *,
    by: str | None = None,
    where: Mapping[str, str] | None = None,
) -> list[Figure]:
    """The figures of a period in one call (what `harbour measures` prints)."""
    return figures(read(session, actor, start_day, end_day), by=by, where=where)
