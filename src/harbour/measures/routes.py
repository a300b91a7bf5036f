"""The measures dashboard: the headline figures of a period, trends, a breakdown and
disproportionality, each chart with its data table and a CSV download of every table.

The filters are a GET form (a leader can bookmark or share a view); every figure comes from
`harbour.measures.service`, as `harbour measures` prints them.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from harbour import clock, timefmt
from harbour.access import service as access
from harbour.actor import Actor
from harbour.errors import HarbourError, ValidationFailed
from harbour.measures import episode_sql, population, qa, service
from harbour.measures.definitions import BY_NAME, MEASURES, SECTIONS, Measure
from harbour.measures.facts import Facts
from harbour.measures.groups import DIMENSIONS, UNKNOWN, label
from harbour.measures.service import Figure, Interval, Point, Ratio
from harbour.web import (
    ActorDep,
    FormDep,
    RecordId,
    SessionDep,
    form_failure,
    page_router,
    render,
)
from harbour.web.forms import form_number, form_version

pages = page_router()

# The measures drawn as trends, in the order a leader reads them.
CHARTED = (
    "graded_within_target",
    "reviews_on_time",
    "children_seen_in_person",
    "return_interviews_on_time",
    "repeat_missing_children",
    "found_harmed",
    "calls_not_police",
)
DEFAULT_DAYS = 90
INTERVALS: dict[str, str] = {"week": "Week by week", "month": "Month by month"}


@dataclass
class Filters:
    start: date
    end: date
    borough: str | None
    by: str
    measure: str
    interval: Interval
    errors: dict[str, str]

    @property
    def where(self) -> dict[str, str]:
        return {"borough": self.borough} if self.borough else {}

    def query(self, **extra: str) -> str:
        values = {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "borough": self.borough or "",
            "by": self.by,
            "measure": self.measure,
            "interval": self.interval,
        } | extra
        return urlencode({k: v for k, v in values.items() if v})


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _filters(request: Request) -> Filters:
    """The filters as asked, or their defaults (the last 90 days) with what was wrong."""
    params = request.query_params
    today = timefmt.local(clock.now()).date()
    errors: dict[str, str] = {}
    start, end = _day(params.get("from")), _day(params.get("to"))
    if params.get("from") and start is None:
        errors["from"] = "Enter the start as a real date"
    if params.get("to") and end is None:
        errors["to"] = "Enter the end as a real date"
    end = end or today
    start = start or end - timedelta(days=DEFAULT_DAYS - 1)
    try:
        service.check_period(start, end)
    except ValidationFailed as exc:
        errors |= exc.field_errors
        end, start = today, today - timedelta(days=DEFAULT_DAYS - 1)
    by = params.get("by") or "ethnic_group"
    if by not in DIMENSIONS:
        errors["by"] = "Choose a breakdown from the list"
        by = "ethnic_group"
    measure = params.get("measure") or "graded_within_target"
    if measure not in BY_NAME:
        errors["measure"] = "Choose a measure from the list"
        measure = "graded_within_target"
    interval: Interval = "month" if params.get("interval") == "month" else "week"
    return Filters(start, end, params.get("borough") or None, by, measure, interval, errors)


def shown(measure: Measure, value: float | None, suppressed: bool = False) -> str:
    """A figure in words: 60.0%, 22 minutes, 3."""
    if suppressed:
        return "Suppressed (small number)"
    if value is None:
        return "No data"
    if measure.kind in ("share", "top_share"):
        return f"{value * 100:.1f}%"
    if measure.unit == "minutes":
        return f"{value:.0f} minutes"
    return f"{value:,.0f}"


def _plotted(measure: Measure, value: float | None) -> float | None:
    if value is None:
        return None
    return round(value * 100, 1) if measure.kind in ("share", "top_share") else round(value, 1)


def _axis(measure: Measure) -> str:
    return "Per cent" if measure.kind in ("share", "top_share") else measure.unit.capitalize()


def _counted(figure: Figure) -> str:
    if figure.denominator is None:
        return ""
    if figure.numerator is None:
        return f"of {figure.denominator:,}"
    return f"{figure.numerator:,.0f} of {figure.denominator:,}"


def _figure_rows(figures: list[Figure], by: str | None) -> list[dict[str, Any]]:
    rows = []
    for f in figures:
        measure = BY_NAME[f.measure]
        rows.append(
            {
                "measure": measure,
                "group": f.group,
                "group_label": label(by, f.group),
                "value": shown(measure, f.value, f.suppressed),
                "counted": _counted(f),
                "plotted": None if f.suppressed else _plotted(measure, f.value),
                "figure": f,
            }
        )
    return rows


def _trend_rows(measure: Measure, points: list[Point], interval: Interval) -> list[dict[str, Any]]:
    fmt = "%B %Y" if interval == "month" else "Week from %-d %B %Y"
    short = "%b %y" if interval == "month" else "%-d %b %y"
    return [
        {
            "period": p.starts.strftime(fmt),
            "tick": p.starts.strftime(short),
            "starts": p.starts,
            "value": shown(measure, p.value),
            "counted": _counted(Figure(measure.name, "", p.numerator, p.denominator, p.value)),
            "plotted": _plotted(measure, p.value),
            "point": p,
        }
        for p in points
    ]


def _chart(kind: str, title: str, axis: str, rows: list[dict[str, Any]], key: str) -> str:
    """What static/measures.js draws, as JSON for a <script type="application/json">."""
    return json.dumps(
        {
            "type": kind,
            "title": title,
            "axis": axis,
            "labels": [r[key] for r in rows],
            "data": [r["plotted"] for r in rows],
        }
    ).replace("</", "<\\/")


def _ratio_rows(ratios: list[Ratio]) -> list[dict[str, Any]]:
    def num(value: float | None, digits: int = 2) -> str:
        return "" if value is None else f"{value:.{digits}f}"

    return [
        {
            "group": r.group,
            "group_label": label("ethnic_group", r.group),
            "count": "Suppressed" if r.suppressed else f"{r.count:,}",
            "residents": f"{r.residents:,.0f}",
            "rate": num(r.rate),
            "ratio": num(r.ratio) or ("Reference" if r.group == population.REFERENCE_GROUP else ""),
            "interval": f"{num(r.low)} to {num(r.high)}" if r.low is not None else "",
            "plotted": None if r.ratio is None else round(r.ratio, 2),
            "r": r,
        }
        for r in ratios
    ]


def _boroughs(facts: Facts) -> list[str]:
    calls = {c.who.borough for c in facts.calls} - {UNKNOWN}
    return sorted(set(episode_sql.boroughs(facts.period)) | calls)


def _tables(facts: Facts, chosen: Filters) -> dict[str, Any]:
    where = chosen.where
    headline = _figure_rows(service.figures(facts, where=where), None)
    measure = BY_NAME[chosen.measure]
    trends = []
    points = service.trends(facts, CHARTED, chosen.interval, where=where)
    for name in CHARTED:
        charted = BY_NAME[name]
        rows = _trend_rows(charted, points[name], chosen.interval)
        trends.append(
            {
                "measure": charted,
                "rows": rows,
                "chart": _chart("line", charted.title, _axis(charted), rows, "tick"),
            }
        )
    breakdown = _figure_rows(
        service.figures(facts, by=chosen.by, where=where, names=[chosen.measure]), chosen.by
    )
    ratios = _ratio_rows(service.disproportionality(facts, where=where))
    quality = service.decision_quality(facts, where=where)
    return {
        "quality": quality,
        "sections": [(s, [r for r in headline if r["measure"].section == s]) for s in SECTIONS],
        "trends": trends,
        "breakdown": breakdown,
        "breakdown_chart": _chart(
            "bar",
            f"{measure.title} by {DIMENSIONS[chosen.by].lower()}",
            _axis(measure),
            breakdown,
            "group_label",
        ),
        "ratios": ratios,
        "ratios_chart": _chart(
            "bar",
            "Rate ratio of children reported missing, against White children",
            "Rate ratio",
            [r for r in ratios if r["plotted"] is not None],
            "group_label",
        ),
    }


@pages.get("/measures")
def dashboard(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    chosen = _filters(request)
    facts = service.read(session, actor, chosen.start, chosen.end)
    return render(
        request,
        "measures/dashboard.html",
        {
            "filters": chosen,
            "errors": chosen.errors,
            "boroughs": {b: b for b in _boroughs(facts)},
            "dimensions": DIMENSIONS,
            "intervals": INTERVALS,
            "measure_options": {m.name: m.title for m in MEASURES},
            "population_source": population.SOURCE,
            "may_qa": access.can(actor, qa.ACTION),
            **_tables(facts, chosen),
        },
        status_code=422 if chosen.errors else 200,
    )


def _csv(rows: list[dict[str, Any]], name: str) -> Response:
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _download(request: Request, table: str, session: Session, actor: Actor) -> Response:
    """One of the dashboard's tables as CSV, for the filters given."""
    chosen = _filters(request)
    if chosen.errors:
        raise ValidationFailed("Check the filters", field_errors=chosen.errors)
    facts = service.read(session, actor, chosen.start, chosen.end, purpose=f"Measures CSV: {table}")
    where = chosen.where
    period = f"{chosen.start.isoformat()}_{chosen.end.isoformat()}"
    if table == "trend":
        measure = BY_NAME[chosen.measure]
        points = service.trend(facts, chosen.measure, chosen.interval, where=where)
        rows = [
            {
                "measure": measure.name,
                "period_starts": p.starts.isoformat(),
                "numerator": p.numerator,
                "denominator": p.denominator,
                "value": p.value,
            }
            for p in points
        ]
        return _csv(rows, f"measures-trend-{measure.name}-{period}.csv")
    if table == "quality":
        rows = [asdict(q) for q in service.decision_quality(facts, where=where)]
        return _csv(rows, f"measures-decision-quality-{period}.csv")
    if table == "disproportionality":
        rows = [
            {
                "group": r.group,
                "count": r.count,
                "residents": round(r.residents),
                "rate_per_100000": r.rate,
                "rate_ratio": r.ratio,
                "ci95_low": r.low,
                "ci95_high": r.high,
                "suppressed": r.suppressed,
            }
            for r in service.disproportionality(facts, where=where)
        ]
        return _csv(rows, f"measures-disproportionality-{period}.csv")
    by = chosen.by if table == "breakdown" else None
    names = [chosen.measure] if table == "breakdown" else None
    figures = service.figures(facts, by=by, where=where, names=names)
    rows = [f.as_dict() for f in figures]
    suffix = f"-{chosen.measure}-by-{by}" if by else ""
    return _csv(rows, f"measures{suffix}-{period}.csv")


