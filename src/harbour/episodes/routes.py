"""Pages for a missing episode: report, grade with the force's data, review, return, close.

Each page that shows personal data asks for the person's justification first (the same one the
person's own page asks for), and logs the view with it.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from harbour import clock
from harbour.actor import Actor, Role
from harbour.audit import service as audit
from harbour.episodes import clocks, service
from harbour.episodes.models import Episode, Review
from harbour.errors import Forbidden, HarbourError
from harbour.forms import Fields, form_number, form_version
from harbour.people import service as people
from harbour.people.models import Person
from harbour.people.routes import justify_page
from harbour.resolution import candidates
from harbour.risk import service as risk
from harbour.risk.grades import RiskGrade
from harbour.risk.policy import current_policy
from harbour.risk.questions import EXPLOITATION_INDICATORS, Question, questions
from harbour.risk.schemas import RiskAnswers
from harbour.settings import get_settings
from harbour.tasks import service as tasks
from harbour.web import (
    RecordId,
    current_actor,
    failure_status,
    form_data,
    form_failure,
    form_files,
    form_lists,
    get_session,
    page_number,
    page_router,
    render,
    templates,
)

pages = page_router()
templates.env.filters["profile_rows"] = service.profile_rows

SessionDep = Annotated[Session, Depends(get_session)]
ActorDep = Annotated[Actor, Depends(current_actor)]
FormDep = Annotated[dict[str, str], Depends(form_data)]
ListsDep = Annotated[dict[str, list[str]], Depends(form_lists)]
FilesDep = Annotated[dict[str, bytes], Depends(form_files)]

GRADES = {
    "very_low": "Very low (no apparent risk)",
    "low": "Low",
    "medium": "Medium",
    "high": "High",
}
YES_NO_UNKNOWN = {"yes": "Yes", "no": "No", "unknown": "Not known"}


def _justified(
    request: Request, session: Session, actor: Actor, person_id: int, here: str
) -> str | Response:
    """Return the reason this sign-in gave for the person, or the page that asks for one."""
    reason = audit.justification_for(session, actor.session_id, people.SUBJECT, person_id)
    if reason is None:
        return justify_page(request, person_id, {}, here)
    return reason


def _open(
    request: Request,
    session: Session,
    actor: Actor,
    episode_id: int,
    here: str,
    action: str = "person.view",
) -> tuple[Episode, Person, str] | Response:
    """Load an episode and its person for a page, asking for a justification if none yet."""
    episode = service.find(session, actor, episode_id, action)
    found = _justified(request, session, actor, episode.person_id, here)
    if isinstance(found, Response):
        return found
    service.record_view(session, actor, episode, found)
    return episode, service.person_of(session, episode), found


def _act(
    request: Request,
    session: Session,
    actor: Actor,
    episode_id: int,
    action: str,
    saved: str,
    form: dict[str, str],
    work: Callable[[Episode, Person], object],
) -> Response:
    """Do one change to an episode from a form on its page: refused, the page comes back with
    the messages and what was typed; done, the page reloads with a success banner."""
    here = f"/episodes/{episode_id}"
    opened = _open(request, session, actor, episode_id, here, action)
    if isinstance(opened, Response):
        return opened
    episode, person, reason = opened
    try:
        work(episode, person)
    except HarbourError as exc:
        errors = form_failure(request, exc)
        return _episode_page(
            request, session, actor, episode, person, reason, errors=errors, values=form
        )
    return RedirectResponse(f"{here}?saved={saved}", status_code=303)


# -- starting a report ------------------------------------------------------------------------


INTAKE_FIELDS = (
    "given_name",
    "family_name",
    "dob_day",
    "dob_month",
    "dob_year",
    "phone",
    "postcode",
)


def _intake(
    request: Request, session: Session, actor: Actor
) -> tuple[dict[str, str], list[dict[str, Any]], candidates.Lookup | None]:
    """Score what the call handler has typed against the people on record (identity model)."""
    typed = {k: request.query_params.get(k, "").strip()[:100] for k in INTAKE_FIELDS}
    if not any(typed.values()):
        return typed, [], None
    born = _typed_birth(typed["dob_day"], typed["dob_month"], typed["dob_year"])
    lookup = candidates.find(
        session,
        actor,
        candidates.Typed(
            given_name=typed["given_name"] or None,
            family_name=typed["family_name"] or None,
            date_of_birth=born,
            postcode=typed["postcode"] or None,
            phone=typed["phone"] or None,
        ),
        justification="Taking a missing person report: looking for the person on record",
    )
    return typed, candidates.rows(session, lookup), lookup


def _typed_birth(day: str, month: str, year: str) -> str | None:
    """Read as much of a date of birth as was typed: a year, a month and year, or a whole date."""
    if not (year.isdigit() and len(year) == 4):
        return None
    if not (month.isdigit() and 1 <= int(month) <= 12):
        return year
    if not (day.isdigit() and 1 <= int(day) <= 31):
        return f"{year}-{int(month):02d}"
    return f"{year}-{int(month):02d}-{int(day):02d}"


@pages.get("/episodes/new")
def start_report(
    request: Request, session: SessionDep, actor: ActorDep, q: str | None = None
) -> Response:
    service.check_can_report(actor)
    matches: list[Person] = []
    if q and q.strip():
        matches, _ = people.list_people(session, actor, query=q[:200], page=1, per_page=20)
    typed, likely, lookup = _intake(request, session, actor)
    return render(
        request,
        "episodes/start.html",
        {"q": q or "", "matches": matches, "typed": typed, "likely": likely, "lookup": lookup},
    )


@pages.get("/partials/person-matches")
def person_matches(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """The likely matches alone, refreshed by HTMX as the call handler types."""
    service.check_can_report(actor)
    typed, likely, lookup = _intake(request, session, actor)
    return render(
        request, "episodes/_matches.html", {"typed": typed, "likely": likely, "lookup": lookup}
    )


@pages.get("/episodes/new/{person_id}")
def report_form(
    request: Request, person_id: RecordId, session: SessionDep, actor: ActorDep
) -> Response:
    service.check_can_report(actor)
    person = people.find_for_view(session, actor, person_id)
    reason = _justified(request, session, actor, person_id, f"/episodes/new/{person_id}")
    if isinstance(reason, Response):
        return reason
    people.view_person(session, actor, person_id, reason)
    return _report_page(request, session, person, {}, {})


def _report_page(
    request: Request,
    session: Session,
    person: Person,
    values: dict[str, str],
    errors: dict[str, str],
) -> Response:
    current = service.open_episode_of(session, person.id)
    return render(
        request,
        "episodes/report.html",
        {"person": person, "values": values, "errors": errors, "current": current},
        status_code=failure_status(errors) if errors else 200,
    )


@pages.post("/episodes/new/{person_id}")
def report(
    request: Request,
    person_id: RecordId,
    session: SessionDep,
    actor: ActorDep,
    form: FormDep,
    files: FilesDep,
) -> Response:
    service.check_can_report(actor)
    person = people.find_for_view(session, actor, person_id)
    fields = Fields(form)
    data = service.ReportInput(
        reporter_name=fields.text("reporter_name", "The reporter's name", required=True, limit=200)
        or "",
        reporter_relationship=fields.text(
            "reporter_relationship",
            "Their relationship to the missing person",
            required=True,
            limit=100,
        )
        or "",
        reporter_phone=fields.text("reporter_phone", "The reporter's phone", limit=30),
        last_seen_at=fields.when("last_seen", "Last seen"),
        last_seen_text=fields.text(
            "last_seen_text",
            "Where they were last seen",
            required=True,
            missing="Enter where they were last seen, even roughly",
        ),
        clothing=fields.text("clothing", "Clothing"),
        intentions=fields.text("intentions", "Intentions"),
        circumstances=fields.text("circumstances", "Circumstances", limit=10_000),
        description=fields.text("description", "Description"),
    )
    try:
        fields.check()
        episode = service.report(session, actor, person, data)
        if "photo" in files:
            source = f"{data.reporter_name} ({data.reporter_relationship})"
            service.add_photo(
                session, actor, episode, files["photo"], given_by=source, version=episode.version
            )
    except HarbourError as exc:
        return _report_page(request, session, person, form, form_failure(request, exc))
    if service.permissions(actor, episode)["grade"]:
        return RedirectResponse(f"/episodes/{episode.id}/grade?reported=1", status_code=303)
    return RedirectResponse(f"/episodes/{episode.id}?saved=reported", status_code=303)


# -- the episode page -------------------------------------------------------------------------


@pages.get("/episodes/{episode_id}")
def episode_page(
    request: Request,
    episode_id: RecordId,
    session: SessionDep,
    actor: ActorDep,
    saved: str | None = None,
) -> Response:
    opened = _open(request, session, actor, episode_id, f"/episodes/{episode_id}")
    if isinstance(opened, Response):
        return opened
    episode, person, reason = opened
    return _episode_page(request, session, actor, episode, person, reason, saved=saved)


def _episode_page(
    request: Request,
    session: Session,
    actor: Actor,
    episode: Episode,
    person: Person,
    reason: str,
    *,
    saved: str | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    reviews = service.reviews(session, episode)
    episode_tasks = tasks.tasks_of(session, actor, episode_id=episode.id)
    # Someone saved first: show what they did, so the officer can decide what to do with theirs.
    stale = errors is not None and errors.get("form") == service.STALE
    changes = (
        audit.subject_history(session, service.SUBJECT, episode.id, limit=5, changes_only=True)
        if stale
        else []
    )
    recorded = service.actions(session, episode)
    may = service.permissions(actor, episode)
    return render(
        request,
        "episodes/detail.html",
        {
            "episode": episode,
            "person": person,
            "reason": reason,
            "saved": saved,
            "errors": errors or {},
            "values": values or {},
            "information": service.information(session, episode),
            "gradings": service.gradings(session, episode),
            "reviews": reviews,
            "open_reviews": [r for r in reviews if r.done_at is None and r.cancelled_at is None],
            "child": service.is_child(person, episode),
            "age": service.age_at(person, episode.reported_at),
            "hours": service.hours_missing(episode),
            "blockers": service.closure_blockers(session, episode, person, recorded),
            "actions": recorded,
            "changes": changes,
            "photos": service.photos(session, episode),
            "action_kinds": service.ACTIONS,
            "tasks": episode_tasks,
            "owners": tasks.owner_names(session, episode_tasks),
            "colleagues": tasks.colleagues(session, actor) if may["update"] else [],
            "enquiries": tasks.ENQUIRIES,
            "owner": _owner_name(session, episode),
            "safe_and_well_due": service.safe_and_well_due(episode),
            "return_interview_due": service.return_interview_due(episode),
            "topics": service.TOPICS,
            "outcomes": service.OUTCOMES,
            "rhi_statuses": service.RHI_STATUSES,
            "indicators": EXPLOITATION_INDICATORS,
            "rhi_hours": get_settings().return_interview_hours,
            "boroughs": service.boroughs(session, actor) if episode.found_at is None else [],
            "may": may,
            "may_review": {r.id: service.can_review(actor, episode, r) for r in reviews},
            "now": clock.now(),
        },
        status_code=(failure_status(errors) if errors else 200),
    )


@pages.post("/episodes/{episode_id}/information")
def add_information(
    request: Request, episode_id: RecordId, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    def work(episode: Episode, person: Person) -> None:
        fields = Fields(form)
        topic = fields.choice("topic", "What the information is about", service.TOPICS)
        text = fields.text("text", "The information", required=True, limit=10_000)
        given_by = fields.text("given_by", "Who gave it", required=True, limit=200)
        contact = fields.text("given_by_contact", "Their contact details", limit=200)
        given_at = fields.when("given_at", "When it was given") or clock.now()
        fields.check()
        service.add_information(
            session,
            actor,
            episode,
            topic=topic or "other",
            text=text or "",
            given_by=given_by or "",
            contact=contact,
            given_at=given_at,
            version=form_version(form),
        )

    return _act(request, session, actor, episode_id, "episode.update", "information", form, work)


# -- grading ----------------------------------------------------------------------------------


def _answers_from(
    form: dict[str, str], lists: dict[str, list[str]], episode: Episode, asked: list[Question]
) -> tuple[RiskAnswers, dict[str, str]]:
    fields = Fields(form, lists)
    values: dict[str, Any] = {}
    for question in asked:
        if question.kind == "flag":
            answer = form.get(question.key)
            values[question.key] = {"yes": True, "no": False}.get(answer or "")
        elif question.kind == "list":
            ticked = fields.choices(question.key, [*EXPLOITATION_INDICATORS, "none"])
            if "none" in ticked:
                values[question.key] = []
            elif ticked:
                values[question.key] = ticked
        elif question.key != "hours_missing":
            values[question.key] = fields.whole(question.key, question.label)
    return RiskAnswers.model_validate(values), fields.errors


def _grading_page(
    request: Request,
    session: Session,
    actor: Actor,
    episode: Episode,
    person: Person,
    answers: dict[str, Any],
    values: dict[str, str],
    errors: dict[str, str],
    *,
    reported: bool = False,
    data: service.ForceData | None = None,
) -> Response:
    policy = current_policy()
    if data is None:
        data = service.force_data(session, actor, person, exclude=episode.id)
    suggestion = service.suggestion_for(person, episode, RiskAnswers.model_validate(answers))
    return render(
        request,
        "episodes/grade.html",
        {
            "episode": episode,
            "person": person,
            "force": data,
            "questions": questions(policy),
            "answers": answers,
            "suggestion": suggestion,
            "policy": policy,
            "grades": GRADES,
            "yes_no_unknown": YES_NO_UNKNOWN,
            "indicator_options": EXPLOITATION_INDICATORS | {"none": "None seen"},
            "values": values,
            "errors": errors,
            "child": service.is_child(person, episode),
            "age": service.age_at(person, episode.reported_at),
            "reported": reported,
            "history": service.gradings(session, episode),
        },
        status_code=failure_status(errors) if errors else 200,
    )


@pages.get("/episodes/{episode_id}/grade")
def grading_form(
    request: Request,
    episode_id: RecordId,
    session: SessionDep,
    actor: ActorDep,
    reported: str | None = None,
) -> Response:
    here = f"/episodes/{episode_id}/grade"
    opened = _open(request, session, actor, episode_id, here, "episode.grade")
    if isinstance(opened, Response):
        return opened
    episode, person, _ = opened
    history = service.gradings(session, episode)
    data = service.force_data(session, actor, person, exclude=episode.id)
    answers = service.prefilled_answers(person, episode, data, history[0] if history else None)
    values = {"grade": episode.risk_grade.value if episode.risk_grade else ""}
    return _grading_page(
        request,
        session,
        actor,
        episode,
        person,
        answers,
        values,
        {},
        reported=bool(reported),
        data=data,
    )


@pages.post("/episodes/{episode_id}/grade/suggest")
def grading_suggestion(
    request: Request,
    episode_id: RecordId,
    session: SessionDep,
    actor: ActorDep,
    form: FormDep,
    lists: ListsDep,
) -> Response:
    """The policy's suggestion for the answers as they stand (HTMX, as the grader answers)."""
    episode = service.find(session, actor, episode_id, "episode.grade")
    person = service.person_of(session, episode)
    answers, _ = _answers_from(form, lists, episode, questions(current_policy()))
    answers = service.complete_answers(session, actor, episode, person, answers)
    suggestion = service.suggestion_for(person, episode, answers)
    return render(request, "episodes/_suggestion.html", {"suggestion": suggestion})


