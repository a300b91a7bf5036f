"""Who is acting: the signed-in user, an API client, a CLI operator or a job.

An `Actor` is what services receive instead of a user row, so that every layer below the
authentication layer can know who acts, with which role and scope, without importing it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Role(enum.StrEnum):
    """The roles of Harbour, spelt as machines read them."""

    call_handler = "call_handler"
    officer = "officer"
    hub_officer = "hub_officer"
    sergeant = "sergeant"
    inspector = "inspector"
    superintendent = "superintendent"
    exploitation_investigator = "exploitation_investigator"
    analyst = "analyst"
    partner_practitioner = "partner_practitioner"
    auditor = "auditor"
    administrator = "administrator"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.call_handler: "Call handler",
    Role.officer: "Officer",
    Role.hub_officer: "Hub officer",
    Role.sergeant: "Sergeant",
    Role.inspector: "Inspector",
    Role.superintendent: "Superintendent",
    Role.exploitation_investigator: "Exploitation investigator",
    Role.analyst: "Analyst",
    Role.partner_practitioner: "Partner practitioner",
    Role.auditor: "Auditor",
    Role.administrator: "Administrator",
}


class Channel(enum.StrEnum):
    web = "web"
    api = "api"
    cli = "cli"
    job = "job"


@dataclass(frozen=True)
class Actor:
    """A person or process acting in Harbour, with what the access policy needs to know."""

    id: int | None
    username: str
    display_name: str
    role: Role | None
    organisation_id: int | None
    team_id: int | None
    channel: Channel = Channel.web
    request_id: str | None = None
    session_id: str | None = None


def system_actor(channel: Channel = Channel.cli, name: str = "system") -> Actor:
    """Return the actor for administration run from the command line or a job."""
    return Actor(
        id=None,
        username=name,
        display_name=f"{name} ({channel.value})",
        role=Role.administrator,
        organisation_id=None,
        team_id=None,
        channel=channel,
    )


def anonymous_actor(name: str, request_id: str | None = None) -> Actor:
    """Return the actor for someone not signed in (a failed sign-in under an unknown name)."""
    return Actor(
        id=None,
        username=name,
        display_name=f"anonymous ({name})" if name else "anonymous",
        role=None,
        organisation_id=None,
        team_id=None,
        channel=Channel.web,
        request_id=request_id,
    )
