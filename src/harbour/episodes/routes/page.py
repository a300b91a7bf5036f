"""The episode page itself, and the one pattern of a change posted from it (`act`)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from harbour import clock
from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.episodes import service
from harbour.episodes.models import Episode
from harbour.episodes.routes.common import _open
from harbour.errors import HarbourError
from harbour.people.forces import FORCES
from harbour.people.models import Person
from harbour.risk.questions import EXPLOITATION_INDICATORS
from harbour.settings import get_settings
from harbour.tasks import service as tasks
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
from harbour.web.forms import Fields, form_version

pages = page_router()


@pages.get("/episodes/{episode_id}")
def episode_page(
    request: Request,
    episode_id: RecordId,
    session: SessionDep,
    actor: ActorDep,
    saved: str | None = None,
) -> Response:
    opened = _open(request, session, actor, episode_id, f"/episodes/{episode_id}")
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
    episode_tasks, every_task = service.tasks_on(session, actor, episode)
    # One statement for every name the page shows: the tasks' owners and the episode's.
    owner_ids = [t.owner_id for t in episode_tasks] + [episode.owner_id]
    owners = tasks.owner_names_by_id(session, [i for i in owner_ids if i is not None])
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
            "blockers": service.closure_blockers(
                session, episode, person, recorded, known_reviews=reviews, known_tasks=every_task
            ),
            "actions": recorded,
            "changes": changes,
            "photos": service.photos(session, episode),
            "action_kinds": service.ACTIONS,
            "tasks": episode_tasks,
            "owners": owners,
            "colleagues": tasks.colleagues(session, actor) if may["update"] else [],
            "enquiries": tasks.ENQUIRIES,
            "owner": owners.get(episode.owner_id) if episode.owner_id else None,
            "safe_and_well_due": service.safe_and_well_due(episode),
            "return_interview_due": service.return_interview_due(episode),
            "rhi_late": service.interview_is_late(episode, clock.now()),
            "gated_tasks": service.GATED_TASKS,
            "named_on_return": service.named_on_return(session, actor, episode),
            "named_steps": service.NAMED_STEPS,
            "named_choices": service.NAMED_CHOICES,
            "forces": [f for f in FORCES if f != get_settings().force_name],
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
    episode, person, reason = opened
    try:
        work(episode, person)
    except HarbourError as exc:
        errors = form_failure(request, exc)
        return _episode_page(
            request, session, actor, episode, person, reason, errors=errors, values=form
        )
    return RedirectResponse(f"{here}?saved={saved}", status_code=303)


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
