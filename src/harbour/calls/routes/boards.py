"""The calls boards: calls awaiting a decision (refreshed by HTMX), handovers waiting for a
partner, and, for supervisors, the RCRP outcomes by category with the list of decided calls.

These routes are registered before the call pages, so that `/calls/decided` is not read as a
call's id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from harbour import clock
from harbour.calls import boards
from harbour.calls import records as calls
from harbour.calls.routes.pages import OUTCOME_COLOURS, labels
from harbour.calls.schemas import Category, Outcome
from harbour.settings import get_settings
from harbour.web import (
    ActorDep,
    SessionDep,
    page_number,
    page_router,
    render,
)

pages = page_router()


PERIODS = {
    "1": "Last 24 hours",
    "7": "Last 7 days",
    "28": "Last 28 days",
    "90": "Last 90 days",
    "365": "Last 12 months",
}


@dataclass
class Bar:
    x: float
    width: float
    colour: str
    outcome: str
    count: int


def _chart(lines: list[boards.OutcomeLine]) -> list[list[Bar]]:
    """Each category's outcomes as stacked bars on a 0-100 scale (the largest total is 100)."""
    most = max((line.total for line in lines), default=0) or 1
    chart = []
    for line in lines:
        x = 0.0
        bars = []
        for outcome, colour in OUTCOME_COLOURS.items():
            count = line.counts.get(outcome.value, 0)
            if count:
                width = round(100 * count / most, 2)
                bars.append(Bar(x, width, colour, outcome.value, count))
                x += width
        chart.append(bars)
    return chart


def _days(value: str | None) -> int:
    try:
        number = int(value) if value else 0
    except ValueError:
        number = 0
    if not 1 <= number <= 366:
        return get_settings().call_outcomes_days
    return number


@pages.get("/calls")
def board(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    days: str | None = None,
    page: str | None = None,
) -> Response:
    number = page_number(page)
    per_page = get_settings().page_size
    rows, total = boards.awaiting(session, actor, page=number, per_page=per_page)
    may = calls.permissions(actor)
    context: dict[str, Any] = {
        "call_rows": rows,
        "call_total": total,
        "page": number,
        "per_page": per_page,
        "handovers": boards.handovers_waiting(session, actor),
        "may": may,
        "now": clock.now(),
        **labels(),
    }
    if may["outcomes"]:
        chosen = _days(days)
        since, until = boards.period(chosen)
        lines = boards.outcomes(session, actor, since, until)
        context |= {
            "days": chosen,
            "periods": PERIODS,
            "since": since,
            "lines": lines,
            "chart": _chart(lines),
        }
    return render(request, "calls/board.html", context)


@pages.get("/partials/calls")
def board_rows(
    request: Request, session: SessionDep, actor: ActorDep, page: str | None = None
) -> Response:
    """The awaiting-decision table alone, refreshed every 30 seconds by HTMX."""
    number = page_number(page)
    per_page = get_settings().page_size
    rows, total = boards.awaiting(session, actor, page=number, per_page=per_page)
    return render(
        request,
        "calls/_board_table.html",
        {"call_rows": rows, "call_total": total, "page": number, "per_page": per_page} | labels(),
    )


@pages.get("/calls/decided")
def decided(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    days: str | None = None,
    category: str | None = None,
    outcome: str | None = None,
    page: str | None = None,
) -> Response:
    """The calls decided in a period, for a supervisor to audit (not sent to police first)."""
    chosen = _days(days)
    since, until = boards.period(chosen)
    category = category if category in set(Category) else None
    if outcome is None:
        outcome = "not_police"  # the deflections first, for the audit
    elif outcome not in {*Outcome, "not_police"}:
        outcome = None  # every outcome
    number = page_number(page)
    per_page = get_settings().page_size
    rows, total = boards.decided(
        session,
        actor,
        since,
        until,
        category=category,
        outcome=outcome,
        page=number,
        per_page=per_page,
    )
    return render(
        request,
        "calls/decided.html",
        {
            "rows": rows,
            "total": total,
            "page": number,
            "per_page": per_page,
            "days": chosen,
            "periods": PERIODS,
            "category": category or "",
            "outcome": outcome or "",
            "outcome_filter": {"not_police": "Not sent to police", **calls.OUTCOMES},
            **labels(),
        },
    )
