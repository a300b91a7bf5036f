"""Pages of a person's Philomena and Herbert profiles: each shown, and changed on one form with
its review (and, for Herbert, its consent or best-interests record).

Like every page of a person's record, each asks this sign-in why it needs the record first; a
save is audited with that reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.errors import HarbourError
from harbour.people import profiles
from harbour.people import service as people
from harbour.people.pages import pages
from harbour.people.photos import current_photo, photos_of
from harbour.people.profile_schemas import CONSENT, LABELS, HerbertUpdate, PhilomenaUpdate
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

# The form's questions, in order: (field, label, hint, one a line).
QUESTIONS: dict[str, list[tuple[str, str, str, bool]]] = {
    "philomena": [
        (
            "description",
            "Description",
            "Height, build, hair, skin, marks or tattoos, glasses: anything that would help "
            "someone recognise them",
            False,
        ),
        (
            "associates",
            "Friends and associates",
            "One a line: their name, how the child knows them, and how to reach them",
            True,
        ),
        ("phones", "Phones they use", "One number a line", True),
        (
            "social_media",
            "Social media",
            "One account a line: the app and the name on it, for example Snapchat: mira_22",
            True,
        ),
        (
            "medical_needs",
            "Medical needs and medication",
            "Conditions, medication and what happens without it, allergies",
            False,
        ),
        (
            "places_they_may_go",
            "Places the child may go",
            "One a line: addresses, areas, shops, stations, friends' homes",
            True,
        ),
        (
            "agreed_search_steps",
            "Pre-agreed search steps",
            "One a line, in the order the carers agreed to take them before calling the police",
            True,
        ),
    ],
    "herbert": [
        (
            "description",
            "Description",
            "Height, build, hair, marks, glasses, walking aids, what they usually wear",
            False,
        ),
        (
            "routines",
            "Routines and habits",
            "Their day, habits, former jobs, places they used to live or work",
            False,
        ),
        (
            "medical_needs",
            "Medical needs and medication",
            "Conditions, medication and what happens without it, mobility",
            False,
        ),
        (
            "places_they_may_go",
            "Places they may go",
            "One a line: former homes, workplaces, bus routes, shops, places of worship",
            True,
        ),
        (
            "contacts",
            "Family, carers and other contacts",
            "One a line: name, relationship and phone",
            True,
        ),
    ],
}
TITLES = {"philomena": "Philomena profile", "herbert": "Herbert profile"}
DATES = ("completed_on", "next_review_on", "consent_on")


def _typed(profile: profiles.Profile | None) -> dict[str, Any]:
    """A held profile as the form shows it: lists one a line, dates in their three parts."""
    if profile is None:
        return {}
    values: dict[str, Any] = {}
    for name, value in profile.content().items():
        if isinstance(value, list):
            values[name] = "\n".join(value)
        elif isinstance(value, date):
            values |= _parts(name, value)
        else:
            values[name] = "" if value is None else str(value)
    return values  # the next review is set only with a review, so it starts blank


def _parts(name: str, day: date) -> dict[str, str]:
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


def _form(
    request: Request,
    session: Session,
    actor: Actor,
    person_id: int,
    kind: str,
    values: Mapping[str, Any] | None,
    errors: dict[str, str],
) -> Response:
    """The profile's form, behind the record's justification."""
    person = people.find_for_update(session, actor, person_id)
    page = f"/people/{person_id}/{kind}/edit"
    reason = audit.require_justification(session, actor, people.SUBJECT, person_id, page)
    held = profiles.profile_of(person, kind)
    if values is None:
        people.view_person(session, actor, person_id, reason)
        values = _typed(held) | {"version": str(person.version)}
    context = {
        "person": person,
        "kind": kind,
        "title": TITLES[kind],
        "held": held,
        "questions": QUESTIONS[kind],
        "values": values,
        "errors": errors,
        "photos": photos_of(session, person.id),
        "photo": current_photo(session, person.id),
        "consents": CONSENT,
        "labels": LABELS,
    }
    status = failure_status(errors) if errors else 200
    return render(request, "people/profile_form.html", context, status_code=status)


def _save(
    request: Request,
    session: Session,
    actor: Actor,
    person_id: int,
    kind: str,
    form: Mapping[str, str],
) -> Response:
    people.find_for_update(session, actor, person_id)
    reason = audit.justification_for(session, actor.session_id, people.SUBJECT, person_id)
    fields = Fields(form)
    try:
        days = {name: fields.day(name, LABELS[name]) for name in DATES}
        answers: dict[str, Any] = {name: form.get(name, "") for name, *_ in QUESTIONS[kind]}
        common = {
            "version": form_version(form),
            "completed_on": days["completed_on"],
            "photo_id": form_number(form.get("photo_id")),
            "reviewed": form.get("reviewed") == "yes",
            "next_review_on": days["next_review_on"],
        }
        if kind == "philomena":
            philomena = fields.build(PhilomenaUpdate, **common, **answers)
            profiles.update_philomena(session, actor, person_id, philomena, reason)
        else:
            consent = {
                "consent": form.get("consent") or None,
                "consent_by": form.get("consent_by", ""),
                "consent_on": days["consent_on"],
                "consent_basis": form.get("consent_basis", ""),
            }
            herbert = fields.build(HerbertUpdate, **common, **answers, **consent)
            profiles.update_herbert(session, actor, person_id, herbert, reason)
    except HarbourError as exc:
        errors = form_failure(request, exc)
        return _form(request, session, actor, person_id, kind, dict(form), errors)
    return RedirectResponse(f"/people/{person_id}/{kind}?saved=1", status_code=303)


def _page(
    request: Request, session: Session, actor: Actor, person_id: int, kind: str, saved: bool
) -> Response:
    people.find_for_view(session, actor, person_id)
    here = f"/people/{person_id}/{kind}"
    reason = audit.require_justification(session, actor, people.SUBJECT, person_id, here)
    context = profiles.profile_page(session, actor, person_id, kind, reason)
    extra = {"title": TITLES[kind], "labels": LABELS, "consents": CONSENT, "saved": saved}
    return render(request, "people/profile.html", context | extra)


@pages.get("/{person_id}/philomena")
def philomena_page(
    request: Request,
    person_id: RecordId,
    session: SessionDep,
    actor: ActorDep,
    saved: str | None = None,
) -> Response:
    """A child's Philomena profile: part 1, completed in advance, and its review."""
    return _page(request, session, actor, person_id, "philomena", bool(saved))


@pages.get("/{person_id}/philomena/edit")
def philomena_form(
    request: Request, person_id: RecordId, session: SessionDep, actor: ActorDep
) -> Response:
    return _form(request, session, actor, person_id, "philomena", None, {})


@pages.post("/{person_id}/philomena/edit")
def save_philomena(
    request: Request, person_id: RecordId, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    return _save(request, session, actor, person_id, "philomena", form)


@pages.get("/{person_id}/herbert")
def herbert_page(
    request: Request,
    person_id: RecordId,
    session: SessionDep,
    actor: ActorDep,
    saved: str | None = None,
) -> Response:
    """A Herbert profile: for a person living with dementia, with its consent record."""
    return _page(request, session, actor, person_id, "herbert", bool(saved))


@pages.get("/{person_id}/herbert/edit")
def herbert_form(
    request: Request, person_id: RecordId, session: SessionDep, actor: ActorDep
) -> Response:
    return _form(request, session, actor, person_id, "herbert", None, {})


@pages.post("/{person_id}/herbert/edit")
def save_herbert(
    request: Request, person_id: RecordId, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    return _save(request, session, actor, person_id, "herbert", form)
