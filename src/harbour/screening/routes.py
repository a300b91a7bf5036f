"""Pages for screening, NRM referrals and CAWNs: shown and recorded on the child's timeline page.

The timeline page (`/people/{id}/episodes`) belongs to the episodes package, which sits below this
one; it calls `screening_panel` (a template global set here) for what to show. Each form posts
here: saved, the browser goes back to the timeline; refused, a page with that one form, the
messages and what was typed comes back. Like every page with personal data, the forms need this
sign-in's justification for the person first.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.errors import HarbourError
from harbour.forms import Fields, form_number, form_version
from harbour.people import service as people
from harbour.people.models import Person
from harbour.people.routes import justify_page
from harbour.risk.questions import EXPLOITATION_INDICATORS
from harbour.screening import notices, referrals, rules, service
from harbour.web import (
    RecordId,
    current_actor,
    failure_status,
    form_data,
    form_failure,
    form_lists,
    get_session,
    page_router,
    render,
    templates,
)

pages = page_router()

SessionDep = Annotated[Session, Depends(get_session)]
ActorDep = Annotated[Actor, Depends(current_actor)]
FormDep = Annotated[dict[str, str], Depends(form_data)]
ListsDep = Annotated[dict[str, list[str]], Depends(form_lists)]

SAVED = {
    "screening": "Exploitation screening recorded.",
    "nrm": "NRM referral recorded. The reasonable-grounds clock has started.",
    "rg": "Reasonable-grounds decision recorded.",
    "cg": "Conclusive-grounds decision recorded.",
    "cawn": "Child Abduction Warning Notice issued. Record when it is served.",
    "served": "Service of the warning notice recorded.",
    "shared": "Sharing with social care recorded.",
}
TITLES = {
    "screening": "Record an exploitation screening",
    "nrm": "Refer to the National Referral Mechanism",
    "rg": "Record the reasonable-grounds decision",
    "cg": "Record the conclusive-grounds decision",
    "cawn": "Issue a Child Abduction Warning Notice",
    "served": "Record that the notice was served",
    "shared": "Record sharing the notice with social care",
}


def _vocabulary() -> dict[str, Any]:
    return {
        "indicators": EXPLOITATION_INDICATORS,
        "outcomes": rules.OUTCOMES,
        "next_steps": rules.NEXT_STEPS,
        "types": rules.EXPLOITATION_TYPES,
        "decisions": rules.DECISIONS,
        "consents": rules.CONSENT,
        "long_date": rules.long_date,
    }


def _context(session: Session, actor: Actor, person: Person) -> dict[str, Any]:
    """What the timeline page and the form pages show of screening for a person."""
    now = service.today()
    warnings = notices.notices_of(session, actor, person)
    records = {
        "screenings": service.screenings_of(session, actor, person),
        "episodes": service.episodes_for(session, actor, person),
        "referrals": referrals.referrals_of(session, actor, person),
        "consent": referrals.consent_basis(person, now),
        "first_responder": referrals.first_responder_name(session, actor),
        "cawns": warnings,
        "names": notices.adult_names(session, actor, warnings),
        "associates": notices.associates_of(session, actor, person),
        "eligibility": notices.eligibility(person, now),
        "today": now,
    }
    return {
        "person": person,
        "records": records,
        "may": service.permissions(actor, person),
        **_vocabulary(),
    }


def screening_panel(request: Request, person: Person) -> dict[str, Any]:
    """What the timeline page shows of screening for a person it has already justified."""
    actor: Actor = request.state.actor
    context = _context(get_session(request), actor, person)
    saved = request.query_params.get("saved", "")
    return context | {"saved": SAVED.get(saved), "values": {}, "lists": {}, "errors": {}}


templates.env.globals["screening_panel"] = screening_panel


def _timeline(person_id: int) -> str:
    return f"/people/{person_id}/episodes"


def _act(
    request: Request,
    session: Session,
    actor: Actor,
    person: Person,
    form_name: str,
    submitted: tuple[dict[str, str], dict[str, list[str]]],
    work: Callable[[], object],
    *,
    record: Any = None,
    prefix: str = "",
) -> Response:
    """Do one change from a form: refused, that form comes back with the messages and what was
    typed; done, the timeline reloads with a success banner."""
    reason = audit.justification_for(session, actor.session_id, people.SUBJECT, person.id)
    if reason is None:
        return justify_page(request, person.id, {}, _timeline(person.id))
    try:
        work()
    except HarbourError as exc:
        problems = form_failure(request, exc)
        errors = {(k if k == "form" else prefix + k): v for k, v in problems.items()}
        people.view_person(session, actor, person.id, reason)
        values, lists = submitted
        return render(
            request,
            "screening/form.html",
            _context(session, actor, person)
            | {
                "form_name": form_name,
                "title": TITLES[form_name],
                "record": record,
                "values": values,
                "lists": lists,
                "errors": errors,
            },
            status_code=failure_status(errors),
        )
    anchor = {"screening": "screenings", "nrm": "nrm", "rg": "nrm", "cg": "nrm"}
    where = anchor.get(form_name, "cawns")
    return RedirectResponse(f"{_timeline(person.id)}?saved={form_name}#{where}", status_code=303)


def _day(fields: Fields, name: str, label: str) -> date | None:
    """Read a GOV.UK date input (NAME_day, _month, _year); None when left blank."""
    parts = [fields.form.get(f"{name}_{p}", "").strip() for p in ("day", "month", "year")]
    if not any(parts):
        return None
    if not all(parts):
        fields.fail(name, f"{label} must include a day, month and year")
        return None
    try:
        day, month, year = (int(p) for p in parts)
        return date(year, month, day)
    except ValueError:
        fields.fail(name, f"{label} must be a real date, for example 27 11 2026")
        return None


def _person_number(text: str) -> int | None:
    """A person's record number as typed or chosen, or None if it cannot be one."""
    number = form_number(text.strip()) if text.strip().isdigit() else None
    return number if number is not None and 1 <= number <= 2_147_483_647 else None


