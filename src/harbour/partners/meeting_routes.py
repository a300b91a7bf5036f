"""Pages of strategy meetings and MACE panels: the list, recording one, and one meeting."""

from __future__ import annotations

import re
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from harbour.access import service as access
from harbour.actor import Actor
from harbour.errors import HarbourError
from harbour.partners import meetings
from harbour.partners.meetings import DECISIONS, Action, Attendee, Decision, MeetingInput
from harbour.partners.models import MEETING_KINDS
from harbour.tasks import service as tasks
from harbour.web import (
    ActorDep,
    FormDep,
    RecordId,
    SessionDep,
    failure_status,
    form_failure,
    page_router,
    render,
)
from harbour.web.forms import Fields, form_number

pages = page_router()
NUMBERS = re.compile(r"[\s,;]+")


def _numbers(fields: Fields, name: str, text: str) -> list[int]:
    found = []
    for token in (t for t in NUMBERS.split(text or "") if t):
        number = form_number(token)
        if number is None:
            fields.fail(name, "Enter record numbers in digits, separated by commas, like 1234")
        else:
            found.append(number)
    return found


def _read(form: dict[str, str]) -> MeetingInput:
    fields = Fields(form)
    attendees = []
    for line in (form.get("attendees") or "").splitlines():
        parts = [p.strip() for p in line.split(",")]
        if parts and parts[0]:
            name, role, *rest = [*parts, "", ""]
            attendees.append(
                Attendee(
                    name=name, role=role or None, organisation=", ".join(rest).strip(", ") or None
                )
            )
    decisions = []
    actions = []
    for n in range(1, meetings.ROWS + 1):
        kind, text = form.get(f"decision_{n}_kind", ""), form.get(f"decision_{n}_text", "").strip()
        if kind or text:
            if not (kind and text):
                fields.fail(f"decision_{n}_text", "Give both what was decided and the detail")
            else:
                decisions.append(
                    Decision(
                        kind=kind if kind in DECISIONS else "other",
                        person_id=form_number(form.get(f"decision_{n}_child")),
                        text=text,
                    )
                )
        title = form.get(f"action_{n}_title", "").strip()
        if title:
            owner = form_number(form.get(f"action_{n}_owner"))
            if owner is None:
                fields.fail(f"action_{n}_owner", "Choose who owns the action")
                continue
            actions.append(
                Action(
                    title=title,
                    person_id=form_number(form.get(f"action_{n}_child")),
                    owner_id=owner,
                    due_on=fields.day(f"action_{n}_due", "The due date"),
                )
            )
    return fields.build(
        MeetingInput,
        kind=form.get("kind") or None,
        held_at=fields.when("held_at", "When it was held"),
        chair=fields.text("chair", "Who chaired it", limit=200),
        location=fields.text("location", "Where", limit=200),
        attendees=attendees,
        child_ids=_numbers(fields, "child_ids", form.get("child_ids", "")),
        information=fields.text("information", "What each agency shared", limit=20_000),
        decisions=decisions,
        actions=actions,
        minutes=fields.text("minutes", "The minutes", limit=50_000),
    )


@pages.get("/meetings")
def meeting_list(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    rows = meetings.listed(session, actor)
    return render(request, "partners/meetings.html", {"meetings": rows, "kinds": MEETING_KINDS})


def _form(
    request: Request, session: Session, actor: Actor, values: dict[str, Any], errors: dict[str, str]
) -> Response:
    access.require(actor, "meeting.record")
    context = {
        "values": values,
        "errors": errors,
        "kinds": {k.value: label for k, label in MEETING_KINDS.items()},
        "decision_kinds": DECISIONS,
        "owners": tasks.colleagues(session, actor),
        "rows": range(1, meetings.ROWS + 1),
    }
    status = failure_status(errors) if errors else 200
    return render(request, "partners/meeting_form.html", context, status_code=status)


@pages.get("/meetings/new")
def new_meeting(
    request: Request, session: SessionDep, actor: ActorDep, child: str | None = None
) -> Response:
    return _form(request, session, actor, {"child_ids": child or ""}, {})


@pages.post("/meetings/new")
def record_meeting(
    request: Request, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    access.require(actor, "meeting.record")
    try:
        meeting = meetings.record(session, actor, _read(dict(form)))
    except HarbourError as exc:
        errors = form_failure(request, exc)
        return _form(request, session, actor, dict(form), errors)
    return RedirectResponse(f"/meetings/{meeting.id}?saved=1", status_code=303)


@pages.get("/meetings/{meeting_id}")
def meeting_page(
    request: Request, meeting_id: RecordId, session: SessionDep, actor: ActorDep
) -> Response:
    """One meeting, as much of it as the actor may see."""
    access.require(actor, "meeting.view")
    shown = meetings.show(session, actor, meeting_id)
    return render(
        request,
        "partners/meeting.html",
        {
            "shown": shown,
            "kinds": MEETING_KINDS,
            "decision_kinds": DECISIONS,
            "saved": request.query_params.get("saved") == "1",
        },
    )
