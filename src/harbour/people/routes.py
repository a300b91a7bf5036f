"""Pages and API for people: search, record, view (with a justification) and edit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Form, Header, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.errors import HarbourError
from harbour.people import address_routes, photo_routes, profile_routes, service
from harbour.people.models import CARE_BASES, ETHNICITIES, FLAGS, Person, Sex
from harbour.people.pages import pages as pages
from harbour.people.schemas import (
    CareUpdate,
    MarkersUpdate,
    PersonCreate,
    PersonPage,
    PersonRead,
    PersonUpdate,
)
from harbour.settings import get_settings
from harbour.validation import messages
from harbour.web import (
    ActorDep,
    FormDep,
    ListsDep,
    RecordId,
    SessionDep,
    api_router,
    failure_status,
    form_failure,
    page_number,
    render,
)
from harbour.web.forms import Fields, form_version

api = api_router(prefix="/api/v1/people", tags=["people"])
# The rest of the record's pages add themselves to `pages` as they are imported: addresses,
# photos, the Philomena and Herbert profiles.
PARTS = (address_routes, photo_routes, profile_routes)

Justification = Annotated[
    str,
    Header(
        alias="X-Justification",
        description="Why you are reading this personal data (logged in the audit trail)",
        min_length=5,
        max_length=500,
    ),
]


def _date_from(day: str, month: str, year: str) -> tuple[date | None, str | None]:
    parts = [p.strip() for p in (day, month, year)]
    if not any(parts):
        return None, None
    if not all(parts):
        return None, "Date of birth must include a day, month and year"
    try:
        return date(int(parts[2]), int(parts[1]), int(parts[0])), None
    except ValueError:
        return None, "Date of birth must be a real date"


def _form_values(
    given_name: str, family_name: str, day: str, month: str, year: str, sex: str
) -> tuple[dict[str, Any], dict[str, str]]:
    born, date_error = _date_from(day, month, year)
    values: dict[str, Any] = {
        "given_name": given_name,
        "family_name": family_name,
        "date_of_birth": born,
        "sex": sex if sex in Sex.__members__ else Sex.unknown.value,
    }
    return values, ({"date_of_birth": date_error} if date_error else {})


@dataclass
class PersonForm:
    """The fields of the person form, as posted."""

    given_name: Annotated[str, Form()] = ""
    family_name: Annotated[str, Form()] = ""
    dob_day: Annotated[str, Form()] = ""
    dob_month: Annotated[str, Form()] = ""
    dob_year: Annotated[str, Form()] = ""
    sex: Annotated[str, Form()] = "unknown"
    then: Annotated[str, Form()] = ""  # "report": go on to report this person missing
    # On the edit form only: one other name or phone number a line, and the two ethnicities.
    aliases: Annotated[str, Form()] = ""
    ethnicity: Annotated[str, Form()] = ""
    observed_ethnicity: Annotated[str, Form()] = ""
    phones: Annotated[str, Form()] = ""

    def extra(self) -> dict[str, Any]:
        """The edit form's further fields, as the update schema takes them."""
        return {
            "aliases": self.aliases.splitlines(),
            "ethnicity": self.ethnicity or None,
            "observed_ethnicity": self.observed_ethnicity or None,
            "phones": self.phones.splitlines(),
        }

    def read(self) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
        """Return the values to validate, the date parts as typed, and any date error."""
        values, errors = _form_values(
            self.given_name, self.family_name, self.dob_day, self.dob_month, self.dob_year, self.sex
        )
        raw = {"dob_day": self.dob_day, "dob_month": self.dob_month, "dob_year": self.dob_year}
        return values, raw, errors


def _named(errors: dict[str, str]) -> dict[str, str]:
    """File a whole-record error (no name given) against the first name field."""
    if "form" in errors:
        errors["given_name"] = errors.pop("form")
    return errors


def _form_context(
    values: dict[str, Any], raw: dict[str, str], errors: dict[str, str]
) -> dict[str, Any]:
    return {
        "values": {**values, **raw},
        "errors": errors,
        "sexes": list(Sex),
        "ethnicities": ETHNICITIES,
    }


@pages.get("")
def people_list(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    q: str | None = None,
    page: str | None = None,
) -> Response:
    number = page_number(page)
    per_page = get_settings().page_size
    rows, total = service.list_people(session, actor, query=q, page=number, per_page=per_page)
    return render(
        request,
        "people/list.html",
        {"people": rows, "total": total, "page": number, "per_page": per_page, "q": q or ""},
    )