# -- screening --------------------------------------------------------------------------------


@pages.post("/people/{person_id}/screenings")
def record_screening(
    request: Request,
    person_id: RecordId,
    session: SessionDep,
    actor: ActorDep,
    form: FormDep,
    lists: ListsDep,
) -> Response:
    person = service.find_person(session, actor, person_id, "screening.record")

    def work() -> None:
        fields = Fields(form, lists)
        data = service.ScreeningInput(
            indicators=fields.choices("indicators", EXPLOITATION_INDICATORS),
            outcome=fields.choice("outcome", "The outcome", rules.OUTCOMES),
            rationale=fields.text(
                "rationale", "Why you reached this outcome", required=True, limit=10_000
            ),
            next_steps=fields.choices("next_steps", rules.NEXT_STEPS),
            next_steps_notes=fields.text("next_steps_notes", "Other next steps", limit=5000),
            screened_at=fields.when("screened_at", "When you screened"),
            episode_id=form_number(form.get("episode_id")),
        )
        fields.check()
        service.record_screening(session, actor, person, data)

    return _act(request, session, actor, person, "screening", (form, lists), work)


# -- NRM referrals ----------------------------------------------------------------------------


@pages.post("/people/{person_id}/nrm-referrals")
def refer(
    request: Request,
    person_id: RecordId,
    session: SessionDep,
    actor: ActorDep,
    form: FormDep,
    lists: ListsDep,
) -> Response:
    person = service.find_person(session, actor, person_id, "nrm.refer")

    def work() -> None:
        fields = Fields(form, lists)
        data = referrals.ReferralInput(
            exploitation_types=fields.choices("exploitation_types", rules.EXPLOITATION_TYPES),
            first_responder=fields.text(
                "first_responder", "The first responder organisation", required=True, limit=200
            ),
            referred_at=fields.when("referred_at", "When the referral was made"),
            reference=fields.text("reference", "The NRM reference", limit=100),
            consent=form.get("consent"),
            details=fields.text("nrm_details", "Details", limit=10_000),
        )
        fields.check()
        referrals.refer(session, actor, person, data)

    return _act(request, session, actor, person, "nrm", (form, lists), work)