@pages.post("/episodes/{episode_id}/grade")
def save_grading(
    request: Request,
    episode_id: RecordId,
    session: SessionDep,
    actor: ActorDep,
    form: FormDep,
    lists: ListsDep,
) -> Response:
    here = f"/episodes/{episode_id}/grade"
    opened = _open(request, session, actor, episode_id, here, "episode.grade")
    if isinstance(opened, Response):
        return opened
    episode, person, _ = opened
    answers, errors = _answers_from(form, lists, episode, questions(current_policy()))
    fields = Fields(form)
    chosen = fields.choice("grade", "The risk grade", GRADES)
    data = service.GradingInput(
        answers=answers,
        grade=RiskGrade(chosen) if chosen else None,
        rationale=fields.text("rationale", "Your rationale", limit=10_000),
        below_reason=fields.text("below_reason", "Why the grade is lower", limit=10_000),
        cra_decision=fields.text("cra_decision", "The Child Rescue Alert decision", limit=2000),
        version=form_version(form),
    )
    try:
        if errors:
            fields.errors.update(errors)
        fields.check()
        grading = service.grade(session, actor, episode, person, data)
    except HarbourError as exc:
        problems = form_failure(request, exc)
        shown = data.answers.model_dump(exclude_none=True)
        return _grading_page(request, session, actor, episode, person, shown, form, problems)
    saved = "graded-below" if grading.below_reason else "graded"
    return RedirectResponse(f"/episodes/{episode_id}?saved={saved}", status_code=303)


