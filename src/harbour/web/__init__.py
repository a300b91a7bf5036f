"""Web plumbing shared by every page and API route: the unit of work, the actor, CSRF, templates.

Routes stay thin: they declare `session` and `actor` dependencies, call one service function and
render. The unit of work commits after the handler succeeds and before the response is sent, so a
failed commit is never reported as a success.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable, Coroutine, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import unquote

import anyio
import structlog
from anyio.lowlevel import RunVar
from fastapi import APIRouter, Depends, Request, Response
from fastapi import Path as PathParam
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import ClientDisconnect

from harbour import clock, db, timefmt
from harbour.actor import Actor
from harbour.errors import Conflict, Forbidden, HarbourError, NotAuthenticated, ValidationFailed
from harbour.settings import get_settings
from harbour.validation import LARGEST_ID

# Record ids in paths: positive and within a 32-bit integer column on every database.
RecordId = Annotated[int, PathParam(ge=1, le=LARGEST_ID, description="The record's id")]

TEMPLATES_DIR = Path(__file__).parent.parent / "templates"
STATIC_DIR = Path(__file__).parent.parent / "static"
CSRF_COOKIE = "harbour_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SESSION_COOKIE = "harbour_session"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
templates.env.filters["local_time"] = timefmt.absolute
templates.env.filters["ago"] = timefmt.relative
templates.env.filters["when"] = timefmt.both
templates.env.filters["local_iso"] = timefmt.absolute_iso
templates.env.globals["age"] = timefmt.age
templates.env.globals["now"] = clock.now


# -- the unit of work -------------------------------------------------------------------------


def _finish(request: Request, *, commit: bool) -> None:
    session: Session | None = getattr(request.state, "db", None)
    if session is None:
        return
    try:
        if commit:
            session.commit()
        else:
            session.rollback()
    except StaleDataError as exc:
        session.rollback()
        raise Conflict(
            "Someone else saved a change to this record while you were working on it. "
            "Reload the page to see their change, then make yours again."
        ) from exc
    finally:
        session.close()
        request.state.db = None


_log = structlog.get_logger("harbour.web")
_units_of_work: RunVar[anyio.CapacityLimiter] = RunVar("harbour_units_of_work")


def _units_of_work_limiter() -> anyio.CapacityLimiter:
    # One per event loop (a RunVar, as AnyIO keeps its own thread limiter): the tests run many.
    try:
        return _units_of_work.get()
    except LookupError:
        limiter = anyio.CapacityLimiter(get_settings().database_pool_size)
        _units_of_work.set(limiter)
        return limiter


# What a request whose client has gone is answered with (nobody reads it): nginx's 499.
CLIENT_GONE = 499


async def client_gone(request: Request) -> bool:
    """Whether the client has closed the connection. The body is read first (and kept for the
    handler), so that asking never takes a message the handler needs."""
    try:
        await request.body()
    except ClientDisconnect:
        return True
    return await request.is_disconnected()


class UnitOfWorkRoute(APIRoute):
    """A route whose database work commits once, after the handler returns, before responding.

    At most `database_pool_size` requests run their unit of work at once; the rest wait here,
    holding neither a thread nor a connection. Without the bound, more requests than pooled
    connections froze the process: their threads (AnyIO lends 40) waited for a connection while
    the requests holding the connections waited for a thread, until the pool's 30-second timeout
    failed them all (issue 16, finding 20). A request whose client has gone while it waited is
    dropped before its unit of work starts: under a burst, the work nobody will read is not done.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def run(request: Request) -> Response:
            async with _units_of_work_limiter():
                if await client_gone(request):
                    _log.info("client_gone", method=request.method, path=request.url.path)
                    return Response(status_code=CLIENT_GONE)
                try:
                    response = await handler(request)
                except BaseException:
                    # Shielded: when the client goes away, the request is cancelled, and an
                    # unshielded await here would be cancelled too, leaving the session open
                    # (on SQLite, holding the write lock until it is garbage-collected).
                    with anyio.CancelScope(shield=True):
                        await run_in_threadpool(_finish, request, commit=False)
                    raise
                rollback = getattr(request.state, "rollback", False)
                await run_in_threadpool(_finish, request, commit=not rollback)
                return response

        return run


def get_session(request: Request) -> Session:
    """Give the request its one session (committed by `UnitOfWorkRoute`). A GET reads (on SQLite
    without the write lock until it first writes, see `db.reading`); anything else writes."""
    session: Session | None = getattr(request.state, "db", None)
    if session is None:
        reads = request.method in READING_METHODS
        session = db.reading() if reads else db.session_factory()()
        request.state.db = session
    return session


