"""Sign-in and sign-out, the account page with API tokens, and `GET /api/v1/me`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from harbour.actor import Actor
from harbour.auth import credentials, password_change, service
from harbour.auth.schemas import MeRead
from harbour.errors import HarbourError
from harbour.settings import get_settings
from harbour.web import (
    SESSION_COOKIE,
    RecordId,
    api_router,
    client_ip,
    current_actor,
    get_session,
    optional_actor,
    page_router,
    render,
    rotate_csrf,
    set_cookies,
)

pages = page_router()
api = api_router(prefix="/api/v1", tags=["account"])


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


def _signed_in(request: Request, token: str, target: str) -> Response:
    """Go on to `target` in the new sign-in session `token`, with a fresh CSRF secret."""
    rotate_csrf(request)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=get_settings().secure_cookies,
        path="/",
    )
    set_cookies(request, response)
    return response


@pages.get("/sign-in")
def sign_in_form(
    request: Request,
    actor: Annotated[Actor | None, Depends(optional_actor)],
    next: str | None = None,
) -> Response:
    if actor is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "auth/sign_in.html", {"next": _safe_next(next), "errors": {}})


@pages.post("/sign-in")
def sign_in(
    request: Request,
    session: Annotated[Session, Depends(get_session)],
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    errors: dict[str, str] = {}
    if not username.strip():
        errors["username"] = "Enter your username"
    if not password:
        errors["password"] = "Enter your password"  # noqa: S105
    if errors:
        return render(
            request,
            "auth/sign_in.html",
            {"next": _safe_next(next), "errors": errors, "username": username},
            status_code=422,
        )
    result = credentials.sign_in(
        session,
        username=username,
        password=password,
        ip=client_ip(request),
        user_agent=request.headers.get("user-agent"),
        request_id=getattr(request.state, "request_id", None),
    )
    if result.token is None:
        return render(
            request,
            "auth/sign_in.html",
            {
                "next": _safe_next(next),
                "errors": {"username": result.message or "Sign-in failed"},
                "username": username,
            },
            status_code=result.status_code,
        )
    return _signed_in(request, result.token, _safe_next(next))


@pages.post("/sign-out")
def sign_out(
    request: Request,
    session: Annotated[Session, Depends(get_session)],
    actor: Annotated[Actor, Depends(current_actor)],
) -> Response:
    credentials.sign_out(session, actor, request.cookies.get(SESSION_COOKIE))
    rotate_csrf(request)
    response = RedirectResponse("/sign-in?signed_out=1", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    set_cookies(request, response)
    return response


@pages.get("/account")
def account(
    request: Request,
    session: Annotated[Session, Depends(get_session)],
    actor: Annotated[Actor, Depends(current_actor)],
) -> Response:
    user = service.load_user(session, actor)
    tokens = credentials.list_tokens(session, actor, user)
    return render(request, "account/account.html", {"user": user, "tokens": tokens, "errors": {}})


def _password_page(request: Request, errors: dict[str, str], status_code: int = 200) -> Response:
    context = {"errors": errors, "password_min_length": get_settings().password_min_length}
    return render(request, "account/password.html", context, status_code=status_code)


@pages.get("/account/password")
def password_form(request: Request, actor: Annotated[Actor, Depends(current_actor)]) -> Response:
    return _password_page(request, {})


@pages.post("/account/password")
def change_password(
    request: Request,
    session: Annotated[Session, Depends(get_session)],
    actor: Annotated[Actor, Depends(current_actor)],
    current_password: Annotated[str, Form()] = "",
    new_password: Annotated[str, Form()] = "",
    confirm_password: Annotated[str, Form()] = "",
) -> Response:
    user = service.load_user(session, actor)
    result = password_change.change_password(
        session,
        actor,
        user,
        current=current_password,
        new=new_password,
        confirm=confirm_password,
        ip=client_ip(request),
        user_agent=request.headers.get("user-agent"),
    )
    if result.token is None:
        # Not rolled back: a wrong current password is kept, counted like a wrong sign-in.
        return _password_page(request, result.errors, result.status_code)
    return _signed_in(request, result.token, "/account?password_changed=1")


@pages.post("/account/tokens")
def create_token(
    request: Request,
    session: Annotated[Session, Depends(get_session)],
    actor: Annotated[Actor, Depends(current_actor)],
    name: Annotated[str, Form()] = "",
    days: Annotated[str, Form()] = "90",
) -> Response:
    user = service.load_user(session, actor)
    lifetime = {"30": 30, "90": 90, "365": 365}.get(days, 90)
    try:
        row, plain = credentials.create_token(session, actor, user, name=name, days=lifetime)
    except HarbourError as exc:
        request.state.rollback = True
        tokens = credentials.list_tokens(session, actor, user)
        return render(
            request,
            "account/account.html",
            {"user": user, "tokens": tokens, "errors": exc.field_errors, "name": name},
            status_code=exc.status_code,
        )
    tokens = credentials.list_tokens(session, actor, user)
    return render(
        request,
        "account/account.html",
        {"user": user, "tokens": tokens, "errors": {}, "new_token": plain, "new_row": row},
    )


@pages.post("/account/tokens/{token_id}/revoke")
def revoke_token(
    token_id: RecordId,
    session: Annotated[Session, Depends(get_session)],
    actor: Annotated[Actor, Depends(current_actor)],
) -> Response:
    user = service.load_user(session, actor)
    credentials.revoke_token(session, actor, user, token_id)
    return RedirectResponse("/account?revoked=1", status_code=303)


@api.get("/me", response_model=MeRead, summary="Who the token belongs to")
def me(
    session: Annotated[Session, Depends(get_session)],
    actor: Annotated[Actor, Depends(current_actor)],
) -> MeRead:
    user = service.load_user(session, actor)
    return MeRead.model_validate(user)