@pages.post("/partials/language")
def language_check(request: Request, actor: ActorDep, form: FormDep) -> Response:
    """Phrases to challenge in a free-text field, as the officer types (HTMX)."""
    name = form.get("field", "")
    report = risk.check_language(actor, form.get(name, "")[:50_000])
    return render(request, "episodes/_language.html", {"report": report})


# -- supervision reviews ----------------------------------------------------------------------


def _review_page(
    request: Request,
    session: Session,
    episode: Episode,
    person: Person,
    review_id: int,
    values: dict[str, str],
    errors: dict[str, str],
) -> Response:
    review = service.find_review(session, episode, review_id)
    return render(
        request,
        "episodes/review.html",
        {
            "episode": episode,
            "person": person,
            "review": review,
            "grades": GRADES,
            "values": values,
            "errors": errors,
            "gradings": service.gradings(session, episode),
            "information": service.information(session, episode),
            "child": service.is_child(person, episode),
            "escalated_to": clocks.escalated(Role(review.rank), review.due_at, clock.now()),
        },
        status_code=failure_status(errors) if errors else 200,
    )


def _check_reviewer(session: Session, actor: Actor, episode_id: int, review_id: int) -> Review:
    """Refuse anyone below the rank the review needs, before asking why they are here."""
    episode = service.find(session, actor, episode_id)
    review = service.find_review(session, episode, review_id)
    service.check_can_do_review(actor, episode, review)
    return review


