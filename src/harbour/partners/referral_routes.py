"""Pages of referrals: the list, one referral with its answer, a partner's referral to the force,
and the panel on a call handed to a partner (sent as a referral from there)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from harbour.access import service as access
from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.calls import service as calls
from harbour.errors import HarbourError
from harbour.partners import referrals
from harbour.partners import service as partners
from harbour.partners.models import Referral, ReferralStatus
from harbour.partners.referrals import DecisionInput, ReferralInput
from harbour.people.models import Person
from harbour.web import (
    ActorDep,
    FormDep,
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
    "sent": "Referral sent. They are told at once and must accept it in Harbour.",
    "accept": "Referral accepted. The sender is told; the duty of care is now yours.",
    "reject": "Referral rejected. The sender is told.",
    "done": "Referral marked done.",
    "revoke": "Referral revoked.",
}


def _read(form: dict[str, str]) -> ReferralInput:
    fields = Fields(form)
    return fields.build(
        ReferralInput,
        to_organisation_id=form_number(form.get("to_organisation_id")),
        summary_text=fields.text("summary_text", "What they need to know", limit=5000),
        consent=form.get("consent") or None,
        consent_note=fields.text("consent_note", "Why consent was not sought", limit=2000),
        consent_override_reason=fields.text(
            "consent_override_reason", "The reason to refer without consent", limit=2000
        ),
        person_text=fields.text("person_text", "Who it is about", limit=1000),
    )


def _form_context(session: Session, actor: Actor) -> dict[str, Any]:
    return {
        "receivers": {str(o.id): o.name for o in referrals.receivers(session, actor)},
        "consents": referrals.CONSENT,
        "can_override": access.can(actor, "referral.override_consent"),
    }


@pages.get("/referrals")
def referral_list(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """The referrals the actor's organisation sent or received, waiting ones first."""
    rows = referrals.listed(session, actor)
    return render(
        request,
        "partners/referrals.html",
        {
            "referrals": rows,
            "names": partners.organisation_names(session),
            "labels": referrals.REASONS,
        },
    )


def _new_page(
    request: Request,
    session: Session,
    actor: Actor,
    values: dict[str, str],
    errors: dict[str, str],
) -> Response:
    access.require(actor, "referral.send")
    context = _form_context(session, actor) | {"values": values, "errors": errors}
    status = failure_status(errors) if errors else 200
    return render(request, "partners/referral_new.html", context, status_code=status)


@pages.get("/referrals/new")
def new_referral(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    return _new_page(request, session, actor, {}, {})


@pages.post("/referrals/new")
def send_referral(
    request: Request, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    try:
        referral = referrals.refer(session, actor, _read(dict(form)))
    except HarbourError as exc:
        errors = form_failure(request, exc)
        return _new_page(request, session, actor, dict(form), errors)
    return RedirectResponse(f"/referrals/{referral.id}?saved=sent", status_code=303)


def _page(
    request: Request,
    session: Session,
    actor: Actor,
    referral: Referral,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    receiving = referral.to_organisation_id == actor.organisation_id
    person = session.get(Person, referral.person_id) if referral.person_id else None
    # The referral is what the receiver is shown of the person: their identity and the summary.
    audit.record(
        session,
        actor,
        "disclose" if receiving else "view",
        referrals.SUBJECT,
        referral.id,
        after={"person": referral.person_id, "recipient": actor.organisation_id},
        justification="Referral sent to this organisation" if receiving else "Referral sent",
    )
    errors = errors or {}
    waiting = referral.status is ReferralStatus.in_progress
    context = {
        "referral": referral,
        "person": person,
        "names": partners.organisation_names(session),
        "receiving": receiving,
        "can_answer": receiving and access.can(actor, "referral.decide", referral),
        "can_revoke": not receiving and waiting and access.can(actor, "referral.send", referral),
        "waiting": waiting,
        "values": values or {},
        "errors": errors,
        "saved": None if errors else SAVED.get(request.query_params.get("saved", "")),
        **referrals.facts(referral),
    }
    status = failure_status(errors) if errors else 200
    return render(request, "partners/referral.html", context, status_code=status)


@pages.get("/referrals/{referral_id}")
def referral_page(
    request: Request, referral_id: RecordId, session: SessionDep, actor: ActorDep
) -> Response:
    return _page(request, session, actor, referrals.find(session, actor, referral_id))


@pages.post("/referrals/{referral_id}/answer")
def answer(
    request: Request, referral_id: RecordId, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    referral = referrals.find(session, actor, referral_id)
    fields = Fields(form)
    try:
        data = fields.build(
            DecisionInput,
            decision=form.get("decision") or None,
            reason=fields.text("reason", "The reason", limit=2000),
            reference=fields.text("reference", "Your reference", limit=100),
            version=form_version(form),
        )
        referrals.answer(session, actor, referral, data)
    except HarbourError as exc:
        errors = form_failure(request, exc)
        return _page(request, session, actor, referral, dict(form), errors)
    return RedirectResponse(f"/referrals/{referral_id}?saved={data.decision}", status_code=303)


def _panel(
    request: Request,
    session: Session,
    actor: Actor,
    call_id: int,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    call = calls.find(session, actor, call_id)
    errors = errors or {}
    context = _form_context(session, actor) | {
        "call": call,
        "sent": referrals.of_call(session, call),
        "open": referrals.open_referral(session, call),
        "names": partners.organisation_names(session),
        "can_refer": access.can(actor, "call.decide", call) and access.can(actor, "referral.send"),
        "values": values or {"summary_text": call.narrative[:2000]},
        "errors": errors,
    }
    status = failure_status(errors) if errors else 200
    # Loaded into the call's page by HTMX; a form posted without JavaScript gets a whole page.
    template = "call_referral" if request.headers.get("HX-Request") else "call_referral_page"
    return render(request, f"partners/{template}.html", context, status_code=status)


@pages.get("/calls/{call_id}/referral")
def call_referral(
    request: Request, call_id: RecordId, session: SessionDep, actor: ActorDep
) -> Response:
    """The panel on a call handed to a partner: its referral, or the form to send one."""
    return _panel(request, session, actor, call_id)


@pages.post("/calls/{call_id}/referral")
def refer_call(
    request: Request, call_id: RecordId, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    call = calls.find(session, actor, call_id, "call.decide")
    try:
        referrals.refer_call(session, actor, call, _read(dict(form)))
    except HarbourError as exc:
        errors = form_failure(request, exc)
        return _panel(request, session, actor, call_id, dict(form), errors)
    done = f"/calls/{call_id}?saved=referred"
    if request.headers.get("HX-Request"):
        return Response(status_code=204, headers={"HX-Redirect": done})
    return RedirectResponse(done, status_code=303)
