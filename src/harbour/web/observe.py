"""What every HTTP request leaves behind and every response carries: the request id, the
security headers, the request metrics and one log line.

A plain ASGI middleware rather than Starlette's `BaseHTTPMiddleware`, which runs the rest of the
application in a task of its own and passes the response through memory streams: on every
request that cost more than the headers and the log line themselves.
"""

from __future__ import annotations

import time
import uuid

import structlog
from prometheus_client import Counter, Histogram
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from harbour.settings import get_settings

log = structlog.get_logger("harbour.http")

REQUESTS = Counter(
    "harbour_http_requests_total", "HTTP requests handled", ["method", "route", "status"]
)
LATENCY = Histogram(
    "harbour_http_request_duration_seconds", "Time to answer an HTTP request", ["method", "route"]
)

HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

# Pages load only Harbour's own scripts, styles, fonts and images: no inline script, no eval.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)


def _defaults(path: str) -> list[tuple[str, str]]:
    """The headers a response to `path` gets unless it set them itself."""
    defaults = [
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "same-origin"),
    ]
    if get_settings().secure_cookies:  # served over HTTPS: browsers keep to it
        defaults.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    if path != "/api/docs":  # Swagger UI starts itself with an inline script
        defaults.append(("Content-Security-Policy", CONTENT_SECURITY_POLICY))
    if not path.startswith(("/static", "/assets")):
        defaults.append(("Cache-Control", "no-store"))
    return defaults


class Observe:
    """Give each request an id (the caller's X-Request-ID, or a new one), bound to its log lines;
    add the security headers; count and time it by route; log one line when it is answered."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = (Headers(scope=scope).get("x-request-id") or uuid.uuid4().hex)[:64]
        scope.setdefault("state", {})["request_id"] = request_id
        path: str = scope["path"]
        status = 0

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers["X-Request-ID"] = request_id
                for name, value in _defaults(path):
                    headers.setdefault(name, value)
            await send(message)

        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        try:
            await self.app(scope, receive, send_with_headers)
            elapsed = time.perf_counter() - started
            template = getattr(scope.get("route"), "path", "unmatched")
            # A made-up method would otherwise add a metric series of its own, without bound.
            method = scope["method"] if scope["method"] in HTTP_METHODS else "OTHER"
            REQUESTS.labels(method, template, str(status)).inc()
            LATENCY.labels(method, template).observe(elapsed)
            log.info(
                "request",
                method=scope["method"],
                path=path,
                status=status,
                duration_ms=round(elapsed * 1000, 1),
            )
        finally:
            structlog.contextvars.unbind_contextvars("request_id")
