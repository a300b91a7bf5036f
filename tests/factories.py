"""Plain factories: `make_x(session, **overrides)` returns a saved row."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from harbour.actor import Actor, Channel, Role, system_actor
from harbour.auth import credentials
from harbour.auth import service as auth
from harbour.auth.models import Organisation, OrganisationKind, Team, User
from harbour.calls.models import Call
from harbour.episodes import service as episodes
from harbour.episodes.models import Episode
from harbour.people import service as people
from harbour.people.models import Person
from harbour.people.schemas import PersonCreate
from harbour.risk.grades import RiskGrade
from harbour.risk.schemas import RiskAnswers
from harbour.tasks.models import Task

if TYPE_CHECKING:
    from harbour.access.agreements import Agreement

PASSWORD = "correct-horse-battery"
_seq = itertools.count(1)
ADMIN = system_actor(Channel.job, name="tests")


def make_org(
    session: Session, name: str | None = None, kind: OrganisationKind = OrganisationKind.force
) -> Organisation:
    return auth.ensure_organisation(session, ADMIN, name or f"Org {next(_seq)}", kind)


def make_team(session: Session, org: Organisation | None = None, name: str | None = None) -> Team:
    return auth.ensure_team(session, ADMIN, org or make_org(session), name or f"Team {next(_seq)}")


def make_user(
    session: Session,
    role: Role = Role.hub_officer,
    *,
    team: Team | None = None,
    org: Organisation | None = None,
    username: str | None = None,
    password: str = PASSWORD,
) -> User:
    if team is None:
        team = make_team(session, org)
    organisation = session.get(Organisation, team.organisation_id)
    assert organisation is not None
    return auth.create_user(
        session,
        ADMIN,
        username=username or f"{role.value.replace('_', '-')}-{next(_seq)}",
        role=role,
        organisation=organisation,
        team=team,
        password=password,
        display_name=f"Test {role.label}",
    )


def actor_of(
    user: User, channel: Channel = Channel.web, session_id: str | None = "test-session"
) -> Actor:
    return auth.actor_for(user, channel=channel, session_id=session_id)


def make_colleague(session: Session, user: User, role: Role) -> User:
    """Someone of another team in the same organisation as `user`."""
    org = session.get(Organisation, user.organisation_id)
    return make_user(session, role, team=make_team(session, org))


def make_person(session: Session, owner: User | None = None, **fields: object) -> Person:
    owner = owner or make_user(session)
    data = {"given_name": "Ada", "family_name": f"Example{next(_seq)}"} | fields
    return people.create_person(session, actor_of(owner), PersonCreate(**data))  # type: ignore[arg-type]


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> None:
    page = client.get("/sign-in")
    token = csrf_from(page.text)
    response = client.post(
        "/sign-in",
        data={"username": username, "password": password, "csrf_token": token, "next": "/"},
    )
    assert response.status_code == 303, response.text[:500]


def justify(client: TestClient, person_id: int, next_url: str) -> None:
    """Give the usual reason for opening a person's records, as the justification page asks."""
    token = csrf_from(client.get("/").text)
    response = client.post(
        f"/people/{person_id}/justify",
        data={"reason": "active_investigation", "next": next_url, "csrf_token": token},
    )
    assert response.status_code == 303 and response.headers["location"] == next_url


def api_token(session: Session, user: User) -> str:
    _, plain = credentials.create_token(session, actor_of(user), user, name="tests")
    session.commit()
    return plain


def make_episode(
    session: Session,
    owner: User,
    person: Person | None = None,
    *,
    grade: RiskGrade | None = None,
    **report: object,
) -> Episode:
    """Report a person missing (a new child of 14 unless given) and grade it if asked."""
    from datetime import date

    from harbour import clock

    if person is None:
        born = clock.now().date().replace(day=1) - timedelta(days=14 * 366)
        person = make_person(session, owner, date_of_birth=date(born.year, born.month, 1))
    data = {"reporter_name": "Pat Example", "reporter_relationship": "mother"} | report
    actor = actor_of(owner)
    episode = episodes.report(session, actor, person, episodes.ReportInput(**data))  # type: ignore[arg-type]
    if grade is not None:
        episodes.grade(
            session,
            actor,
            episode,
            person,
            episodes.GradingInput(
                answers=RiskAnswers(),
                grade=grade,
                rationale="Factory grading",
                below_reason="Factory grading below the suggestion",
                cra_decision="Considered; not appropriate (factory)",
                version=episode.version,
            ),
        )
    return episode