def _decision_route(
    request: Request,
    session: Session,
    actor: Actor,
    referral_id: int,
    form: dict[str, str],
    stage: str,
) -> Response:
    referral = referrals.find_referral(session, actor, referral_id)
    person = service.person_of(session, referral)
    prefix = f"{stage}{referral.id}_"
    record = (
        referrals.record_conclusive_grounds
        if stage == "cg"
        else referrals.record_reasonable_grounds
    )

    def work() -> None:
        fields = Fields({k.removeprefix(prefix): v for k, v in form.items()})
        decided_on = _day(fields, "decided_on", "The date of the decision")
        fields.check()
        record(
            session, actor, referral, form.get(f"{prefix}decision"), decided_on, form_version(form)
        )

    return _act(
        request, session, actor, person, stage, (form, {}), work, record=referral, prefix=prefix
    )


@pages.post("/nrm-referrals/{referral_id}/reasonable-grounds")
def reasonable_grounds(
    request: Request, referral_id: RecordId, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    return _decision_route(request, session, actor, referral_id, form, "rg")


@pages.post("/nrm-referrals/{referral_id}/conclusive-grounds")
def conclusive_grounds(
    request: Request, referral_id: RecordId, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    return _decision_route(request, session, actor, referral_id, form, "cg")


# -- CAWNs ------------------------------------------------------------------------------------


@pages.post("/people/{person_id}/cawns")
def issue_cawn(
    request: Request, person_id: RecordId, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    person = service.find_person(session, actor, person_id, "cawn.issue")

    def work() -> None:
        fields = Fields(form)
        chosen = form.get("adult_id", "")
        typed = form.get("adult_number", "").strip()
        if chosen and chosen != "other":
            adult_id = _person_number(chosen)
        else:
            adult_id = _person_number(typed)
            if typed and adult_id is None:
                fields.fail("adult_id", "Enter the person number in digits, like 1234")
            elif not typed:
                fields.fail("adult_id", "Choose the adult the notice is given to")
        data = notices.CawnInput(
            adult_id=adult_id,
            grounds=fields.text("grounds", "Why the notice is needed", required=True, limit=10_000),
            issued_at=fields.when("issued_at", "When the notice was issued"),
        )
        fields.check()
        notices.issue_cawn(session, actor, person, data)

    return _act(request, session, actor, person, "cawn", (form, {}), work)


def _cawn_route(
    request: Request,
    session: Session,
    actor: Actor,
    cawn_id: int,
    form: dict[str, str],
    stage: str,
) -> Response:
    notice = notices.find_cawn(session, actor, cawn_id)
    person = service.person_of(session, notice)
    prefix = f"{stage}{notice.id}_"

    def work() -> None:
        fields = Fields({k.removeprefix(prefix): v for k, v in form.items()})
        if stage == "served":
            served_at = fields.when("served_at", "When it was served")
            served_by = fields.text("served_by", "Who served it", limit=200)
            notes = fields.text("served_notes", "Notes", limit=5000)
            fields.check()
            notices.record_served(
                session,
                actor,
                notice,
                served_at=served_at,
                served_by=served_by,
                notes=notes,
                version=form_version(form),
            )
        else:
            shared_at = fields.when("shared_at", "When it was shared")
            shared_with = fields.text("shared_with", "Who it was shared with", limit=200)
            fields.check()
            notices.record_shared(
                session,
                actor,
                notice,
                shared_at=shared_at,
                shared_with=shared_with,
                version=form_version(form),
            )

    return _act(
        request, session, actor, person, stage, (form, {}), work, record=notice, prefix=prefix
    )


@pages.post("/cawns/{cawn_id}/served")
def served(
    request: Request, cawn_id: RecordId, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    return _cawn_route(request, session, actor, cawn_id, form, "served")


@pages.post("/cawns/{cawn_id}/shared")
def shared(
    request: Request, cawn_id: RecordId, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    return _cawn_route(request, session, actor, cawn_id, form, "shared")
