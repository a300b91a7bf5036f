"""The exploitation team's alert inbox, an alert with its evidence and network, and the graph."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import Form, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from harbour import clock, timefmt
from harbour.access import service as access
from harbour.actor import Actor
from harbour.audit import routes as audit_pages
from harbour.audit import service as audit
from harbour.errors import Forbidden, HarbourError, ValidationFailed
from harbour.network import alerts, geography, intelligence, paths, telling, timeline, view, words
from harbour.network.models import NetworkAlert
from harbour.network.schemas import TYPES, IntelligenceInput
from harbour.people.models import HANDLING_CODE, INTELLIGENCE_ASSESSMENT, SOURCE_EVALUATION, Person
from harbour.validation import LARGEST_ID
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
from harbour.web.forms import Fields, form_number, form_version

pages = page_router()

PER_PAGE = 20


@pages.get("/network/alerts")
def inbox(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    show: Annotated[str, Query(pattern="^(open|mine|dismissed)$")] = "open",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    rows, total = alerts.inbox(session, actor, show=show, page=page, per_page=PER_PAGE)
    return render(
        request,
        "network/inbox.html",
        {
            "rows": rows,
            "total": total,
            "page": page,
            "per_page": PER_PAGE,
            "show": show,
            "labels": telling.KIND_LABELS,
            "subjects": words.subjects(session, actor, rows),
        },
    )


def _intelligence_page(
    request: Request,
    session: Session,
    actor: Actor,
    person_id: int,
    values: dict[str, str],
    errors: dict[str, str],
) -> Response:
    person = access.fetch(session, actor, Person, person_id, "person.view")
    reason = audit.require_justification(
        session, actor, "person", person_id, f"/people/{person_id}/intelligence"
    )
    audit.record(session, actor, "view", "person", person_id, justification=reason)
    return render(
        request,
        "network/intelligence.html",
        {
            "person": person,
            "rows": intelligence.links_of(session, actor, person),
            "types": TYPES,
            "sources": SOURCE_EVALUATION,
            "assessments": INTELLIGENCE_ASSESSMENT,
            "handling": HANDLING_CODE,
            "can_record": access.can(actor, "intelligence.record", person),
            "values": values,
            "errors": errors,
            "saved": request.query_params.get("saved") == "1",
        },
        status_code=failure_status(errors) if errors else 200,
    )


@pages.get("/people/{person_id}/intelligence")
def intelligence_page(
    request: Request, person_id: RecordId, session: SessionDep, actor: ActorDep
) -> Response:
    return _intelligence_page(request, session, actor, person_id, {}, {})


@pages.post("/people/{person_id}/intelligence")
def record_intelligence(
    request: Request, person_id: RecordId, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    person = access.fetch(session, actor, Person, person_id, "person.view")
    fields = Fields(form)
    try:
        observed = fields.day("observed", "The date")
        data = fields.build(
            IntelligenceInput,
            type=form.get("type") or None,
            **{f: fields.text(f, f, limit=100) for f in ("other_person", "place", "phone")},
            registration=fields.text("registration", "The registration", limit=100),
            intel_source=form.get("intel_source") or None,
            intel_assessment=form.get("intel_assessment") or None,
            intel_handling=form.get("intel_handling") or None,
            source_text=fields.text("source_text", "The intelligence", limit=10_000),
            observed_at=timefmt.local_noon(observed) if observed else None,
        )
        intelligence.record(session, actor, person, data)
    except HarbourError as exc:
        errors = form_failure(request, exc)
        return _intelligence_page(request, session, actor, person_id, form, errors)
    return RedirectResponse(f"/people/{person_id}/intelligence?saved=1", status_code=303)


@pages.get("/network/map")
def hotspot_map(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    """Hotspots and county-lines routes over the force's boroughs, drawn from its own places."""
    drawn = geography.build(session, actor)
    return render(request, "network/map.html", {"map": drawn})


def _alert_page(
    request: Request,
    session: Session,
    actor: Actor,
    alert_id: int,
    values: dict[str, str],
    errors: dict[str, str],
) -> Response:
    alert = alerts.find(session, actor, alert_id)
    reason = audit.require_justification(session, actor, alerts.SUBJECT, alert_id, "")
    alerts.view(session, actor, alert, reason)
    return render(
        request,
        "network/alert.html",
        {
            "alert": alert,
            "labels": telling.KIND_LABELS,
            "children": alerts.children(session, actor, alert),
            "subject": words.subjects(session, actor, [alert])[alert.id],
            "subject_key": words.subject_key(alert),
            "evidence": words.grouped(session, actor, alert),
            "timeline": timeline.timeline(session, actor, alert),
            "day": words.day,
            "notes": alerts.notes(session, alert),
            "colleagues": alerts.colleagues(session, actor),
            "can_work": access.can(actor, "network.work", alert),
            "link_types": view.LINK_TYPES,
            "values": values,
            "errors": errors,
            "reason": reason,
        },
        status_code=failure_status(errors) if errors else 200,
    )


@pages.get("/network/alerts/{alert_id}")
def alert_page(
    request: Request, alert_id: RecordId, session: SessionDep, actor: ActorDep
) -> Response:
    return _alert_page(request, session, actor, alert_id, {}, {})