@pages.get("/new")
def new_person_form(request: Request, actor: ActorDep, then: str | None = None) -> Response:
    service.check_can_create(actor)
    context = _form_context({}, {}, {}) | {"mode": "new", "then": then == "report"}
    return render(request, "people/form.html", context)


@pages.post("/new")
def create_person(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    form: Annotated[PersonForm, Depends()],
) -> Response:
    values, raw, errors = form.read()
    if not errors:
        try:
            person = service.create_person(session, actor, PersonCreate(**values))
        except ValidationError as exc:
            errors = _named(messages(exc))
        else:
            if form.then == "report":
                return RedirectResponse(f"/episodes/new/{person.id}", status_code=303)
            return RedirectResponse(f"/people/{person.id}?saved=1", status_code=303)
    request.state.rollback = True
    context = _form_context(values, raw, errors) | {"mode": "new", "then": form.then == "report"}
    return render(request, "people/form.html", context, status_code=422)


@pages.get("/{person_id}/edit")
def edit_person_form(
    request: Request, person_id: RecordId, session: SessionDep, actor: ActorDep
) -> Response:
    person = service.find_for_update(session, actor, person_id)
    reason = audit.require_justification(
        session, actor, service.SUBJECT, person_id, f"/people/{person_id}/edit"
    )
    service.view_person(session, actor, person_id, reason)
    values = {
        "given_name": person.given_name or "",
        "family_name": person.family_name or "",
        "sex": person.sex.value,
        "version": person.version,
        "aliases": "\n".join(person.aliases or []),
        "ethnicity": person.ethnicity or "",
        "observed_ethnicity": person.observed_ethnicity or "",
        "phones": "\n".join(service.phones_of(session, person.id)),
    }
    born = person.date_of_birth
    raw = {
        "dob_day": str(born.day) if born else "",
        "dob_month": str(born.month) if born else "",
        "dob_year": str(born.year) if born else "",
    }
    context = _form_context(values, raw, {}) | {"mode": "edit", "person": person}
    return render(request, "people/form.html", context)


@pages.post("/{person_id}/edit")
def update_person(
    request: Request,
    person_id: RecordId,
    session: SessionDep,
    actor: ActorDep,
    version: Annotated[int, Form()],
    form: Annotated[PersonForm, Depends()],
) -> Response:
    values, raw, errors = form.read()
    person = service.find_for_view(session, actor, person_id)
    reason = audit.justification_for(session, actor.session_id, service.SUBJECT, person_id)
    if not errors:
        try:
            data = PersonUpdate(**values, **form.extra(), version=version)
            service.update_person(session, actor, person_id, data, reason)
        except ValidationError as exc:
            errors = _named(messages(exc))
        except HarbourError as exc:
            if exc.status_code not in (409, 422):
                raise
            errors = exc.field_errors or {"conflict": exc.message}
        else:
            return RedirectResponse(f"/people/{person_id}?saved=1", status_code=303)
    request.state.rollback = True
    typed = {f: getattr(form, f) for f in ("aliases", "ethnicity", "observed_ethnicity", "phones")}
    context = _form_context(values | typed | {"version": version}, raw, errors) | {
        "mode": "edit",
        "person": person,
    }
    return render(
        request, "people/form.html", context, status_code=409 if "conflict" in errors else 422
    )


# -- warning markers and the looked-after status ---------------------------------------------

CARE_CHOICES = {"yes": True, "no": False, "unknown": None}


def _record_form(
    request: Request,
    session: Session,
    actor: Actor,
    person_id: int,
    template: str,
    values: dict[str, Any] | None,
    errors: dict[str, str],
) -> Response:
    """A form that changes part of a person's record, behind the record's justification."""
    person = service.find_for_update(session, actor, person_id)
    page = f"/people/{person_id}/{template}"
    reason = audit.require_justification(session, actor, service.SUBJECT, person_id, page)
    if values is None:
        service.view_person(session, actor, person_id, reason)
        values = _held(person, template) | {"version": str(person.version)}
    context = {
        "person": person,
        "values": values,
        "errors": errors,
        "flags": FLAGS,
        "bases": CARE_BASES,
    }
    status = failure_status(errors) if errors else 200
    return render(request, f"people/{template}.html", context, status_code=status)


def _held(person: Person, template: str) -> dict[str, Any]:
    if template == "markers":
        values: dict[str, Any] = {"marker": [m.code for m in person.markers]}
        for m in person.markers:
            if m.review_on:
                for part in ("day", "month", "year"):
                    values[f"review_{m.code}_{part}"] = str(getattr(m.review_on, part))
        return values
    looked_after = {True: "yes", False: "no", None: "unknown"}[person.looked_after]
    return {
        "looked_after": looked_after,
        "care_basis": person.care_basis.value if person.care_basis else "",
        "local_authority": person.local_authority or "",
        "social_worker_name": person.social_worker_name or "",
        "social_worker_phone": person.social_worker_phone or "",
        "social_worker_email": person.social_worker_email or "",
    }


