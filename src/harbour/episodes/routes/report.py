"""Starting a missing report: find or create the person (with likely matches), then the form."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.episodes import service
from harbour.errors import HarbourError
from harbour.identity import candidates
from harbour.people import service as people
from harbour.people.models import Person
from harbour.web import (
    ActorDep,
    FilesDep,
    FormDep,
    RecordId,
    SessionDep,
    failure_status,
    form_failure,
    page_router,
    render,
)
from harbour.web.forms import Fields

pages = page_router()


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
    form: dict[str, str], session: Session, actor: Actor
) -> tuple[dict[str, str], list[dict[str, Any]], candidates.Lookup | None]:
    """Score what the call handler has typed against the people on record (identity model).

    What was typed comes in a POST body, never a query string: a name, date of birth, phone and
    postcode in a URL would sit in browser history, proxy and server logs.
    """
    typed = {k: form.get(k, "").strip()[:100] for k in INTAKE_FIELDS}
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
    return _start_page(request, session, actor, q or "", matches, {})


@pages.post("/episodes/new")
def describe_person(
    request: Request, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """The same page with the likely matches for what was typed (without JavaScript)."""
    service.check_can_report(actor)
    return _start_page(request, session, actor, "", [], form)


def _start_page(
    request: Request,
    session: Session,
    actor: Actor,
    q: str,
    matches: list[Person],
    form: dict[str, str],
) -> Response:
    typed, likely, lookup = _intake(form, session, actor)
    return render(
        request,
        "episodes/start.html",
        {"q": q, "matches": matches, "typed": typed, "likely": likely, "lookup": lookup},
    )


@pages.post("/partials/person-matches")
def person_matches(
    request: Request, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """The likely matches alone, refreshed by HTMX as the call handler types."""
    service.check_can_report(actor)
    typed, likely, lookup = _intake(form, session, actor)
    return render(
        request, "episodes/_matches.html", {"typed": typed, "likely": likely, "lookup": lookup}
    )


@pages.get("/episodes/new/{person_id}")
def report_form(
    request: Request, person_id: RecordId, session: SessionDep, actor: ActorDep
) -> Response:
    service.check_can_report(actor)
    person = people.find_for_view(session, actor, person_id)
    reason = audit.require_justification(
        session, actor, people.SUBJECT, person_id, f"/episodes/new/{person_id}"
    )
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
    try:
        data = fields.build(
            service.ReportInput,
            reporter_name=fields.text(
                "reporter_name", "The reporter's name", required=True, limit=200
            )
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