@pages.get("/episodes/{episode_id}/reviews/{review_id}")
def review_form(
    request: Request,
    episode_id: RecordId,
    review_id: RecordId,
    session: SessionDep,
    actor: ActorDep,
) -> Response:
    _check_reviewer(session, actor, episode_id, review_id)
    here = f"/episodes/{episode_id}/reviews/{review_id}"
    opened = _open(request, session, actor, episode_id, here)
    if isinstance(opened, Response):
        return opened
    episode, person, _ = opened
    return _review_page(request, session, episode, person, review_id, {}, {})


@pages.post("/episodes/{episode_id}/reviews/{review_id}")
def save_review(
    request: Request,
    episode_id: RecordId,
    review_id: RecordId,
    session: SessionDep,
    actor: ActorDep,
    form: FormDep,
) -> Response:
    review = _check_reviewer(session, actor, episode_id, review_id)
    here = f"/episodes/{episode_id}/reviews/{review_id}"
    opened = _open(request, session, actor, episode_id, here)
    if isinstance(opened, Response):
        return opened
    episode, person, _ = opened
    fields = Fields(form)
    new_grade = fields.choice("new_grade", "The new grade", GRADES, required=False)
    data = service.ReviewInput(
        decision=form.get("decision"),
        new_grade=RiskGrade(new_grade) if new_grade else None,
        rationale=fields.text("rationale", "Why the grade changes", limit=10_000),
        plan=fields.text("plan", "The investigation plan", limit=20_000),
        reporter_contact=fields.text("reporter_contact", "Contact with the reporter", limit=5000),
        cra_decision=fields.text("cra_decision", "The Child Rescue Alert decision", limit=2000),
        version=form_version(form),
    )
    try:
        fields.check()
        service.record_review(session, actor, episode, person, review, data)
    except HarbourError as exc:
        errors = form_failure(request, exc)
        return _review_page(request, session, episode, person, review_id, form, errors)
    return RedirectResponse(f"/episodes/{episode_id}?saved=review", status_code=303)


