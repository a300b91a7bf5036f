"""Your tasks and your notifications."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from harbour.actor import Actor
from harbour.errors import HarbourError
from harbour.tasks import service
from harbour.web import (
    ActorDep,
    FormDep,
    RecordId,
    SessionDep,
    form_failure,
    page_router,
    render,
    request_session,
)
from harbour.web.forms import form_number, form_version

pages = page_router()


def unread_hook(request: Request, actor: Actor | None) -> dict[str, Any]:
    """Every page's header shows how many notifications are unread."""
    if actor is None:
        return {"unread": 0}
    with request_session(request) as session:
        return {"unread": service.unread_count(session, actor)}


def _tasks_page(
    request: Request, session: Session, actor: Actor, errors: dict[str, str], status: int = 200
) -> Response:
    mine = service.my_tasks(session, actor)
    return render(
        request,
        "tasks/list.html",
        {
            "tasks": mine,
            "people": service.person_names(session, mine),
            "kinds": service.KINDS,
            "colleagues": service.colleagues(session, actor),
            "errors": errors,
        },
        status_code=status,
    )


@pages.get("/tasks")
def my_tasks(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    service.check_can_work(actor)
    return _tasks_page(request, session, actor, {})


def _back(form: dict[str, str], task_id: int) -> str:
    """Go back where the form came from: the episode page or the task list."""
    back = form.get("back", "")
    return (
        back if back.startswith("/episodes/") and back[10:].isdigit() else f"/tasks#task-{task_id}"
    )


@pages.post("/tasks/{task_id}/complete")
def complete(
    request: Request, task_id: RecordId, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    task = service.find(session, actor, task_id, "task.update")
    try:
        service.complete(session, actor, task, form.get("result", ""), form_version(form))
    except HarbourError as exc:
        problem = form_failure(request, exc)
        errors = {f"result-{task_id}": next(iter(problem.values()))}
        return _tasks_page(request, session, actor, errors, exc.status_code)
    return RedirectResponse(_back(form, task_id), status_code=303)


@pages.post("/tasks/{task_id}/handover")
def hand_over(
    request: Request, task_id: RecordId, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    task = service.find(session, actor, task_id, "task.update")
    try:
        owner = service.find_colleague(session, actor, form_number(form.get("owner_id")))
        service.hand_over(session, actor, task, owner, form_version(form))
    except HarbourError as exc:
        problem = form_failure(request, exc)
        errors = {f"owner-{task_id}": next(iter(problem.values()))}
        return _tasks_page(request, session, actor, errors, exc.status_code)
    return RedirectResponse(_back(form, task_id), status_code=303)


@pages.post("/tasks/{task_id}/carry")
def carry_over(
    request: Request, task_id: RecordId, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """Carry an episode's open task to the person's record, with the reason."""
    task = service.find(session, actor, task_id, "task.update")
    episode_id = task.episode_id
    try:
        reason = form.get("carried_reason", "")[:5000]
        service.carry_over(session, actor, task, reason, form_version(form))
    except HarbourError as exc:
        problem = form_failure(request, exc)
        errors = {f"carry-{task_id}": next(iter(problem.values()))}
        return _tasks_page(request, session, actor, errors, exc.status_code)
    back = f"/episodes/{episode_id}" if episode_id else f"/tasks#task-{task_id}"
    return RedirectResponse(f"{back}?saved=carried" if episode_id else back, status_code=303)


@pages.get("/notifications")
def notifications(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    items = service.notifications(session, actor)
    return render(request, "tasks/notifications.html", {"items": items})


@pages.post("/notifications/read")
def mark_read(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    service.mark_all_read(session, actor)
    return RedirectResponse("/notifications", status_code=303)
