"""The audit log for auditors: filter and page through events, and verify the hash chain."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import Response

from harbour.audit import service
from harbour.audit.schemas import EventPage, EventRead, VerdictRead
from harbour.errors import JustificationNeeded
from harbour.settings import get_settings
from harbour.web import (
    ActorDep,
    SessionDep,
    api_router,
    page_number,
    page_router,
    render,
)

pages = page_router(prefix="/audit")
api = api_router(prefix="/api/v1/audit", tags=["audit"])


# What the page that asks why says for each kind of record, and where it posts the reason.
JUSTIFY_PAGES: dict[str, dict[str, str]] = {
    "person": {"action": "/people/{id}/justify", "subject": "record"},
    "call": {
        "action": "/calls/{id}/justify",
        "subject": "call",
        "caption": "Call {id}",
        "why": "A call holds personal data about the caller and the people it is about. ",
        "details_hint": "For example, the incident reference",
    },
    "network_alert": {"action": "/network/alerts/{id}/justify", "subject": "alert"},
}


def justify_page(
    request: Request,
    subject: str,
    subject_id: int,
    errors: dict[str, str] | None = None,
    next_url: str = "",
) -> Response:
    """The page that asks why someone needs a record before showing it (the reason is kept in the
    audit log once per record per sign-in), worded for the kind of record."""
    wording = {k: v.format(id=subject_id) for k, v in JUSTIFY_PAGES[subject].items()}
    return render(
        request,
        "justify.html",
        {
            "reasons": service.JUSTIFICATION_REASONS,
            "errors": errors or {},
            "next": next_url,
            **wording,
        },
        status_code=422 if errors else 200,
    )


async def justification_needed(request: Request, exc: Exception) -> Response:
    """Answer `JustificationNeeded` (raised by `audit.require_justification`) with the page."""
    assert isinstance(exc, JustificationNeeded)
    return justify_page(request, exc.subject, exc.subject_id, exc.field_errors, exc.next_url)


def _day_start(value: str | None, *, next_day: bool = False) -> datetime | None:
    """Return local midnight at the start of a day (or of the day after) in UTC."""
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    if next_day:
        day += timedelta(days=1)
    return datetime.combine(day, time(0, 0), tzinfo=get_settings().zone).astimezone(UTC)


@pages.get("")
def audit_log(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    actor_name: str | None = None,
    action: str | None = None,
    subject_type: str | None = None,
    subject_id: str | None = None,
    since: str | None = None,
    until: str | None = None,
    page: str | None = None,
) -> Response:
    number = page_number(page)
    per_page = get_settings().page_size
    end = _day_start(until, next_day=True)
    flt = service.EventFilter(
        actor=actor_name or None,
        action=action or None,
        subject_type=subject_type or None,
        subject_id=subject_id or None,
        since=_day_start(since),
        until=end,
    )
    events, total = service.list_events(session, actor, flt, page=number, per_page=per_page)
    return render(
        request,
        "audit/list.html",
        {
            "events": events,
            "total": total,
            "page": number,
            "per_page": per_page,
            "filters": {
                "actor_name": actor_name or "",
                "action": action or "",
                "subject_type": subject_type or "",
                "subject_id": subject_id or "",
                "since": since or "",
                "until": until or "",
            },
            "actions": service.actions_in_use(session),
        },
    )


@pages.post("/verify")
def verify(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    verdict = service.verify_as(session, actor)
    return render(request, "audit/verify.html", {"verdict": verdict})


@api.get("/events", response_model=EventPage, summary="Page through the audit log, newest first")
def api_events(
    session: SessionDep,
    actor: ActorDep,
    action: Annotated[str | None, Query(max_length=40)] = None,
    subject_type: Annotated[str | None, Query(max_length=40)] = None,
    subject_id: Annotated[str | None, Query(max_length=64)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
) -> EventPage:
    flt = service.EventFilter(action=action, subject_type=subject_type, subject_id=subject_id)
    events, total = service.list_events(session, actor, flt, page=page, per_page=per_page)
    return EventPage(
        items=[EventRead.model_validate(e) for e in events],
        total=total,
        page=page,
        per_page=per_page,
    )


@api.post("/verify", response_model=VerdictRead, summary="Walk the hash chain and report breaks")
def api_verify(session: SessionDep, actor: ActorDep) -> VerdictRead:
    verdict = service.verify_as(session, actor)
    return VerdictRead(
        ok=verdict.ok,
        checked=verdict.checked,
        first_bad_seq=verdict.first_bad_seq,
        problem=verdict.problem,
    )
