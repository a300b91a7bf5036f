"""Harbour's errors. Services raise these; the web and API layers turn them into responses."""

from __future__ import annotations


class HarbourError(Exception):
    """A failure a person can understand, with the HTTP status it maps to."""

    status_code = 400
    title = "There is a problem"

    def __init__(self, message: str, *, field_errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}


class ValidationFailed(HarbourError):
    status_code = 422
    title = "Check the details you entered"


class NotAuthenticated(HarbourError):
    status_code = 401
    title = "Sign in to continue"


class Forbidden(HarbourError):
    status_code = 403
    title = "You cannot do this"


class NotFound(HarbourError):
    status_code = 404
    title = "Page not found"


class Conflict(HarbourError):
    status_code = 409
    title = "Someone else changed this record"


class JustificationRequired(HarbourError):
    status_code = 400
    title = "Give a reason for viewing this record"