@pages.get("/measures/figures.csv")
def figures_csv(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """The headline figures as CSV (one line a measure)."""
    return _download(request, "figures", session, actor)


@pages.get("/measures/trend.csv")
def trend_csv(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """One measure's trend as CSV (`measure`, `interval`)."""
    return _download(request, "trend", session, actor)


@pages.get("/measures/breakdown.csv")
def breakdown_csv(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """One measure broken down as CSV (`measure`, `by`)."""
    return _download(request, "breakdown", session, actor)


@pages.get("/measures/disproportionality.csv")
def disproportionality_csv(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """The rate ratios by ethnic group as CSV."""
    return _download(request, "disproportionality", session, actor)


@pages.get("/measures/quality.csv")
def quality_csv(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """Grader against policy against outcome, by grade, as CSV."""
    return _download(request, "quality", session, actor)


def _qa_page(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    drawn: str | None = None,
    status: int = 200,
) -> Response:
    today = timefmt.local(clock.now()).date()
    return render(
        request,
        "measures/qa.html",
        {
            "listed": qa.listed(session, actor),
            "kinds": qa.KINDS,
            "verdicts": qa.VERDICTS,
            "errors": errors or {},
            "values": values or {},
            "drawn": drawn,
            "default_from": (today - timedelta(days=DEFAULT_DAYS - 1)).isoformat(),
            "default_to": today.isoformat(),
        },
        status_code=status,
    )


@pages.get("/measures/qa")
def qa_page(
    request: Request, session: SessionDep, actor: ActorDep, drawn: str | None = None
) -> Response:
    """The sample of decisions waiting for a supervisor's verdict, and the verdicts so far."""
    return _qa_page(request, session, actor, drawn=drawn)


@pages.post("/measures/qa/draw")
def qa_draw(request: Request, session: SessionDep, actor: ActorDep, form: FormDep) -> Response:
    """Draw a new sample of the period's children graded low and calls not sent to police."""
    start, end = _day(form.get("from")), _day(form.get("to"))
    size = form_number(form.get("size")) or 0
    try:
        if start is None or end is None:
            raise ValidationFailed(
                "Check the sample", field_errors={"from": "Enter the period as two real dates"}
            )
        added = qa.draw(session, actor, start, end, size=size)
    except HarbourError as exc:
        errors = form_failure(request, exc)
        return _qa_page(
            request, session, actor, errors=errors, values=dict(form), status=exc.status_code
        )
    drawn = f"{added[qa.LOW_GRADE]}-{added[qa.DEFLECTION]}"
    return RedirectResponse(f"/measures/qa?drawn={drawn}", status_code=303)


@pages.post("/measures/qa/{qa_id}")
def qa_verdict(
    request: Request, qa_id: RecordId, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """Record a verdict on one sampled decision."""
    try:
        qa.record_verdict(
            session,
            actor,
            qa_id,
            form.get("verdict", ""),
            form.get("notes", "")[:5000],
            form_version(form),
        )
    except HarbourError as exc:
        errors = form_failure(request, exc)
        return _qa_page(
            request, session, actor, errors=errors, values=dict(form), status=exc.status_code
        )
    return RedirectResponse(f"/measures/qa#done-{qa_id}", status_code=303)
