"""Who is told about an exploitation alert: the exploitation team and the officers who own the
children's episodes when it is raised, and the alert's assignee (or the team) and the new
child's officer when a child joins a network already known."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour.access.policy import roles_with
from harbour.episodes.models import Episode
from harbour.network.models import NetworkAlert
from harbour.people.models import Person
from harbour.tasks import service as tasks

KIND_LABELS = {
    "common_associate": "Common associate",
    "hotspot": "Hotspot",
    "shared_phone": "Shared phone",
    "shared_vehicle": "Shared vehicle",
    "county_lines": "County lines",
    "network": "Network",
}
# The exploitation team of each organisation, looked up once per rebuild.
Teams = dict[int | None, list[int]]


def _team(session: Session, org: int | None, teams: Teams) -> list[int]:
    if org not in teams:
        teams[org] = (
            [] if org is None
            else tasks.users_with_roles(session, org, roles_with("network.alerted"))
        )  # fmt: skip
    return teams[org]


def _owners(session: Session, org: int | None, child_ids: Iterable[int]) -> list[int | None]:
    """The officers who own the children's episodes in the alert's organisation (another
    organisation's officer cannot open the alert)."""
    return list(
        session.scalars(
            select(Episode.owner_id).where(
                Episode.person_id.in_(list(child_ids)),
                Episode.owner_id.is_not(None),
                Episode.organisation_id == org,
            )
        )
    )


def tell_raised(session: Session, alert: NetworkAlert, teams: Teams) -> int:
    """Tell the exploitation team and the officers who own the children's episodes."""
    org = alert.organisation_id
    label = KIND_LABELS.get(alert.kind, alert.kind)
    text = f"{label} alert: {len(alert.child_ids)} children (score {alert.score:.2f})"
    readers = [*_team(session, org, teams), *_owners(session, org, alert.child_ids)]
    return tasks.notify(session, readers, text, f"/network/alerts/{alert.id}")


def tell_joined(session: Session, alert: NetworkAlert, joined: set[int], teams: Teams) -> int:
    """A child has joined a network already known: tell whoever holds the alert (its assignee,
    or the exploitation team while nobody does) and the officers who own the child's
    episodes."""
    if not joined:
        return 0
    org = alert.organisation_id
    names = sorted(
        p.display_name for p in session.scalars(select(Person).where(Person.id.in_(joined)))
    )
    label = KIND_LABELS.get(alert.kind, alert.kind)
    who = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    verb = "has" if len(names) == 1 else "have"
    text = (
        f"{who} {verb} joined a known network: {label} alert, now {len(alert.child_ids)} children"
    )
    holders = [alert.assignee_id] if alert.assignee_id else _team(session, org, teams)
    readers = [*holders, *_owners(session, org, joined)]
    return tasks.notify(session, readers, text, f"/network/alerts/{alert.id}")
