"""The board of unowned work, moving a leaver's casework, and the workload of officers and teams."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from harbour.access import service as access
from harbour.actor import Actor
from harbour.episodes import allocation, workload
from harbour.errors import HarbourError
from harbour.tasks import service as tasks
from harbour.web import ActorDep, FormDep, SessionDep, form_failure, page_router, render
from harbour.web.forms import form_number

pages = page_router()


def _board(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    moved: str | None = None,
    status: int = 200,
) -> Response:
    work = allocation.unowned(session, actor)
    may_reassign = access.can(actor, "casework.reassign")
    return render(
        request,
        "episodes/unowned.html",
        {
            "work": work,
            "kinds": tasks.KINDS,
            "may_reassign": may_reassign,
            "caseworkers": allocation.caseworkers(session, actor) if may_reassign else [],
            "colleagues": tasks.colleagues(session, actor) if may_reassign else [],
            "errors": errors or {},
            "values": values or {},
            "moved": moved,
            "queue": allocation.hub_team_name(),
        },
        status_code=status,
    )


@pages.get("/casework/unowned")
def unowned(
    request: Request, session: SessionDep, actor: ActorDep, moved: str | None = None
) -> Response:
    """Reports in the queue and tasks nobody owns, oldest first, with the allocation clock."""
    return _board(request, session, actor, moved=moved)


@pages.post("/casework/reassign")
def reassign(request: Request, session: SessionDep, actor: ActorDep, form: FormDep) -> Response:
    """Move one person's open episodes and tasks to a colleague, or back to the hub's queue."""
    access.require(actor, "casework.reassign")
    target = form.get("to_id", "")
    try:
        result = allocation.reassign(
            session,
            actor,
            form_number(form.get("from_id")),
            None if target == "queue" else form_number(target) or -1,
            form.get("reason", "")[:2000],
        )
    except HarbourError as exc:
        errors = form_failure(request, exc)
        return _board(
            request, session, actor, errors=errors, values=dict(form), status=exc.status_code
        )
    moved = f"{result.episodes}-{result.tasks}"
    return RedirectResponse(f"/casework/unowned?moved={moved}", status_code=303)


@pages.get("/casework/workload")
def workload_page(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """Open casework by officer and by team, the next shift's work, and each team's demand."""
    work = workload.workload(session, actor)
    return render(
        request,
        "episodes/workload.html",
        {
            "work": work,
            "grades": workload.GRADES,
            "shift_hours": workload.SHIFT_HOURS,
            "may_reassign": access.can(actor, "casework.reassign"),
        },
    )
