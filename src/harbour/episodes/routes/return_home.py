"""The return: found, the safe-and-well check and the return interview, each a step posted from
the episode page, and closure."""

from __future__ import annotations

import enum
from collections.abc import Callable

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from harbour.actor import Actor
from harbour.episodes import service
from harbour.episodes.models import Episode
from harbour.episodes.routes.page import _act
from harbour.people.forces import FORCES
from harbour.people.models import Person
from harbour.risk.questions import EXPLOITATION_INDICATORS
from harbour.web import (
    ActorDep,
    FormDep,
    ListsDep,
    RecordId,
    SessionDep,
    page_router,
)
from harbour.web.forms import Fields, form_version

pages = page_router()


Step = Callable[[Session, Actor, Episode, Fields, int], None]


def _found(session: Session, actor: Actor, episode: Episode, fields: Fields, version: int) -> None:
    data = fields.build(
        service.FoundInput,
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
        force=fields.choice("force", "The force", list(FORCES), required=False),
        town=fields.text("town", "The town", limit=60),
    )
    service.record_found(session, actor, episode, data)


def _safe_and_well(
    session: Session, actor: Actor, episode: Episode, fields: Fields, version: int
) -> None:
    data = fields.build(
        service.SafeWellInput,
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
        not_face_to_face_reason=fields.text(
            "not_face_to_face_reason", "Why not face to face", limit=5000
        ),
        version=version,
    )
    service.record_safe_and_well(session, actor, episode, data)


def _return_interview(
    session: Session, actor: Actor, episode: Episode, fields: Fields, version: int
) -> None:
    data = fields.build(
        service.ReturnInterviewInput,
        status=fields.form.get("status"),
        offered_at=fields.when("offered_at", "Offered"),
        held_at=fields.when("rhi_held_at", "Held"),
        by=fields.text("by", "Who held it", limit=200),
        findings=fields.text("findings", "Findings", limit=20_000),
        reason=fields.text("reason", "Why it was not held", limit=5000),
        disclosures=fields.choices("rhi_disclosures", EXPLOITATION_INDICATORS),
        # Named apart from the safe-and-well check's fields, which share the page.
        face_to_face=fields.form.get("rhi_face_to_face") or None,
        not_face_to_face_reason=fields.text(
            "rhi_not_face_to_face_reason", "Why not face to face", limit=2000
        ),
        push_factors=fields.text("rhi_push_factors", "Push factors", limit=5000),
        pull_factors=fields.text("rhi_pull_factors", "Pull factors", limit=5000),
        harm=fields.text("rhi_harm", "Harm", limit=5000),
        version=version,
    )
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