def make_found_episode(
    session: Session, owner: User, person: Person | None = None, **found: object
) -> Episode:
    """A medium-risk episode of `person` (a new child of 14 unless given), found just now."""
    from harbour import clock

    episode = make_episode(session, owner, person, grade=RiskGrade.medium)
    data = {
        "found_at": clock.now(),
        "found_text": "At a friend's flat",
        "found_by": "PC 1",
        "outcome": "found_safe",
        "version": episode.version,
    } | found
    return episodes.record_found(session, actor_of(owner), episode, episodes.FoundInput(**data))  # type: ignore[arg-type]


def make_task(
    session: Session,
    user: User,
    episode: Episode,
    *,
    kind: str = "enquiry",
    title: str = "Collect CCTV",
    owner: User | None = None,
) -> Task:
    """A task on an episode, opened by `user`, in the episode's organisation and team."""
    from harbour.tasks import service as tasks

    return tasks.open_task(
        session,
        actor_of(user),
        organisation_id=episode.organisation_id,
        team_id=episode.team_id,
        kind=kind,
        title=title,
        person_id=episode.person_id,
        episode_id=episode.id,
        owner_id=owner.id if owner else None,
    )


def make_call(
    session: Session,
    owner: User,
    person: Person | None = None,
    *,
    narrative: str = "Caller is worried about her neighbour, who has not been seen for two days.",
    caller_type: str | None = "public",
    **fields: object,
) -> Call:
    """Record a live call (awaiting a decision) as `owner`, about `person` if given."""
    from harbour.calls import records as calls
    from harbour.calls.schemas import CallerType

    data = {
        "caller": "Jo Example",
        "caller_type": CallerType(caller_type) if caller_type else None,
        "caller_relationship": "neighbour",
        "caller_contact": "07700 900111",
        "location_text": "12 Example Road",
        "narrative": narrative,
    } | fields
    return calls.record_call(
        session,
        actor_of(owner),
        calls.CallInput(**data),  # type: ignore[arg-type]
        person_id=person.id if person else None,
    )


def make_partner(
    session: Session, kind: OrganisationKind = OrganisationKind.childrens_services
) -> User:
    """A practitioner of a new partner organisation of this kind."""
    org = make_org(session, kind=kind)
    return make_user(session, Role.partner_practitioner, team=make_team(session, org))


def make_agreement(
    session: Session,
    partner_org_id: int,
    *,
    named: Iterable[Person] = (),
    fields: Iterable[str] = (),
    **terms: object,
) -> Agreement:
    """An agreement in force since yesterday between the first force and the partner, covering
    the people `named` (unless `terms` say otherwise) and sharing `fields` besides identity."""
    from harbour.access import agreements
    from harbour.partners import service as partners
    from harbour.partners.schemas import AgreementInput, NamedCaseInput

    today = agreements.today()
    values: dict[str, object] = {
        "reference": f"ISA-T-{partner_org_id}-{next(_seq)}",
        "title": "Test agreement",
        "partner_id": partner_org_id,
        "purpose": "Safeguarding children who go missing",
        "condition": "safeguarding",
        "covers": ["named_cases"],
        "fields": list(fields),
        "starts_on": today - timedelta(days=1),
        "review_on": today + timedelta(days=365),
    } | terms
    made = partners.create_agreement(session, ADMIN, AgreementInput(**values))  # type: ignore[arg-type]
    for person in named:
        partners.name_case(
            session, ADMIN, made.id, NamedCaseInput(person_id=person.id, reason="Test case")
        )
    return made