def _board(session: Session, actor: Actor, page: str | None) -> dict[str, Any]:
    number = page_number(page)
    per_page = get_settings().page_size
    rows, total = service.review_board(session, actor, page=number, per_page=per_page)
    return {"rows": rows, "total": total, "page": number, "per_page": per_page, "paginate": True}


@pages.get("/reviews")
def review_board(
    request: Request, session: SessionDep, actor: ActorDep, page: str | None = None
) -> Response:
    return render(request, "episodes/board.html", _board(session, actor, page))


@pages.get("/partials/reviews")
def review_board_rows(
    request: Request, session: SessionDep, actor: ActorDep, page: str | None = None
) -> Response:
    """The board's table alone, refreshed every 30 seconds by HTMX."""
    return render(request, "episodes/_board_table.html", _board(session, actor, page))


# -- return -----------------------------------------------------------------------------------

Step = Callable[[Session, Actor, Episode, Fields, int], None]


def _found(session: Session, actor: Actor, episode: Episode, fields: Fields, version: int) -> None:
    data = service.FoundInput(
        found_at=fields.when("found_at", "Found"),
        found_text=fields.text("found_text", "Where they were found", limit=2000),
        found_with_text=fields.text("found_with_text", "Who they were with", limit=2000),
        found_by=fields.text("found_by", "Who found them", limit=200),
        condition=fields.text("condition", "Their condition", limit=5000),
        outcome=fields.form.get("outcome"),
        version=version,
        borough=fields.choice(
            "found_borough", "The borough", service.boroughs(session, actor), required=False
        ),
    )
    fields.check()
    service.record_found(session, actor, episode, data)


