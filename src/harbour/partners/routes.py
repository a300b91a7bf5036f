"""Pages of information-sharing agreements (draw up, read, name cases, suspend, resume, end) and
the photo a partner's agreement shares."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from harbour.access import agreements
from harbour.access import service as access
from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.auth.models import Organisation
from harbour.errors import HarbourError
from harbour.partners import exports, service
from harbour.partners.schemas import AgreementInput, ChangeInput, NamedCaseInput, ReviewInput
from harbour.people import service as people
from harbour.web import (
    ActorDep,
    FormDep,
    ListsDep,
    RecordId,
    SessionDep,
    failure_status,
    form_failure,
    page_router,
    render,
)
from harbour.web.forms import Fields, form_number, form_version

pages = page_router()

SAVED = {
    "created": "Agreement drawn up. It is in force from its start day.",
    "case": "Person named on the agreement.",
    "removed": "Person removed from the agreement.",
    "suspend": "Agreement suspended: the partner sees nothing under it from now on.",
    "resume": "Agreement resumed.",
    "end": "Agreement ended: the partner sees nothing under it from now on.",
    "reviewed": "Review recorded, with the next review day.",
}
CHANGES = {
    "suspend": "Suspend the agreement",
    "resume": "Resume the agreement",
    "end": "End the agreement now",
}


def _url(agreement_id: int) -> str:
    return f"/agreements/{agreement_id}"


@pages.get("/agreements")
def agreement_list(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """Every agreement with its partner, its status today and who it covers."""
    rows = service.list_agreements(session, actor)
    names = service.organisation_names(session)
    return render(
        request,
        "partners/agreements.html",
        {
            "agreements": rows,
            "names": names,
            "today": agreements.today(),
            "counts": {a.id: service.covered_count(session, a) for a in rows},
        },
    )


def _form(
    request: Request,
    session: Session,
    actor: Actor,
    values: dict[str, Any],
    lists: dict[str, list[str]],
    errors: dict[str, str],
) -> Response:
    access.require(actor, "agreement.manage")
    context = {
        "values": values,
        "lists": lists,
        "errors": errors,
        "partners": {
            str(o.id): f"{o.name} ({o.kind.label})" for o in service.partner_organisations(session)
        },
        "conditions": {c.value: label for c, label in agreements.CONDITIONS.items()},
        "covers": agreements.COVERS,
        "fields": {k: v for k, v in agreements.FIELDS.items() if k != agreements.IDENTITY},
        "regime": agreements.FORCE_REGIME,
    }
    status = failure_status(errors) if errors else 200
    return render(request, "partners/agreement_form.html", context, status_code=status)


@pages.get("/agreements/new")
def new_agreement(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    return _form(request, session, actor, {}, {}, {})


@pages.post("/agreements/new")
def create_agreement(
    request: Request, session: SessionDep, actor: ActorDep, form: FormDep, lists: ListsDep
) -> Response:
    access.require(actor, "agreement.manage")
    fields = Fields(form, lists)
    try:
        data = fields.build(
            AgreementInput,
            reference=fields.text("reference", "The reference", limit=40),
            title=fields.text("title", "The title", limit=200),
            partner_id=form_number(form.get("partner_id")),
            purpose=fields.text("purpose", "The purpose", limit=5000),
            condition=form.get("condition") or None,
            area=fields.text("area", "The area", limit=100),
            covers=fields.choices("covers", agreements.COVERS),
            fields=fields.choices("fields", agreements.FIELDS),
            starts_on=fields.day("starts_on", "The start day"),
            review_on=fields.day("review_on", "The review day"),
            ends_on=fields.day("ends_on", "The end day"),
        )
        agreement = service.create_agreement(session, actor, data)
    except HarbourError as exc:
        errors = form_failure(request, exc)
        return _form(request, session, actor, dict(form), dict(lists), errors)
    return RedirectResponse(f"{_url(agreement.id)}?saved=created", status_code=303)


def _page(
    request: Request,
    session: Session,
    actor: Actor,
    agreement_id: int,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    agreement = service.get_agreement(session, actor, agreement_id)
    errors = errors or {}
    context = {
        "agreement": agreement,
        "partner": session.get(Organisation, agreement.partner_id),
        "force": session.get(Organisation, agreement.force_id),
        "fields": service.fields_of(session, agreement.id),
        "labels": agreements.FIELDS,
        "covers": agreements.COVERS,
        "cases": service.named_cases(session, agreement.id),
        "count": service.covered_count(session, agreement),
        "status": agreement.status(agreements.today()),
        "today": agreements.today(),
        "regime": agreements.FORCE_REGIME,
        "changes": CHANGES,
        "can_manage": access.can(actor, "agreement.manage"),
        "values": values or {},
        "errors": errors,
        "saved": None if errors else SAVED.get(request.query_params.get("saved", "")),
    }
    status = failure_status(errors) if errors else 200
    return render(request, "partners/agreement.html", context, status_code=status)


@pages.get("/agreements/{agreement_id}")
def agreement_page(
    request: Request, agreement_id: RecordId, session: SessionDep, actor: ActorDep
) -> Response:
    """One agreement: its terms, status, named cases and how many people it covers today."""
    return _page(request, session, actor, agreement_id)


@pages.post("/agreements/{agreement_id}/cases")
def name_case(
    request: Request, agreement_id: RecordId, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    fields = Fields(form)
    try:
        data = fields.build(
            NamedCaseInput,
            person_id=form_number(form.get("person_id")),
            reason=fields.text("reason", "The reason", limit=2000),
        )
        service.name_case(session, actor, agreement_id, data)
    except HarbourError as exc:
        errors = form_failure(request, exc)
        return _page(request, session, actor, agreement_id, dict(form), errors)
    return RedirectResponse(f"{_url(agreement_id)}?saved=case", status_code=303)


@pages.post("/agreements/{agreement_id}/cases/{person_id}/remove")
def remove_case(
    agreement_id: RecordId, person_id: RecordId, session: SessionDep, actor: ActorDep
) -> Response:
    service.remove_case(session, actor, agreement_id, person_id)
    return RedirectResponse(f"{_url(agreement_id)}?saved=removed", status_code=303)


def _change(
    request: Request,
    session: Session,
    actor: Actor,
    agreement_id: int,
    what: str,
    form: dict[str, str],
) -> Response:
    fields = Fields(form)
    try:
        data = fields.build(
            ChangeInput,
            version=form_version(form),
            reason=fields.text(f"{what}_reason", "The reason", limit=2000),
        )
        service.change(session, actor, agreement_id, what, data)
    except HarbourError as exc:
        errors = form_failure(request, exc)
        if "reason" in errors:
            errors[f"{what}_reason"] = errors.pop("reason")
        return _page(request, session, actor, agreement_id, dict(form), errors)
    return RedirectResponse(f"{_url(agreement_id)}?saved={what}", status_code=303)


@pages.post("/agreements/{agreement_id}/suspend")
def suspend(
    request: Request, agreement_id: RecordId, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    return _change(request, session, actor, agreement_id, "suspend", dict(form))


@pages.post("/agreements/{agreement_id}/resume")
def resume(
    request: Request, agreement_id: RecordId, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    return _change(request, session, actor, agreement_id, "resume", dict(form))


@pages.post("/agreements/{agreement_id}/end")
def end(
    request: Request, agreement_id: RecordId, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    return _change(request, session, actor, agreement_id, "end", dict(form))


@pages.post("/agreements/{agreement_id}/review")
def review(
    request: Request, agreement_id: RecordId, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """Record the agreement's review and its next review day."""
    fields = Fields(form)
    try:
        data = fields.build(
            ReviewInput,
            version=form_version(form),
            next_review=fields.day("next_review", "The next review day"),
            note=fields.text("review_note", "What the review found", limit=2000),
        )
        service.record_review(session, actor, agreement_id, data)
    except HarbourError as exc:
        errors = form_failure(request, exc)
        if "note" in errors:
            errors["review_note"] = errors.pop("note")
        return _page(request, session, actor, agreement_id, dict(form), errors)
    return RedirectResponse(f"{_url(agreement_id)}?saved=reviewed", status_code=303)


@pages.get("/shared/people/{person_id}/photo")
def shared_photo(person_id: RecordId, session: SessionDep, actor: ActorDep) -> Response:
    """The current photo of a person, for a partner whose agreement shares photos."""
    data, content_type = service.shared_photo(session, actor, person_id)
    return Response(
        data,
        media_type=content_type,
        headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"},
    )


@pages.post("/shared/people/{person_id}/export")
def export_shared(
    request: Request, person_id: RecordId, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """Download what the partner's agreements share about a person (CSV or PDF), logged as a
    disclosure to the recipients named."""
    exports.shared_person(session, actor, person_id)
    reason = audit.require_justification(
        session, actor, people.SUBJECT, person_id, f"/people/{person_id}"
    )
    recipients = (form.get("recipients") or "").strip()[:300] or actor.display_name
    data, media_type, name = exports.export(
        session, actor, person_id, form.get("format", ""), recipients, reason
    )
    return Response(
        data,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
