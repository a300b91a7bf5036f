"""The ASGI application: pages, the JSON API, health and metrics, logging and error pages."""

from __future__ import annotations

import hmac
import logging
import threading
from typing import Any
from urllib.parse import quote

import structlog
from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from starlette.exceptions import HTTPException as StarletteHTTPException

from harbour import __version__, db, startup, web
from harbour.access import service as access
from harbour.actor import Actor
from harbour.audit import routes as audit_routes
from harbour.auth.routes import admin as admin_routes
from harbour.auth.routes import pages as auth_routes
from harbour.auth.routes import resolve
from harbour.calls import second_reader
from harbour.calls.routes import api as triage_routes
from harbour.calls.routes import boards as call_boards
from harbour.calls.routes import pages as call_pages
from harbour.casefile import routes as casefile_routes
from harbour.episodes import routes as episode_routes
from harbour.errors import HarbourError, JustificationNeeded, NotAuthenticated
from harbour.exploitation import ledger_routes
from harbour.exploitation import routes as screening_routes
from harbour.home import pages as home_pages
from harbour.identity import routes as identity_routes
from harbour.measures import routes as measure_routes
from harbour.network import routes as network_routes
from harbour.partners import interview_routes, meeting_routes, referral_routes
from harbour.partners import routes as partner_routes
from harbour.people import routes as people_routes
from harbour.risk import routes as risk_routes
from harbour.settings import get_settings
from harbour.tasks import routes as task_routes
from harbour.web import observe, openapi

log = structlog.get_logger("harbour.http")

NAVIGATION: list[tuple[str, str, str | None]] = [
    ("Home", "/", None),
    ("Report missing", "/episodes/new", "episode.report"),
    ("Calls", "/calls", "call.record"),
    ("Reviews", "/reviews", "risk.review"),
    ("Unowned work", "/casework/unowned", "casework.unowned"),
    ("Workload", "/casework/workload", "casework.workload"),
    ("Tasks", "/tasks", "task.update"),
    ("People", "/people", "person.view"),
    ("Duplicates", "/identity/review", "person.merge"),
    ("Alerts", "/network/alerts", "network.view"),
    ("Measures", "/measures", "measures.view"),
    ("Referrals", "/referrals", "referral.view"),
    ("Meetings", "/meetings", "meeting.view"),
    ("Agreements", "/agreements", "agreement.view"),
    ("Audit", "/audit", "audit.view"),
    ("Users", "/admin/users", "user.manage"),
    ("Your account", "/account", None),
]


ROUTERS: tuple[APIRouter, ...] = (
    auth_routes.pages,
    auth_routes.api,
    admin_routes.pages,
    home_pages,
    people_routes.pages,
    casefile_routes.pages,  # after the people pages: /people/new is not a person's id
    *episode_routes.routers,
    screening_routes.pages,
    ledger_routes.pages,
    partner_routes.pages,
    interview_routes.pages,
    referral_routes.pages,
    meeting_routes.pages,
    task_routes.pages,
    identity_routes.pages,
    network_routes.pages,
    call_boards.pages,  # before the call pages: /calls/decided is not a call's id
    call_pages.pages,
    measure_routes.pages,
    people_routes.api,
    audit_routes.pages,
    audit_routes.api,
    risk_routes.api,
    triage_routes.api,
    identity_routes.api,
)


def route_table(app: FastAPI) -> list[tuple[str, str, APIRoute]]:
    """List every (method, path, route) the application answers, for tests and docs."""
    found: list[APIRoute] = [
        r for router in ROUTERS for r in router.routes if isinstance(r, APIRoute)
    ]
    found += [r for r in app.routes if isinstance(r, APIRoute)]
    return sorted(
        ((method, route.path, route) for route in found for method in route.methods or ()),
        key=lambda row: (row[1], row[0]),
    )


def configure_logging() -> None:
    """Send structured logs (JSON by default) with the request id bound to each line."""
    settings = get_settings()
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if settings.log_json
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelName(settings.log_level.upper())
        ),
    )


def _navigation(request: Request, actor: Actor | None) -> dict[str, Any]:
    path = request.url.path
    items = []
    if actor is not None:
        for label, href, action in NAVIGATION:
            if action is None or access.can(actor, action):
                current = path == href if href == "/" else path.startswith(href)
                items.append({"text": label, "href": href, "current": current})
    return {
        "max_failures": get_settings().login_max_failures,
        "lockout_minutes": get_settings().lockout_minutes,
        "navigation": items,
        "service_version": __version__,
        "can": lambda action: access.can(actor, action),
    }


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def _harbour_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HarbourError)
    if _wants_json(request):
        body: dict[str, Any] = {"detail": exc.message}
        if exc.field_errors:
            body["errors"] = exc.field_errors
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, NotAuthenticated) else None
        return JSONResponse(body, status_code=exc.status_code, headers=headers)
    if isinstance(exc, NotAuthenticated):
        target = request.url.path
        if request.url.query:
            target += "?" + request.url.query
        if request.headers.get("HX-Request"):
            return Response(status_code=401, headers={"HX-Redirect": "/sign-in"})
        return RedirectResponse(f"/sign-in?next={quote(target, safe='/')}", status_code=303)
    return web.render(
        request,
        "errors/error.html",
        {"title": exc.title, "message": exc.message, "status": exc.status_code},
        status_code=exc.status_code,
    )


