"""The pages of a person's record: the summary, the timeline, and the justification they share.

Every page of a person's record asks this sign-in why it needs the record first
(`audit.require_justification`); the reason is posted to `/people/{id}/justify`, which sends the
user back to the page that asked.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from harbour.access import service as access
from harbour.audit import routes as audit_pages
from harbour.audit import service as audit
from harbour.casefile import service
from harbour.errors import HarbourError
from harbour.exploitation import service as exploitation
from harbour.partners import service as partners
from harbour.people import service as people
from harbour.web import ActorDep, RecordId, SessionDep, page_router, render

pages = page_router()
# Episode pages ask for the person's justification and come back here afterwards.
EPISODE_PAGE = re.compile(r"/episodes/\d{1,10}(/[a-z-]{1,30}(/\d{1,10})?)?")
# So do the review queue's side-by-side pages and a person's merges.
IDENTITY_PAGE = re.compile(r"/identity/pairs/\d{1,10}|/people/\d{1,10}/(merges|intelligence)")
# So do an adult's disruption ledger, one disruption, and a warning notice issued from the ledger.
DISRUPTION_PAGE = re.compile(
    r"/people/\d{1,10}/disruption(/cawn\?child=\d{1,10})?|/disruptions/\d{1,10}"
)
# So does the return home interview a partner records.
INTERVIEW_PAGE = re.compile(r"/shared/episodes/\d{1,10}/interview")


@pages.get("/people/{person_id}")
def person_page(
    request: Request,
    person_id: RecordId,
    session: SessionDep,
    actor: ActorDep,
    saved: str | None = None,
) -> Response:
    """The person's summary: facts, flags and the record's recent changes; for a partner who
    sees the person through an information-sharing agreement, what the agreement shares."""
    person = people.find_for_view(session, actor, person_id, shared=True)
    here = f"/people/{person_id}"
    reason = audit.require_justification(session, actor, people.SUBJECT, person_id, here)
    if access.shared_only(actor, person):
        shared = partners.shared_record(session, actor, person, reason)
        return render(request, "partners/shared_person.html", shared)
    context = service.summary(session, actor, person_id, reason)
    return render(request, "casefile/summary.html", context | {"saved": bool(saved)})


@pages.get("/people/{person_id}/episodes")
def person_timeline(
    request: Request, person_id: RecordId, session: SessionDep, actor: ActorDep
) -> Response:
    """Every episode of a person on a timeline, with the tasks the triggers opened and the
    exploitation screening, NRM referrals and warning notices."""
    person = people.find_for_view(session, actor, person_id)
    here = f"/people/{person_id}/episodes"
    reason = audit.require_justification(session, actor, people.SUBJECT, person_id, here)
    context = service.timeline(session, actor, person, reason)
    saved = exploitation.SAVED.get(request.query_params.get("saved", ""))
    context["screening"] |= {"saved": saved, "values": {}, "lists": {}, "errors": {}}
    return render(request, "casefile/timeline.html", context)


@pages.post("/people/{person_id}/justify")
def justify(
    request: Request,
    person_id: RecordId,
    session: SessionDep,
    actor: ActorDep,
    reason: Annotated[str, Form()] = "",
    details: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    """Keep why this sign-in needs the record, then go on to the page that asked."""
    people.find_for_view(session, actor, person_id, shared=True)
    home = f"/people/{person_id}"
    allowed = next in {home + page for page in people.RECORD_PAGES} | {f"/episodes/new/{person_id}"}
    known = (
        EPISODE_PAGE.fullmatch(next)
        or IDENTITY_PAGE.fullmatch(next)
        or DISRUPTION_PAGE.fullmatch(next)
        or INTERVIEW_PAGE.fullmatch(next)
    )
    target = next if allowed or known else home
    try:
        text = audit.compose_reason(reason, details)
    except HarbourError as exc:
        request.state.rollback = True
        return audit_pages.justify_page(
            request, people.SUBJECT, person_id, exc.field_errors, target
        )
    audit.give_justification(session, actor, people.SUBJECT, person_id, text)
    return RedirectResponse(target, status_code=303)
