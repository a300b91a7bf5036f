"""The page on which a partner's practitioner records a child's return home interview."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.episodes import return_home
from harbour.episodes.models import Episode
from harbour.episodes.schemas import RHI_STATUSES, ReturnInterviewInput
from harbour.errors import HarbourError
from harbour.partners import interviews
from harbour.people import service as people
from harbour.people.models import Person
from harbour.risk.questions import EXPLOITATION_INDICATORS
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


def interview_url(episode_id: int) -> str:
    return f"/shared/episodes/{episode_id}/interview"


def _page(
    request: Request,
    session: Session,
    actor: Actor,
    episode: Episode,
    values: dict[str, Any] | None = None,
    lists: dict[str, list[str]] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    here = interview_url(episode.id)
    reason = audit.require_justification(session, actor, people.SUBJECT, episode.person_id, here)
    person = session.get(Person, episode.person_id)
    cover = people.disclose(session, actor, episode.person_id, reason)
    errors = errors or {}
    context = {
        "episode": episode,
        "person": person,
        "cover": cover,
        "due": return_home.return_interview_due(episode),
        "statuses": RHI_STATUSES,
        "indicators": EXPLOITATION_INDICATORS,
        "rows": range(1, interviews.NAMED_ROWS + 1),
        "values": values or {},
        "lists": lists or {},
        "errors": errors,
        "saved": not errors and request.query_params.get("saved") == "1",
        "reason": reason,
    }
    status = failure_status(errors) if errors else 200
    return render(request, "partners/interview.html", context, status_code=status)


@pages.get("/shared/episodes/{episode_id}/interview")
def interview_form(
    request: Request, episode_id: RecordId, session: SessionDep, actor: ActorDep
) -> Response:
    """The return home interview of a child back from missing, for the partner that owes it."""
    episode = interviews.find(session, actor, episode_id)
    return _page(request, session, actor, episode)


@pages.post("/shared/episodes/{episode_id}/interview")
def record_interview(
    request: Request,
    episode_id: RecordId,
    session: SessionDep,
    actor: ActorDep,
    form: FormDep,
    lists: ListsDep,
) -> Response:
    episode = interviews.find(session, actor, episode_id)
    audit.require_justification(
        session, actor, people.SUBJECT, episode.person_id, interview_url(episode_id)
    )
    fields = Fields(form, lists)
    try:
        data = fields.build(
            ReturnInterviewInput,
            status=form.get("status"),
            offered_at=fields.when("offered_at", "Offered"),
            held_at=fields.when("held_at", "Held"),
            by=fields.text("by", "Who held it", limit=200),
            face_to_face=form.get("face_to_face") or None,
            not_face_to_face_reason=fields.text(
                "not_face_to_face_reason", "Why not face to face", limit=2000
            ),
            findings=fields.text("findings", "The child's account", limit=20_000),
            push_factors=fields.text("push_factors", "Push factors", limit=5000),
            pull_factors=fields.text("pull_factors", "Pull factors", limit=5000),
            harm=fields.text("harm", "Harm", limit=5000),
            reason=fields.text("reason", "Why it was not held", limit=5000),
            disclosures=fields.choices("disclosures", EXPLOITATION_INDICATORS),
            version=form_version(form),
        )
        interviews.record(session, actor, episode, data, dict(form))
    except HarbourError as exc:
        errors = form_failure(request, exc)
        return _page(request, session, actor, episode, dict(form), dict(lists), errors)
    return RedirectResponse(f"{interview_url(episode_id)}?saved=1", status_code=303)
