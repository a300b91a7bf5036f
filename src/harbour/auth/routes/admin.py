"""Account administration pages: list users, set their email, disable and re-enable accounts."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from harbour.auth import service
from harbour.auth.models import User
from harbour.errors import HarbourError
from harbour.web import (
    ActorDep,
    RecordId,
    SessionDep,
    page_router,
    render,
)

pages = page_router(prefix="/admin/users")


@pages.get("")
def users(
    request: Request, session: SessionDep, actor: ActorDep, done: str | None = None
) -> Response:
    service.check_can_manage(actor)
    rows = service.list_users(session, actor)
    orgs = {o.id: o for o in service.organisations(session)}
    teams = {t.id: t for t in service.teams(session)}
    return render(
        request,
        "admin/users.html",
        {"users": rows, "orgs": orgs, "teams": teams, "done": done},
    )


def _confirm(request: Request, user: User, errors: dict[str, str], reason: str = "") -> Response:
    return render(
        request,
        "admin/confirm_active.html",
        {"user": user, "errors": errors, "reason": reason},
        status_code=422 if errors else 200,
    )


@pages.get("/{user_id}/active")
def confirm_active(
    request: Request, user_id: RecordId, session: SessionDep, actor: ActorDep
) -> Response:
    user = service.get_user(session, actor, user_id, "user.manage")
    return _confirm(request, user, {})


@pages.post("/{user_id}/active")
def set_active(
    request: Request,
    user_id: RecordId,
    session: SessionDep,
    actor: ActorDep,
    active: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    user = service.get_user(session, actor, user_id, "user.manage")
    if len(reason.strip()) < 5:
        return _confirm(request, user, {"reason": "Give the reason (at least 5 characters)"})
    try:
        service.set_active(session, actor, user, active=active == "1", reason=reason.strip())
    except HarbourError as exc:
        request.state.rollback = True
        return _confirm(request, user, {"reason": exc.message}, reason)
    return RedirectResponse(f"/admin/users?done={user.username}", status_code=303)


def _email_page(
    request: Request, user: User, errors: dict[str, str], email: str | None
) -> Response:
    return render(
        request,
        "admin/email.html",
        {"user": user, "errors": errors, "email": email or ""},
        status_code=422 if errors else 200,
    )


@pages.get("/{user_id}/email")
def edit_email(
    request: Request, user_id: RecordId, session: SessionDep, actor: ActorDep
) -> Response:
    user = service.get_user(session, actor, user_id, "user.manage")
    return _email_page(request, user, {}, user.email)


@pages.post("/{user_id}/email")
def set_email(
    request: Request,
    user_id: RecordId,
    session: SessionDep,
    actor: ActorDep,
    email: Annotated[str, Form()] = "",
) -> Response:
    user = service.get_user(session, actor, user_id, "user.manage")
    try:
        service.set_email(session, actor, user, email)
    except HarbourError as exc:
        request.state.rollback = True
        return _email_page(request, user, exc.field_errors or {"email": exc.message}, email)
    return RedirectResponse(f"/admin/users?done={user.username}", status_code=303)
