"""Demo organisations, teams and one user per role, for a developer's machine only.

All names are invented. Demo accounts are refused when `HARBOUR_ENV=production`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour import clock
from harbour.access import agreements
from harbour.access.agreements import Agreement
from harbour.actor import Actor, Role
from harbour.auth import service as auth
from harbour.auth.models import Organisation, OrganisationKind, User
from harbour.errors import Forbidden
from harbour.partners import meetings
from harbour.partners import service as partners
from harbour.partners.models import Meeting
from harbour.partners.schemas import AgreementInput, NamedCaseInput
from harbour.people import service as people
from harbour.people.models import Person, Sex
from harbour.people.schemas import PersonCreate
from harbour.settings import get_settings

DEMO_PASSWORD = "harbour-demo-password"  # noqa: S105  (development only; refused in production)

FORCE = "Thamesmouth Police (demo force)"
ORGANISATIONS: list[tuple[str, OrganisationKind, list[str]]] = [
    (
        FORCE,
        OrganisationKind.force,
        [
            "Central Vulnerability Hub",
            "Missing Persons Unit",
            "Exploitation Team",
            "Response Team",
            "Contact Centre",
            "Information Management",
        ],
    ),
    ("Riverside Children's Services (demo)", OrganisationKind.childrens_services, ["Front Door"]),
    ("Northgate NHS Trust (demo)", OrganisationKind.nhs_trust, ["Safeguarding"]),
    ("Capital Ambulance Service (demo)", OrganisationKind.ambulance_service, ["Control Room"]),
    ("Safe Passage Charity (demo)", OrganisationKind.charity, ["Return Interviews"]),
]

USERS: list[tuple[str, str, Role, str, str]] = [
    ("call_handler", "Casey Handler", Role.call_handler, FORCE, "Contact Centre"),
    ("officer", "Olu Officer", Role.officer, FORCE, "Response Team"),
    ("hub_officer", "Harper Hub", Role.hub_officer, FORCE, "Central Vulnerability Hub"),
    ("sergeant", "Sam Sergeant", Role.sergeant, FORCE, "Central Vulnerability Hub"),
    ("inspector", "Indira Inspector", Role.inspector, FORCE, "Central Vulnerability Hub"),
    (
        "superintendent",
        "Sol Superintendent",
        Role.superintendent,
        FORCE,
        "Central Vulnerability Hub",
    ),
    (
        "exploitation_investigator",
        "Eden Investigator",
        Role.exploitation_investigator,
        FORCE,
        "Exploitation Team",
    ),
    ("analyst", "Ari Analyst", Role.analyst, FORCE, "Exploitation Team"),
    (
        "partner_practitioner",
        "Pat Practitioner",
        Role.partner_practitioner,
        "Riverside Children's Services (demo)",
        "Front Door",
    ),
    (
        "health_practitioner",
        "Hana Health",
        Role.partner_practitioner,
        "Northgate NHS Trust (demo)",
        "Safeguarding",
    ),
    (
        "charity_practitioner",
        "Chris Charity",
        Role.partner_practitioner,
        "Safe Passage Charity (demo)",
        "Return Interviews",
    ),
    ("auditor", "Avery Auditor", Role.auditor, FORCE, "Information Management"),
    ("administrator", "Alex Administrator", Role.administrator, FORCE, "Information Management"),
]

# The information-sharing agreements of the demo: (reference, partner, title, purpose, area, who
# it covers, what it shares). The areas are the demo scale's boroughs (`harbour simulate`), so
# the agreements cover simulated children as soon as they are loaded.
AGREEMENTS: list[tuple[str, str, str, str, str | None, list[str], list[str]]] = [
    (
        "ISA-DEMO-001",
        "Riverside Children's Services (demo)",
        "Missing and exploited children: Barnet children's social care",
        "Return home interviews, strategy meetings and safeguarding of children who go missing",
        "Barnet",
        ["looked_after", "open_cases", "named_cases"],
        [
            "identity",
            "address",
            "photo",
            "markers",
            "care",
            "philomena",
            "episodes",
            "return_interviews",
            "meetings",
        ],
    ),
    (
        "ISA-DEMO-002",
        "Northgate NHS Trust (demo)",
        "Vulnerable adults who go missing: Bexley residents",
        "Herbert protocol, and mental-health walk-outs handed to the trust under Right Care Right "
        "Person",
        "Bexley",
        ["residents"],
        ["identity", "phones", "herbert", "episodes"],
    ),
    (
        "ISA-DEMO-003",
        "Safe Passage Charity (demo)",
        "Independent return interviews: named children",
        "Independent return home interviews commissioned by the local authority",
        None,
        ["named_cases"],
        ["identity", "episodes", "return_interviews"],
    ),
]

PEOPLE: list[tuple[str, str, date, Sex]] = [
    ("Amara", "Testwell", date(2011, 3, 14), Sex.female),
    ("Jayden", "Samplefield", date(2009, 11, 2), Sex.male),
    ("Skye", "Democroft", date(2012, 7, 21), Sex.female),
    ("Reuben", "Mockridge", date(2010, 1, 30), Sex.male),
    ("Edith", "Fauxley", date(1938, 5, 9), Sex.female),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    organisation: str
    team: str
    created: bool


def set_up(session: Session, actor: Actor) -> list[DemoUser]:
    """Create (or keep) the demo organisations, teams, users and a few invented people."""
    if get_settings().env == "production":
        raise Forbidden("Demo accounts are not created when HARBOUR_ENV=production")
    orgs = {}
    teams = {}
    for name, kind, team_names in ORGANISATIONS:
        org = auth.ensure_organisation(session, actor, name, kind)
        orgs[name] = org
        for team_name in team_names:
            teams[(name, team_name)] = auth.ensure_team(session, actor, org, team_name)
    made: list[DemoUser] = []
    for username, display, role, org_name, team_name in USERS:
        exists = session.scalar(select(User).where(User.username == username)) is not None
        if not exists:
            auth.create_user(
                session,
                actor,
                username=username,
                role=role,
                organisation=orgs[org_name],
                team=teams[(org_name, team_name)],
                password=DEMO_PASSWORD,
                display_name=display,
            )
        made.append(DemoUser(username, role, org_name, team_name, not exists))
    if session.scalar(select(Person.id).limit(1)) is None:
        hub = session.scalar(select(User).where(User.username == "hub_officer"))
        if hub is not None:
            hub_actor = auth.actor_for(hub, channel=actor.channel)
            for given, family, born, sex in PEOPLE:
                people.create_person(
                    session,
                    hub_actor,
                    PersonCreate(given_name=given, family_name=family, date_of_birth=born, sex=sex),
                )
    # The first demo child: named on the agreements that name cases, and at a meeting.
    child = session.scalar(
        select(Person.id).where(Person.family_name == PEOPLE[0][1]).order_by(Person.id)
    )
    _agreements(session, actor, orgs, child)
    _meeting(session, actor, child)
    return made


def _meeting(session: Session, actor: Actor, child: int | None) -> None:
    """A strategy meeting about the first demo child (named on two agreements), once."""
    if session.scalar(select(Meeting.id).limit(1)) is not None:
        return
    hub = session.scalar(select(User).where(User.username == "hub_officer"))
    if hub is None or child is None:
        return
    meetings.record(
        session,
        auth.actor_for(hub, channel=actor.channel),
        meetings.MeetingInput(
            kind="strategy",
            held_at=clock.now() - timedelta(days=2),
            chair="Team manager, Riverside Children's Services (demo)",
            attendees=[
                meetings.Attendee(
                    name="Jo Ward",
                    role="Social worker",
                    organisation="Riverside Children's Services (demo)",
                ),
                meetings.Attendee(name="Harper Hub", role="Hub officer", organisation=FORCE),
                meetings.Attendee(
                    name="Sky Mentor",
                    role="Return interview worker",
                    organisation="Safe Passage Charity (demo)",
                ),
            ],
            child_ids=[child],
            information=(
                "Police: two episodes this month, found at a flat in the town centre. School: "
                "absent on Fridays. Social care: new phone and clothes she will not explain."
            ),
            decisions=[
                meetings.Decision(
                    kind="s47", person_id=child, text="A section 47 enquiry, led by social care"
                ),
                meetings.Decision(kind="safety_plan", person_id=child, text="A safety plan"),
            ],
            minutes="Invented minutes for the demo: the agencies agreed to meet again in a week.",
        ),
    )


def _agreements(
    session: Session, actor: Actor, orgs: dict[str, Organisation], child: int | None
) -> None:
    """The demo's agreements (kept if they exist), those that name cases naming `child`."""
    today = agreements.today()
    for reference, partner, title, purpose, area, covers, fields in AGREEMENTS:
        if session.scalar(select(Agreement.id).where(Agreement.reference == reference)):
            continue
        made = partners.create_agreement(
            session,
            replace(actor, organisation_id=orgs[FORCE].id),
            AgreementInput(
                reference=reference,
                title=title,
                partner_id=orgs[partner].id,
                purpose=purpose,
                condition="safeguarding",
                area=area,
                covers=covers,
                fields=fields,
                starts_on=today - timedelta(days=90),
                review_on=today + timedelta(days=275),
            ),
        )
        if "named_cases" in covers and child is not None:
            partners.name_case(
                session,
                actor,
                made.id,
                NamedCaseInput(person_id=child, reason="Demo: a child the partner works with"),
            )
