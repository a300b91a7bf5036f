"""The page of a person's addresses over time: the list (current first), adding an address, and
ending one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.errors import HarbourError
from harbour.people import addresses
from harbour.people import service as people
from harbour.people.pages import pages
from harbour.people.schemas import RESIDENCES, AddressAdd, AddressEnd
from harbour.web import (
    ActorDep,
    FormDep,
    RecordId,
    SessionDep,
    failure_status,
    form_failure,
    render,
)
from harbour.web.forms import Fields, form_number, form_version


def _page(
    request: Request,
    session: Session,
    actor: Actor,
    person_id: int,
    values: Mapping[str, Any] | None,
    errors: dict[str, str],
    *,
    failed: str = "",
    saved: str = "",
) -> Response:
    person = people.find_for_view(session, actor, person_id)
    here = f"/people/{person_id}/addresses"
    reason = audit.require_justification(session, actor, people.SUBJECT, person_id, here)
    if values is None:  # a page opened, not a form shown again
        people.view_person(session, actor, person_id, reason)
    context = {
        "person": person,
        "addresses": addresses.addresses_of(session, person),
        "photo": people.current_photo(session, person_id),
        "values": values or {},
        "version": str(person.version) if values is None else values.get("version", ""),
        "errors": errors,
        "failed": failed,  # which form the errors belong to: "add", or an address's key
        "saved": saved,
        "residences": RESIDENCES,
        "can_edit": people.can_update(actor, person),
    }
    status = failure_status(errors) if errors else 200
    return render(request, "people/addresses.html", context, status_code=status)


@pages.get("/{person_id}/addresses")
def addresses_page(
    request: Request,
    person_id: RecordId,
    session: SessionDep,
    actor: ActorDep,
    saved: str | None = None,
) -> Response:
    """Where the person has lived, from when to when, with their current address first."""
    done = saved if saved in ("added", "ended") else ""
    return _page(request, session, actor, person_id, None, {}, saved=done)


@pages.post("/{person_id}/addresses")
def add_address(
    request: Request, person_id: RecordId, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    people.find_for_update(session, actor, person_id)
    reason = audit.justification_for(session, actor.session_id, people.SUBJECT, person_id)
    fields = Fields(form)
    try:
        typed_number = form.get("place_id", "").strip()
        place_id = form_number(typed_number)
        if typed_number and place_id is None:
            fields.fail("place_id", "Enter the place's record number in figures, like 1234")
        data = fields.build(
            AddressAdd,
            version=form_version(form),
            place_id=place_id,
            type=form.get("type") or None,
            address=form.get("address", ""),
            postcode=form.get("postcode", ""),
            borough=form.get("borough", ""),
            from_on=fields.day("from_on", "The date they moved in"),
            to_on=fields.day("to_on", "The date they moved out"),
        )
        addresses.add_address(session, actor, person_id, data, reason)
    except HarbourError as exc:
        errors = form_failure(request, exc)
        return _page(request, session, actor, person_id, dict(form), errors, failed="add")
    return RedirectResponse(f"/people/{person_id}/addresses?saved=added", status_code=303)


@pages.post("/{person_id}/addresses/end")
def end_address(
    request: Request, person_id: RecordId, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    people.find_for_update(session, actor, person_id)
    reason = audit.justification_for(session, actor.session_id, people.SUBJECT, person_id)
    fields = Fields(form)
    key = form.get("address", "")
    try:
        data = fields.build(
            AddressEnd,
            version=form_version(form),
            address=key,
            to_on=fields.day("to_on", "The date they moved out"),
        )
        addresses.end_address(session, actor, person_id, data, reason)
    except HarbourError as exc:
        errors = form_failure(request, exc)
        return _page(request, session, actor, person_id, dict(form), errors, failed=key or "end")
    return RedirectResponse(f"/people/{person_id}/addresses?saved=ended", status_code=303)