@contextmanager
def request_session(request: Request) -> Iterator[Session]:
    """The request's unit of work while it is open; once it has ended (an error page rendered
    after a rollback), a short session of its own that is closed at once. What renders after the
    unit of work (error pages, template hooks) must never open a session that outlives the
    response: on SQLite, one left open holds the write lock and every other user's save waits."""
    session: Session | None = getattr(request.state, "db", None)
    if session is not None:
        yield session
        return
    short = db.reading()
    try:
        yield short
    finally:
        short.close()


# -- who is acting ----------------------------------------------------------------------------

ActorResolver = Callable[[Request, Session], Actor | None]
_resolver: ActorResolver | None = None


def set_actor_resolver(resolver: ActorResolver) -> None:
    """Install the function that turns a request into an actor (the auth layer provides it)."""
    global _resolver
    _resolver = resolver


def optional_actor(request: Request, session: Session = Depends(get_session)) -> Actor | None:
    """Return the signed-in actor, or None for an anonymous request."""
    if hasattr(request.state, "actor"):
        cached: Actor | None = request.state.actor
        return cached
    actor = _resolver(request, session) if _resolver else None
    request.state.actor = actor
    return actor


def current_actor(actor: Actor | None = Depends(optional_actor)) -> Actor:
    """Return the signed-in actor or refuse the request."""
    if actor is None:
        raise NotAuthenticated("Sign in to use Harbour.")
    return actor


# -- CSRF: a signed double-submit token, bound to the sign-in session --------------------------


def _sign(value: str, session_token: str) -> str:
    # The token covers the browser's CSRF secret and its session cookie, so a token taken from
    # one sign-in (or from before signing in) is refused for any other, even if an attacker
    # manages to plant the CSRF cookie it was made with (OWASP's "signed double-submit cookie").
    key = get_settings().secret_key.encode()
    message = f"csrf:{value}:session:{session_token}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def csrf_cookie_value(request: Request) -> str:
    """Return this browser's CSRF secret, creating one for the response to set if missing."""
    value: str | None = getattr(request.state, "csrf_secret", None)
    if value:
        return value
    value = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
    request.state.csrf_secret = value
    return value


def csrf_token(request: Request) -> str:
    """Return the token that forms and HTMX requests must send back."""
    return _sign(csrf_cookie_value(request), request.cookies.get(SESSION_COOKIE, ""))


def rotate_csrf(request: Request) -> None:
    """Give the browser a new CSRF secret (after sign-in and sign-out)."""
    request.state.csrf_secret = secrets.token_urlsafe(32)


def csrf_ok(request: Request, submitted: str | None) -> bool:
    """Check a submitted token against the browser's CSRF cookie and its sign-in session."""
    cookie = request.cookies.get(CSRF_COOKIE)
    if not cookie or not submitted:
        return False
    expected = _sign(cookie, request.cookies.get(SESSION_COOKIE, ""))
    return hmac.compare_digest(expected.encode(), submitted.encode())


async def csrf_protect(request: Request) -> None:
    """Refuse an unsafe request that does not carry this browser's CSRF token."""
    if request.method not in UNSAFE_METHODS:
        return
    submitted = request.headers.get(CSRF_HEADER)
    if submitted is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            submitted = value if isinstance(value, str) else None
    if not csrf_ok(request, submitted):
        raise Forbidden(
            "This form has expired or did not come from Harbour. Go back, reload the page "
            "and try again."
        )


def set_cookies(request: Request, response: Response) -> None:
    """Write the CSRF cookie (if new or rotated) onto a response."""
    secret = getattr(request.state, "csrf_secret", None)
    if secret and secret != request.cookies.get(CSRF_COOKIE):
        response.set_cookie(
            CSRF_COOKIE,
            secret,
            httponly=True,
            samesite="lax",
            secure=get_settings().secure_cookies,
            path="/",
        )


# -- rendering --------------------------------------------------------------------------------

ContextHook = Callable[[Request, Actor | None], dict[str, Any]]
_context_hooks: list[ContextHook] = []


def add_context_hook(hook: ContextHook) -> None:
    """Add a function whose result is merged into every page's template context."""
    if hook not in _context_hooks:
        _context_hooks.append(hook)


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """Render a page or partial with the actor, navigation and CSRF token available."""
    actor: Actor | None = getattr(request.state, "actor", None)
    values: dict[str, Any] = {"actor": actor, "csrf_token": csrf_token(request)}
    for hook in _context_hooks:
        values.update(hook(request, actor))
    values.update(context or {})
    response = templates.TemplateResponse(
        request, template, values, status_code=status_code, headers=headers
    )
    set_cookies(request, response)
    return response


