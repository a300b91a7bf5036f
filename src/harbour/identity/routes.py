"""Pages and API for identity: the review queue, a pair side by side, merges and unmerges."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from harbour.access import service as access
from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.errors import HarbourError, JustificationRequired, NotFound, ValidationFailed
from harbour.identity import candidates, merging, service
from harbour.identity.models import PersonMerge
from harbour.people.models import Person
from harbour.web import (
    ActorDep,
    FormDep,
    RecordId,
    SessionDep,
    api_router,
    failure_status,
    form_failure,
    page_router,
    render,
)
from harbour.web.forms import form_number, form_version

pages = page_router()
api = api_router(prefix="/api/v1", tags=["identity"])

PER_PAGE = 20


def _reasons(
    request: Request, session: Session, actor: Actor, person_ids: list[int], here: str
) -> dict[int, str]:
    """Return this sign-in's reason for each record, or the page that asks for the first missing.

    The person's justification page (harbour.people) sends the reviewer back here.
    """
    given = {}
    for person_id in person_ids:
        reason = audit.require_justification(session, actor, service.SUBJECT, person_id, here)
        given[person_id] = reason
    return given


# -- the queue ---------------------------------------------------------------------------------


@pages.get("/identity/review")
def review_queue(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    show: Annotated[str, Query(pattern="^(open|decided)$")] = "open",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    rows, total = service.queue(session, actor, show=show, page=page, per_page=PER_PAGE)
    return render(
        request,
        "identity/queue.html",
        {
            "rows": rows,
            "total": total,
            "page": page,
            "per_page": PER_PAGE,
            "show": show,
            "counts": service.counts(session, actor),
        },
    )


def _pair_page(
    request: Request,
    session: Session,
    actor: Actor,
    pair_id: int,
    values: dict[str, str],
    errors: dict[str, str],
) -> Response:
    here = f"/identity/pairs/{pair_id}"
    pair = service.find_pair(session, actor, pair_id)
    reasons = _reasons(request, session, actor, [pair.low_id, pair.high_id], here)
    pair, low, high = service.open_pair(session, actor, pair_id, reasons)
    return render(
        request,
        "identity/pair.html",
        {
            "pair": pair,
            "low": low,
            "high": high,
            "levels": service.describe_levels(pair.levels),
            "decisions": service.DECISIONS,
            "values": values,
            "errors": errors,
        },
        status_code=failure_status(errors) if errors else 200,
    )


@pages.get("/identity/pairs/{pair_id}")
def pair_page(
    request: Request, pair_id: RecordId, session: SessionDep, actor: ActorDep
) -> Response:
    return _pair_page(request, session, actor, pair_id, {}, {})


@pages.post("/identity/pairs/{pair_id}")
def decide(
    request: Request, pair_id: RecordId, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    try:
        data = service.PairDecision.of(
            decision=form.get("decision", ""),
            note=form.get("note", "")[:2000],
            keep=form_number(form.get("keep")),
            version=form_version(form),
        )
        merge = service.decide(session, actor, pair_id, data)
    except HarbourError as exc:
        errors = form_failure(request, exc)
        return _pair_page(request, session, actor, pair_id, form, errors)
    if merge is not None:
        return RedirectResponse(f"/people/{merge.survivor_id}/merges?merged=1", status_code=303)
    return RedirectResponse("/identity/review?decided=1", status_code=303)


# -- a person's merges -------------------------------------------------------------------------


def _merges_page(
    request: Request,
    session: Session,
    actor: Actor,
    person_id: int,
    values: dict[str, str],
    errors: dict[str, str],
) -> Response:
    here = f"/people/{person_id}/merges"
    access.fetch(session, actor, Person, person_id, "person.view")  # 404 before asking why
    reasons = _reasons(request, session, actor, [person_id], here)
    person, merges, pairs, others = service.merges_page(session, actor, person_id)
    audit.record(
        session, actor, "view", service.SUBJECT, person_id, justification=reasons[person_id]
    )
    return render(
        request,
        "identity/merges.html",
        {
            "person": person,
            "merges": merges,
            "pairs": pairs,
            "others": others,
            "can_merge": service.can_merge(actor, person),
            "values": values,
            "errors": errors,
            "merged": request.query_params.get("merged") == "1",
        },
        status_code=failure_status(errors) if errors else 200,
    )


@pages.get("/people/{person_id}/merges")
def merges_page(
    request: Request, person_id: RecordId, session: SessionDep, actor: ActorDep
) -> Response:
    return _merges_page(request, session, actor, person_id, {}, {})


@pages.post("/people/{person_id}/merges")
def merge_into(
    request: Request, person_id: RecordId, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    other = form_number(form.get("other"))
    try:
        if other is None:
            raise ValidationFailed(
                "Enter the record number to merge",
                field_errors={"other": "Enter the record number of the other record"},
            )
        merging.merge(session, actor, person_id, other, form.get("reason", ""))
    except HarbourError as exc:
        errors = form_failure(request, exc)
        return _merges_page(request, session, actor, person_id, form, errors)
    return RedirectResponse(f"/people/{person_id}/merges?merged=1", status_code=303)


@pages.post("/people/{person_id}/merges/{merge_id}/undo")
def undo_merge(
    request: Request,
    person_id: RecordId,
    merge_id: RecordId,
    session: SessionDep,
    actor: ActorDep,
    form: FormDep,
) -> Response:
    try:
        record = session.get(PersonMerge, merge_id)
        if record is None or person_id not in (record.survivor_id, record.merged_id):
            raise NotFound("There is no such merge for this person.")
        merging.unmerge(session, actor, merge_id, form.get(f"undo-{merge_id}-reason", ""))
    except HarbourError as exc:
        errors = {
            (f"undo-{merge_id}-reason" if key == "reason" else key): message
            for key, message in form_failure(request, exc).items()
        }
        return _merges_page(request, session, actor, person_id, form, errors)
    return RedirectResponse(f"/people/{person_id}/merges", status_code=303)


# -- API ---------------------------------------------------------------------------------------


class CandidateOut(BaseModel):
    person_id: int
    name: str
    date_of_birth: str | None
    probability: float | None = Field(description="Match probability from the trained model")
    agree: list[str]
    differ: list[str]


class MatchesOut(BaseModel):
    candidates: list[CandidateOut]
    scored: bool = Field(description="False when no model is trained: listed unscored")
    note: str | None
    milliseconds: float


@api.get("/people-matches", response_model=MatchesOut)
def api_matches(
    session: SessionDep,
    actor: ActorDep,
    justification: Annotated[str, Header(alias="X-Justification", min_length=5, max_length=500)],
    given_name: Annotated[str | None, Query(max_length=100)] = None,
    family_name: Annotated[str | None, Query(max_length=100)] = None,
    date_of_birth: Annotated[
        str | None, Query(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$", description="YYYY[-MM[-DD]]")
    ] = None,
    sex: Annotated[str | None, Query(pattern="^(female|male|other|unknown)$")] = None,
    postcode: Annotated[str | None, Query(max_length=10)] = None,
    phone: Annotated[str | None, Query(max_length=30)] = None,
) -> MatchesOut:
    """Candidate matches for a person being reported, best first, with what agrees and differs."""
    if not justification.strip():
        raise JustificationRequired("Say why you are searching (send the X-Justification header).")
    typed = candidates.Typed(given_name, family_name, date_of_birth, sex, postcode, phone)
    lookup = candidates.find(session, actor, typed, justification=justification.strip())
    rows = candidates.rows(session, lookup)
    return MatchesOut(
        candidates=[CandidateOut(**{k: v for k, v in r.items() if k != "person"}) for r in rows],
        scored=lookup.scored,
        note=lookup.note,
        milliseconds=round(lookup.milliseconds, 1),
    )
