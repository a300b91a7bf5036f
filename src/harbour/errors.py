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


class JustificationNeeded(HarbourError):
    """A page of personal data was opened before this sign-in said why it needs the record.

    Not a failure: the web layer answers with the page that asks for the reason
    (`audit.routes.justify_page`), which then sends the user on to `next_url`.
    """

    status_code = 200
    title = "Say why you need this record"

    def __init__(
        self,
        subject: str,
        subject_id: int,
        next_url: str,
        *,
        field_errors: dict[str, str] | None = None,
    ) -> None:
        super().__init__(self.title, field_errors=field_errors)
        self.subject = subject
        self.subject_id = subject_id
        self.next_url = next_url
