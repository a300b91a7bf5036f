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
from harbour.measures import episode_sql, population
from harbour.measures import facts as reading
from harbour.measures.definitions import BY_NAME, MEASURES, Measure
from harbour.measures.facts import Facts
from harbour.measures.groups import ALL, DIMENSIONS, UNKNOWN, Who
from harbour.measures.items import Triple, empty, reduce
from harbour.measures.models import EpisodeFactRow
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
    assert measure.items is not None
    return (item for item in measure.items(facts) if _matches(item[0], where))


def _order(groups: Iterable[str]) -> list[str]:
    return sorted(groups, key=lambda g: (g == UNKNOWN, g))


def _sql(
    facts: Facts, measures: list[Measure], column: Any, where: Mapping[str, str]
) -> dict[str, dict[Any, Triple]]:
    """The episode measures by the values of `column` (None: the whole), from measure_episode."""
    period = facts.period
    out: dict[str, dict[Any, Triple]] = {}
    counted = episode_sql.counts(period, column, [m.name for m in measures], where)
    for m in measures:
        if m.name == episode_sql.MEDIAN:
            found = episode_sql.medians(period, column, where)
            out[m.name] = {k: (None, len(v), episode_sql.median(v)) for k, v in found.items()}
        elif m.name == episode_sql.TOP_SHARE:
            found_top = episode_sql.top_share(period, column, where)
            out[m.name] = {k: episode_sql.top(v) for k, v in found_top.items()}
        elif m.kind == "count":
            out[m.name] = {k: (v[m.name][0], None, float(v[m.name][0])) for k, v in counted.items()}
        else:
            out[m.name] = {
                k: (num, den, num / den if den else None)
                for k, (den, num) in ((k, v[m.name]) for k, v in counted.items())
            }
    return out


def _python(
    measure: Measure, facts: Facts, key: Any, where: Mapping[str, str]
) -> dict[Any, Triple]:
    """A measure counted from the facts in Python, grouped by `key(who, when)`."""
    grouped: dict[Any, list[Any]] = defaultdict(list)
    for who, at, x in _items(measure, facts, where):
        grouped[key(who, at)].append(x)
    return {k: reduce(measure.kind, xs) for k, xs in grouped.items()}


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
    in_sql = [m for m in chosen if m.items is None]
    column = getattr(EpisodeFactRow, by) if by else None
    counted = _sql(facts, in_sql, column, where) if in_sql else {}
    out: list[Figure] = []
    for measure in chosen:
        if measure.items is None:
            grouped = {(ALL if k is None else k): v for k, v in counted[measure.name].items()}
        else:
            grouped = _python(measure, facts, lambda who, _: who.group(by), where)
        if by is None:
            grouped.setdefault(ALL, empty(measure.kind))
        for group in _order(grouped):
            numerator, denominator, value = grouped[group]
            size = denominator if denominator is not None else int(numerator or 0)
            if by is not None and 0 < size < small:
                out.append(Figure(measure.name, group, None, denominator, None, True))
            elif size or by is None:
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


def trends(
    facts: Facts,
    names: Iterable[str],
    interval: Interval,
    *,
    where: Mapping[str, str] | None = None,
) -> dict[str, list[Point]]:
    """Measures week by week (from Monday) or month by month, every period shown; the episode
    measures in one query."""
    where = where or {}
    chosen = [BY_NAME[n] for n in names]
    column = EpisodeFactRow.report_month if interval == "month" else EpisodeFactRow.report_week
    in_sql = [m for m in chosen if m.items is None]
    counted = _sql(facts, in_sql, column, where) if in_sql else {}
    first = _bucket(timefmt.local(facts.start).date(), interval)
    last = timefmt.local(facts.end - timedelta(microseconds=1)).date()
    out: dict[str, list[Point]] = {}
    for measure in chosen:
        if measure.items is None:
            buckets = counted[measure.name]
        else:
            buckets = _python(
                measure, facts, lambda _, at: _bucket(timefmt.local(at).date(), interval), where
            )
        points, day = [], first
        while day <= last:
            points.append(Point(day, *buckets.get(day, empty(measure.kind))))
            day = _next(day, interval)
        out[measure.name] = points
    return out


def trend(
    facts: Facts, name: str, interval: Interval, *, where: Mapping[str, str] | None = None
) -> list[Point]:
    """One measure week by week or month by month (`trends` of one)."""
    return trends(facts, [name], interval, where=where)[name]


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
    found = _sql(facts, [BY_NAME[name]], EpisodeFactRow.ethnic_group, where or {})[name]
    counts = {group: int(numerator or 0) for group, (numerator, _, _) in found.items()}
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
    found = episode_sql.quality(facts.period, where or {})
    return [Quality(g.value, *found.get(g.value, (0, 0, 0, 0, 0))) for g in reversed(ORDER)]


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