def _safe_and_well(
    session: Session, actor: Actor, episode: Episode, fields: Fields, version: int
) -> None:
    data = service.SafeWellInput(
        held_at=fields.when("held_at", "The check"),
        held_by=fields.text("held_by", "Who did the check", limit=200),
        face_to_face=fields.form.get("face_to_face"),
        where_they_were=fields.text("where_they_were", "Where they were", limit=10_000),
        why=fields.text("why", "Why they went", limit=10_000),
        harm=fields.text("harm", "Harm suffered", limit=10_000),
        disclosures=fields.choices("disclosures", EXPLOITATION_INDICATORS),
        named_people=fields.text("named_people", "People named", limit=5000),
        named_places=fields.text("named_places", "Places named", limit=5000),
        referrals=fields.text("referrals", "Referrals made", limit=5000),
        version=version,
    )
    fields.check()
    service.record_safe_and_well(session, actor, episode, data)


def _return_interview(
    session: Session, actor: Actor, episode: Episode, fields: Fields, version: int
) -> None:
    data = service.ReturnInterviewInput(
        status=fields.form.get("status"),
        offered_at=fields.when("offered_at", "Offered"),
        held_at=fields.when("rhi_held_at", "Held"),
        by=fields.text("by", "Who held it", limit=200),
        findings=fields.text("findings", "Findings", limit=20_000),
        reason=fields.text("reason", "Why it was not held", limit=5000),
        disclosures=fields.choices("rhi_disclosures", EXPLOITATION_INDICATORS),
        version=version,
    )
    fields.check()
    service.record_return_interview(session, actor, episode, data)


