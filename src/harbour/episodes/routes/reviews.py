"""Supervision reviews: the review form and the board of reviews due and overdue."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from harbour import clock
from harbour.actor import Actor, Role
from harbour.episodes import clocks, service
from harbour.episodes.models import Episode, Review
from harbour.episodes.routes.common import GRADES, _open
from harbour.errors import HarbourError
from harbour.people.models import Person
from harbour.risk import language
from harbour.risk.grades import RiskGrade
from harbour.settings import get_settings
from harbour.web import (
    ActorDep,
    FormDep,
    RecordId,
    SessionDep,
    failure_status,
    form_failure,
    page_number,
    page_router,
    render,
)
from harbour.web.forms import Fields, form_version

pages = page_router()


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
    graded = service.gradings(session, episode)
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
            "gradings": graded,
            "language_phrases": language.flagged_phrases(graded[0].rationale if graded else None),
            "language_verdicts": language.VERDICTS,
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
    episode, person, _ = opened
    fields = Fields(form)
    new_grade = fields.choice("new_grade", "The new grade", GRADES, required=False)
    try:
        data = fields.build(
            service.ReviewInput,
            decision=form.get("decision"),
            new_grade=RiskGrade(new_grade) if new_grade else None,
            rationale=fields.text("rationale", "Why the grade changes", limit=10_000),
            plan=fields.text("plan", "The investigation plan", limit=20_000),
            reporter_contact=fields.text(
                "reporter_contact", "Contact with the reporter", limit=5000
            ),
            cra_decision=fields.text("cra_decision", "The Child Rescue Alert decision", limit=2000),
            remote_agreed=fields.choice(
                "remote_agreed", "Whether the check may stand", ("yes", "no"), required=False
            ),
            language={k: v[:2000] for k, v in form.items() if k.startswith("language_")},
            version=form_version(form),
        )
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
