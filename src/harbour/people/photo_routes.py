"""Pages of a person's photographs: the list with the upload form, and each photograph itself
(never cached, and only for a sign-in that gave its reason for the record)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.errors import HarbourError
from harbour.people import photos
from harbour.people import service as people
from harbour.people.pages import pages
from harbour.web import (
    ActorDep,
    FilesDep,
    FormDep,
    RecordId,
    SessionDep,
    failure_status,
    form_failure,
    render,
)
from harbour.web.forms import Fields, form_version


def _page(
    request: Request,
    session: Session,
    actor: Actor,
    person_id: int,
    values: Mapping[str, Any] | None,
    errors: dict[str, str],
    saved: bool = False,
) -> Response:
    person = people.find_for_view(session, actor, person_id)
    here = f"/people/{person_id}/photos"
    reason = audit.require_justification(session, actor, people.SUBJECT, person_id, here)
    if values is None:  # a page opened, not a form shown again
        people.view_person(session, actor, person_id, reason)
    held = photos.photos_of(session, person_id)
    context = {
        "person": person,
        "photos": held,
        "photo": held[0] if held else None,
        "values": values or {"version": str(person.version)},
        "errors": errors,
        "saved": saved,
        "can_edit": people.can_update(actor, person),
        "limit_mb": photos.PHOTO_MAX_BYTES // (1024 * 1024),
    }
    status = failure_status(errors) if errors else 200
    return render(request, "people/photos.html", context, status_code=status)


@pages.get("/{person_id}/photos")
def photos_page(
    request: Request,
    person_id: RecordId,
    session: SessionDep,
    actor: ActorDep,
    saved: str | None = None,
) -> Response:
    """The person's photographs, newest (the current photo) first, and the upload form."""
    return _page(request, session, actor, person_id, None, {}, bool(saved))


@pages.post("/{person_id}/photos")
def add_photo(
    request: Request,
    person_id: RecordId,
    session: SessionDep,
    actor: ActorDep,
    form: FormDep,
    files: FilesDep,
) -> Response:
    people.find_for_update(session, actor, person_id)
    reason = audit.justification_for(session, actor.session_id, people.SUBJECT, person_id)
    fields = Fields(form)
    try:
        description = fields.text("description", "The description", limit=200)
        taken_on = fields.day("taken_on", "The date it was taken")
        fields.check("Check the photograph")
        photos.add_photo(
            session,
            actor,
            person_id,
            files.get("photo", b""),
            description=description,
            taken_on=taken_on,
            version=form_version(form),
            justification=reason,
        )
    except HarbourError as exc:
        errors = form_failure(request, exc)
        return _page(request, session, actor, person_id, dict(form), errors)
    return RedirectResponse(f"/people/{person_id}/photos?saved=1", status_code=303)


@pages.get("/{person_id}/photos/{person_photo_id}")
def show_photo(
    person_id: RecordId, person_photo_id: RecordId, session: SessionDep, actor: ActorDep
) -> Response:
    """The photograph itself, for pages that already asked why the record is being viewed."""
    found = photos.view_photo(session, actor, person_id, person_photo_id)
    return Response(
        found.data,
        media_type=found.content_type,
        headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"},
    )