def _allowed_methods(request: Request) -> str:
    # Starlette answers 405 from the first route whose path matches, so its Allow header names
    # only that route's methods; list every method any route serves at this path (RFC 9110).
    methods = {
        method
        for method, _, route in route_table(request.app)
        if route.path_regex.match(request.url.path)
    }
    return ", ".join(sorted(methods))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 405:
        exc.headers = {**(exc.headers or {}), "Allow": _allowed_methods(request)}
    if _wants_json(request):
        return JSONResponse(
            {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
        )
    if exc.status_code in (404, 405):
        title, message = "Page not found", "If you typed the web address, check it is correct."
    else:
        # A form the server will not read (a field over 1 MB, too many fields or files): a
        # person gets a page that says what to do, not the framework's JSON.
        title = "There is a problem with that request"
        message = (
            "Something you sent was too long or had too many parts, so nothing was saved. Go "
            "back, shorten the longest text (or attach the document as a file where the form "
            "allows) and try again."
        )
    return web.render(
        request,
        "errors/error.html",
        {"title": title, "message": message, "status": exc.status_code},
        status_code=exc.status_code,
        headers=exc.headers,
    )


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    if _wants_json(request):
        missing = [e for e in exc.errors() if e.get("type") == "missing"]
        if any(tuple(e.get("loc", ())) == ("header", "X-Justification") for e in missing):
            return JSONResponse(
                {
                    "detail": "Say why you are reading this personal data: send an X-Justification "
                    "header (5 to 500 characters). It is kept in the audit log."
                },
                status_code=400,
            )
        return JSONResponse(
            {"detail": "The request is not valid", "errors": jsonable_errors(exc)},
            status_code=422,
        )
    return web.render(
        request,
        "errors/error.html",
        {
            "title": "There is a problem with that request",
            "message": "Some of what was sent could not be read. Go back and try again.",
            "status": 400,
        },
        status_code=400,
    )


def jsonable_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [
        {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))}
        for e in exc.errors()
    ]


async def _server_error(request: Request, exc: Exception) -> Response:
    log.exception(
        "unhandled_error",
        path=request.url.path,
        request_id=getattr(request.state, "request_id", None),
    )
    if _wants_json(request):
        return JSONResponse({"detail": "Harbour could not complete the request"}, status_code=500)
    return web.render(
        request,
        "errors/error.html",
        {
            "title": "Sorry, there is a problem with Harbour",
            "message": "Try again later. If it keeps happening, call the service desk and "
            "give them the reference below.",
            "status": 500,
            "reference": getattr(request.state, "request_id", None),
        },
        status_code=500,
    )


def create_app() -> FastAPI:
    """Build the Harbour application."""
    configure_logging()
    settings = get_settings()  # refuse to start with unsafe production settings
    startup.start()
    if settings.env != "test":
        # Load the second call reader's model now (some seconds), not on the first call opened.
        threading.Thread(target=second_reader.current_reader, daemon=True).start()
    web.set_actor_resolver(resolve.actor_from_request)
    web.add_context_hook(_navigation)
    web.add_context_hook(task_routes.unread_hook)
    app = FastAPI(
        title="Harbour API",
        version=__version__,
        description=(
            "The JSON API of Harbour, the case-working platform of a Central Vulnerability Hub. "
            "Authenticate with a personal access token (`Authorization: Bearer hbr_...`), made on "
            "your account page. Reads of personal data need an `X-Justification` header, which "
            "is kept in the audit log."
        ),
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        # Refused as it arrives, before authentication: an anonymous 100 MB body is not read.
        max_body_size=get_settings().max_request_bytes,
    )
    app.add_exception_handler(HarbourError, _harbour_error)
    app.add_exception_handler(JustificationNeeded, audit_routes.justification_needed)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _server_error)

    vendor = web.STATIC_DIR / "vendor"
    app.mount("/static", StaticFiles(directory=web.STATIC_DIR, check_dir=False), name="static")
    app.mount(
        "/assets",
        StaticFiles(directory=vendor / "assets", check_dir=False),
        name="assets",
    )

    for router in ROUTERS:
        app.include_router(router)
    openapi.state_edge_rules(app)

    @app.get("/api/docs", include_in_schema=False)
    def api_docs() -> Response:
        # Served from this machine: Harbour's networks may not reach a public CDN.
        return get_swagger_ui_html(
            openapi_url="/api/v1/openapi.json",
            title="Harbour API",
            swagger_js_url="/static/vendor/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui.css",
            swagger_favicon_url="/assets/images/favicon.ico",
        )

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    def readyz() -> Response:
        try:
            with db.get_engine().connect() as connection:
                db.read_only(connection).execute(text("SELECT 1"))
        except Exception as exc:
            log.warning("not_ready", error=str(exc))
            return JSONResponse({"status": "unavailable", "database": "unreachable"}, 503)
        return JSONResponse({"status": "ok", "database": "ok"})

    @app.get("/metrics", include_in_schema=False)
    def metrics(request: Request) -> Response:
        settings = get_settings()
        token = settings.metrics_token.get_secret_value() if settings.metrics_token else None
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if token is not None:
            if not hmac.compare_digest(given.encode(), token.encode()):
                return PlainTextResponse("A metrics token is needed", status_code=401)
        elif settings.env == "production":
            # No token set: not served in production (set HARBOUR_METRICS_TOKEN to scrape it).
            return PlainTextResponse("Not found", status_code=404)
        return PlainTextResponse(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    app.add_middleware(observe.Observe)
    web.templates.env.auto_reload = get_settings().env == "development"

    return app