@pages.get("/{person_id}/markers")
def markers_form(
    request: Request, person_id: RecordId, session: SessionDep, actor: ActorDep
) -> Response:
    return _record_form(request, session, actor, person_id, "markers", None, {})


@pages.post("/{person_id}/markers")
def save_markers(
    request: Request,
    person_id: RecordId,
    session: SessionDep,
    actor: ActorDep,
    form: FormDep,
    lists: ListsDep,
) -> Response:
    service.find_for_update(session, actor, person_id)
    reason = audit.justification_for(session, actor.session_id, service.SUBJECT, person_id)
    fields = Fields(form, lists)
    try:
        chosen = fields.choices("marker", FLAGS)
        reviews = {
            code: fields.day(f"review_{code}", f"The review date for {FLAGS[code].lower()}")
            for code in chosen
        }
        data = fields.build(MarkersUpdate, version=form_version(form), markers=reviews)
        service.update_markers(session, actor, person_id, data, reason)
    except HarbourError as exc:
        errors = form_failure(request, exc)
        values = dict(form) | {"marker": lists.get("marker", [])}
        return _record_form(request, session, actor, person_id, "markers", values, errors)
    return RedirectResponse(f"/people/{person_id}?saved=1", status_code=303)


@pages.get("/{person_id}/care")
def care_form(
    request: Request, person_id: RecordId, session: SessionDep, actor: ActorDep
) -> Response:
    return _record_form(request, session, actor, person_id, "care", None, {})


@pages.post("/{person_id}/care")
def save_care(
    request: Request, person_id: RecordId, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    service.find_for_update(session, actor, person_id)
    reason = audit.justification_for(session, actor.session_id, service.SUBJECT, person_id)
    fields = Fields(form)
    try:
        status = fields.choice("looked_after", "Whether they are looked after", CARE_CHOICES)
        data = fields.build(
            CareUpdate,
            version=form_version(form),
            looked_after=CARE_CHOICES.get(status or "unknown"),
            care_basis=(form.get("care_basis") or None) if status == "yes" else None,
            **{
                name: fields.text(name, label, limit=300)
                for name, label in (
                    ("local_authority", "The local authority"),
                    ("social_worker_name", "The social worker's name"),
                    ("social_worker_phone", "The social worker's phone"),
                    ("social_worker_email", "The social worker's email"),
                )
            },
        )
        service.update_care(session, actor, person_id, data, reason)
    except HarbourError as exc:
        errors = form_failure(request, exc)
        return _record_form(request, session, actor, person_id, "care", dict(form), errors)
    return RedirectResponse(f"/people/{person_id}?saved=1", status_code=303)


# -- JSON API ---------------------------------------------------------------------------------


@api.get("", response_model=PersonPage, summary="Search the people you may see")
def api_list(
    session: SessionDep,
    actor: ActorDep,
    justification: Justification,
    q: Annotated[str | None, Query(max_length=200)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 25,
) -> PersonPage:
    rows, total = service.list_people(
        session, actor, query=q, page=page, per_page=per_page, justification=justification
    )
    return PersonPage(
        items=[PersonRead.model_validate(p) for p in rows],
        total=total,
        page=page,
        per_page=per_page,
    )


@api.post("", response_model=PersonRead, status_code=201, summary="Record a person")
def api_create(session: SessionDep, actor: ActorDep, data: PersonCreate) -> PersonRead:
    return PersonRead.model_validate(service.create_person(session, actor, data))


@api.get("/{person_id}", response_model=PersonRead, summary="Read one person's record")
def api_read(
    person_id: RecordId, session: SessionDep, actor: ActorDep, justification: Justification
) -> PersonRead:
    # The API's person is identity only, which every information-sharing agreement shares.
    person = service.view_person(session, actor, person_id, justification, shared=True)
    return PersonRead.model_validate(person)


@api.patch(
    "/{person_id}",
    response_model=PersonRead,
    summary="Change a person's details (send the version you read; 409 if it moved on)",
)
def api_update(
    person_id: RecordId,
    data: PersonUpdate,
    session: SessionDep,
    actor: ActorDep,
    justification: Justification,
) -> PersonRead:
    return PersonRead.model_validate(
        service.update_person(session, actor, person_id, data, justification)
    )
