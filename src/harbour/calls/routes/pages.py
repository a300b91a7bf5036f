"""Pages for a call: record it, read Harbour's suggestion, decide it (RCRP, THRIVE, NDM).

A call's page asks for a justification first (kept per sign-in, as a person's is) and logs each
view with it; the handler who records a call gave theirs by taking it. Every form carries the
call's version, so that a decision made on a stale page is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from harbour import clock
from harbour.actor import Actor, Role
from harbour.audit import routes as audit_pages
from harbour.audit import service as audit
from harbour.calls import decisions
from harbour.calls import records as calls
from harbour.calls.models import Call
from harbour.calls.schemas import (
    CallerType,
    CallInput,
    DecisionInput,
    HandoverInput,
    Outcome,
    TriageAnswers,
)
from harbour.errors import HarbourError, ValidationFailed
from harbour.people import service as people
from harbour.people.models import Person
from harbour.people.schemas import PersonCreate
from harbour.validation import messages
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


YES_NO = {"yes": "Yes", "no": "No"}
YES_NO_UNKNOWN = {"yes": "Yes", "no": "No", "unknown": "Not known"}
OUTCOME_COLOURS = {
    Outcome.police_attend: "#1d70b8",
    Outcome.missing_person_report: "#d4351c",
    Outcome.refer_partner: "#00703c",
    Outcome.advice_only: "#505a5f",
}


def labels() -> dict[str, Any]:
    """The words for the codes a call's templates show (used by the home page too)."""
    return {
        "caller_types": calls.CALLER_TYPES,
        "categories": calls.CATEGORIES,
        "outcome_labels": calls.OUTCOMES,
        "statuses": calls.STATUSES,
        "partners": calls.partners(),
        "partner_options": {k: v[:1].upper() + v[1:] for k, v in calls.partners().items()},
        "grades": decisions.response_grades(),
        "colours": OUTCOME_COLOURS,
        "role_labels": {role.value: role.label for role in Role},
    }


# -- recording a call -------------------------------------------------------------------------


def _new_person(fields: Fields) -> PersonCreate | None:
    """The person recorded with the call, when the handler typed one in."""
    form = fields.form
    given, family = form.get("new_given_name", "").strip(), form.get("new_family_name", "").strip()
    parts = [form.get(f"new_dob_{p}", "").strip() for p in ("day", "month", "year")]
    if not (given or family or any(parts)):
        return None
    born: date | None = None
    if any(parts):
        try:
            born = date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            fields.fail("new_dob", "Date of birth must be a real date, like 4 3 2013")
    try:
        return PersonCreate(
            given_name=given or None, family_name=family or None, date_of_birth=born
        )
    except ValidationError as exc:
        for name, message in messages(exc).items():
            fields.fail("new_dob" if name == "date_of_birth" else "new_given_name", message)
        return None


def _chosen(session: Session, actor: Actor, value: str | None) -> Person | None:
    """The person a new call is about, chosen from the search (the view is logged)."""
    person_id = form_number(value)
    if person_id is None:
        return None
    return people.view_person(session, actor, person_id, "Recording a call about them")


def _new_call_page(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    q: str | None,
    chosen: Person | None,
    values: dict[str, str],
    errors: dict[str, str],
) -> Response:
    matches: list[Person] = []
    if q and q.strip():
        matches, _ = people.list_people(session, actor, query=q[:200], page=1, per_page=20)
    return render(
        request,
        "calls/new.html",
        {"q": q or "", "matches": matches, "chosen": chosen, "values": values, "errors": errors}
        | labels(),
        status_code=failure_status(errors) if errors else 200,
    )


@pages.get("/calls/new")
def new_call(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    q: str | None = None,
    person: str | None = None,
) -> Response:
    calls.check_can_record(actor)
    chosen = _chosen(session, actor, person)
    return _new_call_page(request, session, actor, q=q, chosen=chosen, values={}, errors={})


@pages.post("/calls/new")
def record_call(request: Request, session: SessionDep, actor: ActorDep, form: FormDep) -> Response:
    calls.check_can_record(actor)
    chosen = _chosen(session, actor, form.get("person_id"))
    fields = Fields(form)
    caller_type = fields.choice("caller_type", "Who is calling", calls.CALLER_TYPES)
    values: dict[str, Any] = dict(
        caller=fields.text("caller", "The caller's name", required=True, limit=200) or "",
        caller_type=CallerType(caller_type) if caller_type else None,
        caller_relationship=fields.text(
            "caller_relationship", "Their relationship or organisation", limit=200
        ),
        caller_contact=fields.text("caller_contact", "Their contact details", limit=200),
        location_text=fields.text("location_text", "Where", limit=2000),
        narrative=fields.text(
            "narrative",
            "What the caller says",
            required=True,
            limit=10_000,
            missing="Enter what the caller says, in their words where you can",
        )
        or "",
        reference=fields.text("reference", "The incident reference", limit=40),
        received_at=fields.when("received_at", "When the call came in"),
    )
    new_person = None if chosen else _new_person(fields)
    try:
        data = fields.build(CallInput, **values)
        call = calls.record_call(
            session,
            actor,
            data,
            person_id=chosen.id if chosen else None,
            new_person=new_person,
        )
    except HarbourError as exc:
        errors = form_failure(request, exc)
        return _new_call_page(
            request, session, actor, q=None, chosen=chosen, values=form, errors=errors
        )
    return RedirectResponse(f"/calls/{call.id}?saved=recorded", status_code=303)