def page_number(value: str | int | None) -> int:
    """Read a page number from a query string, treating anything odd as page 1."""
    try:
        number = int(value) if value is not None else 1
    except (TypeError, ValueError):
        return 1
    return max(1, min(number, 100_000))


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# JSON's escape for NUL, "\u0000", but not the text "\\u0000" (an escaped backslash, then
# "u0000"): the escape is preceded by an even number of backslashes.
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)


async def refuse_nul_characters(request: Request) -> None:
    """Refuse text with NUL characters, which no database column can hold, with a clear 422."""
    found = "\x00" in unquote(request.url.query)
    if not found and request.method in UNSAFE_METHODS:
        if request.headers.get("content-type", "").startswith(_FORM_TYPES):
            form = await request.form()  # parsed once and cached for the route
            found = any(isinstance(v, str) and "\x00" in v for v in form.values())
        else:
            body = await request.body()
            found = b"\x00" in body or _JSON_NUL.search(body) is not None
    if found:
        raise ValidationFailed(
            "The request contains a NUL character (code 0), which Harbour cannot store. "
            "Remove it and send the request again."
        )


def page_router(**kwargs: Any) -> APIRouter:
    """Return a router for browser pages: one unit of work per request, CSRF on unsafe methods."""
    return APIRouter(
        route_class=UnitOfWorkRoute,
        dependencies=[Depends(refuse_nul_characters), Depends(csrf_protect)],
        include_in_schema=False,
        **kwargs,
    )


class ErrorBody(BaseModel):
    """What every API error answers: a sentence a person can act on, and per-field messages."""

    detail: str
    errors: dict[str, str] | list[dict[str, Any]] | None = None


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


API_ERRORS: dict[int | str, dict[str, Any]] = {
    400: _error("The request could not be read, or reading personal data lacked X-Justification"),
    401: _error("No valid personal access token was sent"),
    403: _error("Your role may not do this"),
    404: _error("No such record, or not one you may see"),
    409: _error("Someone else changed the record first, or the value is taken"),
    422: _error("The data sent is not valid"),
}


def api_router(**kwargs: Any) -> APIRouter:
    """Return a router for the JSON API under /api/v1 (bearer tokens, so no CSRF)."""
    return APIRouter(
        route_class=UnitOfWorkRoute,
        responses=API_ERRORS,
        dependencies=[Depends(refuse_nul_characters)],
        **kwargs,
    )


async def form_data(request: Request) -> dict[str, str]:
    """Return a posted form's text fields (the last value of each; see `form_lists` for lists)."""
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


UPLOAD_LIMIT = 10 * 1024 * 1024  # read no more of one uploaded file than this


async def form_files(request: Request) -> dict[str, bytes]:
    """Return the uploaded files of a multipart form by field name (empty ones left out); a
    file larger than UPLOAD_LIMIT is cut there, so the caller's size check still refuses it."""
    form = await request.form()
    files: dict[str, bytes] = {}
    for key, value in form.multi_items():
        if isinstance(value, UploadFile) and value.filename:
            content = await value.read(UPLOAD_LIMIT + 1)
            if content:
                files[key] = content
    return files


async def form_lists(request: Request) -> dict[str, list[str]]:
    """Return every value of each posted field, for checkbox groups."""
    form = await request.form()
    return {key: [v for v in form.getlist(key) if isinstance(v, str)] for key in form}


def client_ip(request: Request) -> str:
    """Return the client's address (the proxy's X-Forwarded-For is trusted via uvicorn)."""
    return request.client.host if request.client else "unknown"


def form_failure(request: Request, exc: HarbourError) -> dict[str, str]:
    """For a form page: roll the request back and return the messages to show again.

    Only "check what you entered" (422) and "someone saved first" (409) are shown on the form;
    anything else is raised on to the error pages.
    """
    if exc.status_code not in (409, 422):
        raise exc
    request.state.rollback = True
    return exc.field_errors or {"form": exc.message}


def failure_status(errors: dict[str, str]) -> int:
    """409 when the only problem is that someone saved first, else 422."""
    return 409 if "form" in errors and len(errors) == 1 else 422


# What a handler asks for, named once: `def page(session: SessionDep, actor: ActorDep)`.
SessionDep = Annotated[Session, Depends(get_session)]
ActorDep = Annotated[Actor, Depends(current_actor)]
FormDep = Annotated[dict[str, str], Depends(form_data)]
ListsDep = Annotated[dict[str, list[str]], Depends(form_lists)]
FilesDep = Annotated[dict[str, bytes], Depends(form_files)]