class ReturnStep(enum.StrEnum):
    found = "found"
    safe_and_well = "safe-and-well"
    return_interview = "return-interview"


STEPS: dict[ReturnStep, Step] = {
    ReturnStep.found: _found,
    ReturnStep.safe_and_well: _safe_and_well,
    ReturnStep.return_interview: _return_interview,
}


@pages.post("/episodes/{episode_id}/close")
def close(
    request: Request, episode_id: RecordId, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    def work(episode: Episode, person: Person) -> None:
        service.close(session, actor, episode, person, form_version(form))

    return _act(request, session, actor, episode_id, "episode.close", "closed", form, work)


def _owner_name(session: Session, episode: Episode) -> str | None:
    if episode.owner_id is None:
        return None
    return tasks.owner_names_by_id(session, [episode.owner_id]).get(episode.owner_id)


# -- actions, handovers, enquiries, briefing --------------------------------------------------


@pages.post("/episodes/{episode_id}/actions")
def record_action(
    request: Request, episode_id: RecordId, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    def work(episode: Episode, person: Person) -> None:
        fields = Fields(form)
        reference = fields.text("reference", "The reference", limit=200)
        details = fields.text("action_details", "Details", limit=2000)
        at = fields.when("action_at", "When")
        fields.check()
        service.record_action(
            session,
            actor,
            episode,
            kind=form.get("kind"),
            reference=reference,
            details=details,
            at=at,
            version=form_version(form),
        )

    return _act(request, session, actor, episode_id, "episode.update", "action", form, work)


@pages.post("/episodes/{episode_id}/handover")
def hand_over(
    request: Request, episode_id: RecordId, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    def work(episode: Episode, person: Person) -> None:
        owner = tasks.find_colleague(session, actor, form_number(form.get("owner_id")))
        service.hand_over(session, actor, episode, owner, form_version(form))

    return _act(request, session, actor, episode_id, "episode.update", "handover", form, work)


@pages.post("/episodes/{episode_id}/tasks")
def open_enquiry(
    request: Request, episode_id: RecordId, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    def work(episode: Episode, person: Person) -> None:
        fields = Fields(form)
        title = fields.text("title", "The enquiry", required=True, limit=200)
        details = fields.text("task_details", "Details", limit=5000)
        due_at = _due(fields)
        owner = form_number(form.get("task_owner_id"))
        if owner is not None:
            tasks.find_colleague(session, actor, owner)
        fields.check()
        service.open_enquiry(
            session,
            actor,
            episode,
            title=title or "",
            details=details,
            owner_id=owner,
            due_at=due_at,
        )

    return _act(request, session, actor, episode_id, "episode.update", "task", form, work)


def _due(fields: Fields) -> datetime | None:
    """A due time in hours from now (the enquiry form offers 1, 4, 12, 24 hours)."""
    hours = fields.choice(
        "due_hours", "When it is due", ["1", "4", "12", "24", "72"], required=False
    )
    return clock.now() + timedelta(hours=int(hours)) if hours else None


@pages.get("/episodes/{episode_id}/briefing")
def briefing(
    request: Request, episode_id: RecordId, session: SessionDep, actor: ActorDep
) -> Response:
    """A printable sheet for searching officers: description, risk, places, associates."""
    here = f"/episodes/{episode_id}/briefing"
    opened = _open(request, session, actor, episode_id, here)
    if isinstance(opened, Response):
        return opened
    episode, person, _ = opened
    return render(
        request,
        "episodes/briefing.html",
        {
            "episode": episode,
            "person": person,
            "age": service.age_at(person, episode.reported_at),
            "hours": service.hours_missing(episode),
            "force": service.force_data(session, actor, person, exclude=episode.id),
            "gradings": service.gradings(session, episode),
            "information": service.information(session, episode),
            "photos": service.photos(session, episode),
        },
    )


@pages.get("/people/{person_id}/episodes")
def person_timeline(
    request: Request, person_id: RecordId, session: SessionDep, actor: ActorDep
) -> Response:
    """Every episode of a person on a timeline, with the tasks the triggers opened."""
    person = people.find_for_view(session, actor, person_id)
    reason = _justified(request, session, actor, person_id, f"/people/{person_id}/episodes")
    if isinstance(reason, Response):
        return reason
    people.view_person(session, actor, person_id, reason)
    history = service.episodes_of(session, actor, person)
    person_tasks = tasks.tasks_of(session, actor, person_id=person.id)
    return render(
        request,
        "episodes/timeline.html",
        {
            "person": person,
            "episodes": history,
            "hours": {e.id: service.hours_missing(e) for e in history},
            "places": service.place_labels(session, [e.found_place_id for e in history]),
            "tasks": person_tasks,
            "owners": tasks.owner_names(session, person_tasks),
            "kinds": tasks.KINDS,
            "outcomes": service.OUTCOMES,
            "can_report": service.permissions_to_report(actor),
        },
    )


@pages.post("/episodes/{episode_id}/photos")
def add_photo(
    request: Request,
    episode_id: RecordId,
    session: SessionDep,
    actor: ActorDep,
    form: FormDep,
    files: FilesDep,
) -> Response:
    def work(episode: Episode, person: Person) -> None:
        fields = Fields(form)
        given_by = fields.text("photo_given_by", "Who gave the photograph", limit=200)
        fields.check()
        service.add_photo(
            session,
            actor,
            episode,
            files.get("photo", b""),
            given_by=given_by,
            version=form_version(form),
        )

    return _act(request, session, actor, episode_id, "episode.update", "photo", form, work)


@pages.get("/episodes/{episode_id}/photos/{photo_id}")
def show_photo(
    request: Request,
    episode_id: RecordId,
    photo_id: RecordId,
    session: SessionDep,
    actor: ActorDep,
) -> Response:
    """The photograph itself, for pages that already asked why the record is being viewed."""
    episode = service.find(session, actor, episode_id)
    reason = audit.justification_for(session, actor.session_id, people.SUBJECT, episode.person_id)
    if reason is None:
        raise Forbidden("Open the episode first and say why you are viewing it.")
    found = service.photo(session, episode, photo_id)
    service.record_view(session, actor, episode, reason)
    return Response(
        found.data,
        media_type=found.content_type,
        headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"},
    )


# Registered last: the path would otherwise shadow /close, /actions, /handover and /tasks.
@pages.post("/episodes/{episode_id}/{step}")
def return_step(
    request: Request,
    episode_id: RecordId,
    step: ReturnStep,
    session: SessionDep,
    actor: ActorDep,
    form: FormDep,
    lists: ListsDep,
) -> Response:
    """Record a step of the return: found, the safe-and-well check, the return interview."""

    def work(episode: Episode, person: Person) -> None:
        STEPS[step](session, actor, episode, Fields(form, lists), form_version(form))

    return _act(request, session, actor, episode_id, "episode.update", step.value, form, work)