# -- the call page ----------------------------------------------------------------------------


def _open(
    request: Request, session: Session, actor: Actor, call_id: int, action: str = "person.view"
) -> tuple[Call, str]:
    """Load a call for a page, asking for a justification if none yet; log the view."""
    call = calls.find(session, actor, call_id, action)
    reason = audit.require_justification(session, actor, calls.SUBJECT, call.id, "")
    calls.record_view(session, actor, call, reason)
    return call, reason


def _answers(form: dict[str, str]) -> TriageAnswers:
    return TriageAnswers(**{key: _yes(form.get(key)) for key in ("crime", "risk_to_life", "child")})


def _yes(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


def _call_page(
    request: Request,
    session: Session,
    actor: Actor,
    call: Call,
    reason: str,
    *,
    saved: str | None = None,
    q: str | None = None,
    values: dict[str, str] | None = None,
    posted: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    """The call page; `values` is a posted decision form, `posted` any other form."""
    person = calls.person_of(session, call)
    latest = calls.latest_decision(session, call)
    decision_posted = values is not None
    text = calls.text_of(session, call)
    read = calls.answers_read(call, person, text)
    suggestion = calls.suggestion_for(call, person, text)
    if values is None:
        values = decisions.form_values(call, person, latest, suggestion, read) | (posted or {})
    else:
        with_update = calls.text_of(session, call, values.get("update_text"))
        suggestion = calls.suggestion_for(call, person, with_update, _answers(values))
    matches: list[Person] = []
    if q and q.strip():
        matches, _ = people.list_people(session, actor, query=q[:200], page=1, per_page=20)
    now = clock.now()
    return render(
        request,
        "calls/detail.html",
        {
            "call": call,
            "person": person,
            "age": calls.age_at_call(person, call),
            "child": calls.is_child(person, call),
            "flags": calls.flags_of(person),
            "reason": reason,
            "saved": saved,
            "q": q or "",
            "matches": matches,
            "text": text,
            "segments": calls.segments(text, suggestion.highlights),
            "suggestion": suggestion,
            "read": read,
            "latest": latest,
            "log": calls.decisions(session, call),
            "kinds": decisions.KIND_LABELS,
            "earlier": calls.earlier_calls(session, actor, call),
            "values": values,
            "errors": errors or {},
            "decision_posted": decision_posted,
            "may": calls.permissions(actor, call),
            "yes_no": YES_NO,
            "yes_no_unknown": YES_NO_UNKNOWN,
            "information": decisions.INFORMATION,
            "thrive": decisions.THRIVE,
            "ndm": decisions.NDM,
            "handover_overdue": calls.handover_overdue(call, now),
            "now": now,
            **labels(),
        },
        status_code=failure_status(errors) if errors else 200,
    )


@pages.get("/calls/{call_id}")
def call_page(
    request: Request,
    call_id: RecordId,
    session: SessionDep,
    actor: ActorDep,
    saved: str | None = None,
    q: str | None = None,
) -> Response:
    opened = _open(request, session, actor, call_id)
    call, reason = opened
    return _call_page(request, session, actor, call, reason, saved=saved, q=q)


@pages.post("/calls/{call_id}/justify")
def justify(
    request: Request, call_id: RecordId, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    call = calls.find(session, actor, call_id)
    try:
        calls.justify(session, actor, call, form.get("reason"), form.get("details"))
    except HarbourError as exc:
        return audit_pages.justify_page(request, "call", call_id, form_failure(request, exc))
    return RedirectResponse(f"/calls/{call_id}", status_code=303)


@pages.post("/calls/{call_id}/suggest")
def suggestion(
    request: Request, call_id: RecordId, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """The suggestion for the handler's answers as they stand (HTMX, as they answer)."""
    call = calls.find(session, actor, call_id, "call.decide")
    if calls.justification_for(session, actor, call) is None:
        return render(request, "calls/_suggestion.html", {"suggestion": None})
    person = calls.person_of(session, call)
    text = calls.text_of(session, call, form.get("update_text", "").strip()[:5000] or None)
    found = calls.suggestion_for(call, person, text, _answers(form))
    return render(request, "calls/_suggestion.html", {"suggestion": found} | labels())


def _decision_input(fields: Fields, form: dict[str, str]) -> DecisionInput:
    def text(name: str, label: str, limit: int = 5000) -> str | None:
        return fields.text(name, label, limit=limit)

    return fields.build(
        DecisionInput,
        crime=_yes(form.get("crime")),
        risk_to_life=_yes(form.get("risk_to_life")),
        child=_yes(form.get("child")),
        category=form.get("category") or None,
        outcome=form.get("outcome") or None,
        information=text("information", "Information", 10_000),
        threat=text("threat", "Threat"),
        harm=text("harm", "Harm"),
        risk=text("risk", "Risk"),
        investigation=text("investigation", "Investigation"),
        vulnerability=text("vulnerability", "Vulnerability"),
        engagement=text("engagement", "Engagement"),
        rationale=text("rationale", "Rationale", 10_000),
        caller_told=text("caller_told", "What you told the caller"),
        version=form_version(form),
        partner=form.get("partner") or None,
        partner_accepted_by=fields.text(
            "partner_accepted_by", "Who accepted the handover", limit=200
        ),
        partner_accepted_at=fields.when("partner_accepted_at", "When they accepted it"),
        partner_reference=fields.text("partner_reference", "Their reference", limit=100),
        arrived_at=fields.when("arrived_at", "Arrival at the health setting"),
        response_grade=form.get("response_grade") or None,
        powers_policy=text("powers_policy", "Powers and policy"),
        options=text("options", "Options"),
        action_taken=text("action_taken", "Action and review"),
        update_text=text("update_text", "What has changed"),
    )


@pages.post("/calls/{call_id}/decide")
def decide(
    request: Request, call_id: RecordId, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    opened = _open(request, session, actor, call_id, "call.decide")
    call, reason = opened
    fields = Fields(form)
    try:
        calls.check_version(call, form_version(form))  # a stale page is refused before its form
        data = _decision_input(fields, form)
        decision = decisions.decide(session, actor, call, data)
    except HarbourError as exc:
        errors = form_failure(request, exc)
        return _call_page(request, session, actor, call, reason, values=form, errors=errors)
    if decision.needs_supervisor:
        saved = "supervisor"
    elif decision.episode_id is not None:
        saved = "episode"
    else:
        saved = "reassessed" if decision.kind.value == "reassessment" else "decided"
    return RedirectResponse(f"/calls/{call_id}?saved={saved}", status_code=303)


def _act(
    request: Request,
    session: Session,
    actor: Actor,
    call_id: int,
    action: str,
    saved: str,
    form: dict[str, str],
    work: Callable[[Call, Fields], object],
) -> Response:
    """Do one change to a call from a form on its page: refused, the page comes back with the
    messages and what was typed; done, the page reloads with a success banner."""
    call, reason = _open(request, session, actor, call_id, action)
    try:
        work(call, Fields(form))
    except HarbourError as exc:
        errors = form_failure(request, exc)
        return _call_page(request, session, actor, call, reason, posted=form, errors=errors)
    return RedirectResponse(f"/calls/{call_id}?saved={saved}", status_code=303)


@pages.post("/calls/{call_id}/confirm")
def confirm(
    request: Request, call_id: RecordId, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    def work(call: Call, fields: Fields) -> None:
        note = fields.text("note", "Why you agree", limit=5000)
        fields.check()
        decisions.confirm(session, actor, call, note, form_version(form))

    action = decisions.SUPERVISOR_ACTION
    return _act(request, session, actor, call_id, action, "confirmed", form, work)


@pages.post("/calls/{call_id}/handover")
def hand_over(
    request: Request, call_id: RecordId, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    def work(call: Call, fields: Fields) -> None:
        calls.check_version(call, form_version(form))  # a stale page is refused before its form
        data = fields.build(
            HandoverInput,
            accepted_by=fields.text("accepted_by", "Who accepted the handover", limit=200),
            accepted_at=fields.when("accepted_at", "When they accepted it"),
            reference=fields.text("handover_reference", "Their reference", limit=100),
            version=form_version(form),
        )
        decisions.record_handover(session, actor, call, data)

    return _act(request, session, actor, call_id, "call.decide", "handover", form, work)


@pages.post("/calls/{call_id}/person")
def link_person(
    request: Request, call_id: RecordId, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    def work(call: Call, fields: Fields) -> None:
        person_id = form_number(form.get("person_id"))
        new_person = None if person_id else _new_person(fields)
        fields.check()
        if person_id is None and new_person is None:
            raise ValidationFailed(
                "Choose the person", field_errors={"new_given_name": "Enter the person's name"}
            )
        calls.link_person(
            session, actor, call, form_version(form), person_id=person_id, new_person=new_person
        )

    return _act(request, session, actor, call_id, "call.record", "person", form, work)
