"""Turn a request into an actor: a bearer token under /api, the session cookie elsewhere."""

from __future__ import annotations

from fastapi import Request
from sqlalchemy.orm import Session

from harbour.actor import Actor
from harbour.auth import credentials
from harbour.web import SESSION_COOKIE


def actor_from_request(request: Request, session: Session) -> Actor | None:
    """Return who is making the request, or None if nobody is signed in."""
    request_id = getattr(request.state, "request_id", None)
    if request.url.path.startswith("/api/"):
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return credentials.actor_from_api_token(session, token.strip(), request_id=request_id)
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    return credentials.actor_from_session_token(session, cookie, request_id=request_id)
