"""Actions, handovers, enquiries, the briefing sheet and photographs (named on return is in
`named`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi import Request
from fastapi.responses import Response

from harbour import clock
from harbour.audit import service as audit
from harbour.episodes import service
from harbour.episodes.models import Episode
from harbour.episodes.routes.common import _open
from harbour.episodes.routes.page import _act
from harbour.errors import Forbidden
from harbour.people import service as people
from harbour.people.models import Person
from harbour.tasks import service as tasks
from harbour.web import (
    ActorDep,
    FilesDep,
    FormDep,
    RecordId,
    SessionDep,
    page_router,
    render,
)
from harbour.web.forms import Fields, form_number, form_version

pages = page_router()


@pages.post("/episodes/{episode_id}/actions")
def record_action(
    request: Request, episode_id: RecordId, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    def work(episode: Episode, person: Person) -> None:
        fields = Fields(form)
        data = fields.build(
            service.ActionInput,
            kind=form.get("kind") or None,
            reference=fields.text("reference", "The reference", limit=200),
            details=fields.text("action_details", "Details", limit=2000),
            at=fields.when("action_at", "When"),
            version=form_version(form),
        )
        service.record_action(session, actor, episode, data)

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