@pages.post("/network/alerts/{alert_id}/justify")
def justify(
    request: Request,
    alert_id: RecordId,
    session: SessionDep,
    actor: ActorDep,
    reason: Annotated[str, Form()] = "",
    details: Annotated[str, Form()] = "",
) -> Response:
    alerts.find(session, actor, alert_id)
    try:
        text = audit.compose_reason(reason, details)
    except HarbourError as exc:
        request.state.rollback = True
        return audit_pages.justify_page(request, alerts.SUBJECT, alert_id, exc.field_errors)
    audit.give_justification(session, actor, alerts.SUBJECT, alert_id, text)
    return RedirectResponse(f"/network/alerts/{alert_id}", status_code=303)


@pages.post("/network/alerts/{alert_id}")
def act(
    request: Request, alert_id: RecordId, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    action = form.get("action", "")
    try:
        alerts.act(
            session,
            actor,
            alert_id,
            action=action,
            version=form_version(form),
            text=form.get("reason") or form.get("operation") or form.get("text") or "",
            assignee_id=form_number(form.get("assignee_id")),
        )
    except HarbourError as exc:
        errors = form_failure(request, exc)
        return _alert_page(request, session, actor, alert_id, form, errors)
    return RedirectResponse(f"/network/alerts/{alert_id}?done={action}", status_code=303)


@pages.get("/network/graph")
def graph(
    session: SessionDep,
    actor: ActorDep,
    alert: Annotated[int | None, Query(ge=1, le=LARGEST_ID)] = None,
    person: Annotated[int | None, Query(ge=1, le=LARGEST_ID)] = None,
    node: Annotated[str | None, Query(max_length=60)] = None,
    steps: Annotated[int, Query(ge=0, le=view.MAX_STEPS)] = 2,
    since: Annotated[date | None, Query()] = None,
    types: Annotated[str | None, Query(max_length=400)] = None,
) -> Response:
    """The network as Cytoscape.js elements, around an alert or a person (or one of its nodes).

    Viewing it needs the justification given for that alert or person in this sign-in.
    """
    alerts.check_can_view(actor)
    if (alert is None) == (person is None):
        raise ValidationFailed("Ask for the network around one alert or one person")
    if alert is not None:
        centres = _alert_centres(alerts.find(session, actor, alert))
        subject, subject_id = alerts.SUBJECT, alert
    else:
        assert person is not None
        access.fetch(session, actor, Person, person, "person.view")
        subject, subject_id = "person", person
        centres = {f"person:{person}"}
    reason = audit.justification_for(session, actor.session_id, subject, subject_id)
    if reason is None:
        raise Forbidden("Open the alert or the person's record first and say why you need it.")
    if node is not None:
        try:
            kind, key = view.parse_node(node)
        except ValueError as exc:
            raise ValidationFailed(str(exc)) from exc
        view.require_node(session, actor, kind, key)
        # A person's network is theirs: centring it on someone else needs that person's own
        # justification (an alert's justification covers the alert's whole network).
        someone_else = person is not None and kind == "person" and int(key) != person
        unjustified = audit.justification_for(session, actor.session_id, "person", key) is None
        if someone_else and unjustified:
            raise Forbidden("Open that person's record first and say why you need it.")
        centres = {node}
    wanted = set(types.split(",")) & set(view.LINK_TYPES) if types else None
    result = view.walk(session, actor, centres, steps=steps, types=wanted, since=since)
    audit.record(
        session,
        actor,
        "view",
        "network",
        f"{subject}:{subject_id}",
        after={"centres": sorted(centres), "persons": view.persons_in(result)},
        justification=reason,
    )
    return JSONResponse(view.elements(session, result, as_of=clock.now().date(), centres=centres))


def _alert_centres(alert: NetworkAlert) -> set[str]:
    return {f"person:{pid}" for pid in alert.child_ids} | set(alert.member_keys)


@pages.get("/network/path")
def path_page(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    alert: Annotated[int | None, Query(ge=1, le=LARGEST_ID)] = None,
    person: Annotated[int | None, Query(ge=1, le=LARGEST_ID)] = None,
    start: Annotated[str, Query(alias="from", max_length=60)] = "",
    end: Annotated[str, Query(alias="to", max_length=60)] = "",
    steps: Annotated[int, Query(ge=1, le=paths.MAX_STEPS)] = paths.DEFAULT_STEPS,
) -> Response:
    """How two records are connected: the shortest path between them, each step in words.

    Opened from an alert or a person's record, with the justification given for it in this
    sign-in, as the network view is; every record on the path is in the viewer's scope.
    """
    alerts.check_can_view(actor)
    if (alert is None) == (person is None):
        raise ValidationFailed("Open the path finder from an alert or from a person's record")
    if alert is not None:
        alerts.find(session, actor, alert)
        subject, subject_id = alerts.SUBJECT, alert
    else:
        assert person is not None
        access.fetch(session, actor, Person, person, "person.view")
        subject, subject_id = "person", person
    reason = audit.require_justification(session, actor, subject, subject_id, "")
    context = {"alert": alert, "person": person, "from": start, "to": end, "steps": steps}
    page: dict[str, Any] = {
        "context": context,
        "errors": {},
        "path": None,
        "searched": False,
        "reason": reason,
    }
    if not start and not end:
        return render(request, "network/path.html", page)
    found, errors, status = paths.search(session, actor, subject, subject_id, start, end, steps)
    if not errors:
        audit.record(
            session,
            actor,
            "view",
            "network",
            f"{subject}:{subject_id}",
            after={"path": [start, end], "persons": found.persons if found else []},
            justification=reason,
        )
    page |= {"path": found, "errors": errors, "searched": not errors}
    return render(request, "network/path.html", page, status_code=status)
