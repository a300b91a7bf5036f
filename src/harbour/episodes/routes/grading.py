"""Grading: the questions beside the force's data, the live suggestion, and saving the grade."""

from __future__ import annotations

from typing import Any, get_args

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.episodes import service
from harbour.episodes.models import Episode
from harbour.episodes.routes.common import GRADES, YES_NO_UNKNOWN, _open
from harbour.errors import HarbourError
from harbour.people import service as people
from harbour.people.models import FLAGS, Person
from harbour.risk import service as risk
from harbour.risk.grades import RiskGrade
from harbour.risk.policy import current_policy
from harbour.risk.questions import EXPLOITATION_INDICATORS, Question, questions
from harbour.risk.schemas import ForceFlag, RiskAnswers
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
from harbour.web.forms import Fields, form_version

pages = page_router()


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
        elif question.kind == "flags":
            values[question.key] = fields.choices(question.key, get_args(ForceFlag)) or None
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
            "flag_options": {f: FLAGS.get(f, f.replace("_", " ")) for f in get_args(ForceFlag)},
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
    reason = audit.justification_for(session, actor.session_id, people.SUBJECT, episode.person_id)
    if reason is None:  # the grading page asks why first; nothing personal without it
        return render(request, "episodes/_suggestion.html", {"suggestion": None})
    service.record_view(session, actor, episode, reason)
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
    episode, person, _ = opened
    answers, errors = _answers_from(form, lists, episode, questions(current_policy()))
    fields = Fields(form)
    fields.errors.update(errors)
    chosen = fields.choice("grade", "The risk grade", GRADES)
    try:
        data = fields.build(
            service.GradingInput,
            answers=answers,
            grade=RiskGrade(chosen) if chosen else None,
            rationale=fields.text("rationale", "Your rationale", limit=10_000),
            below_reason=fields.text("below_reason", "Why the grade is lower", limit=10_000),
            override_reason=fields.text(
                "override_reason", "Why you set aside what the force holds", limit=10_000
            ),
            cra_decision=fields.text("cra_decision", "The Child Rescue Alert decision", limit=2000),
            force_data_shown=form.get("force_data_shown") == "yes",
            version=form_version(form),
        )
        grading = service.grade(session, actor, episode, person, data)
    except HarbourError as exc:
        problems = form_failure(request, exc)
        shown = answers.model_dump(exclude_none=True)
        return _grading_page(request, session, actor, episode, person, shown, form, problems)
    saved = "graded-below" if grading.below_reason else "graded"
    return RedirectResponse(f"/episodes/{episode_id}?saved={saved}", status_code=303)


@pages.post("/partials/language")
def language_check(request: Request, actor: ActorDep, form: FormDep) -> Response:
    """Phrases to challenge in a free-text field, as the officer types (HTMX)."""
    name = form.get("field", "")
    report = risk.check_language(actor, form.get(name, "")[:50_000])
    return render(request, "episodes/_language.html", {"report": report})
