"""Keep the alerts of each rebuild, and let investigators work them.

`store` folds a rebuild's alerts into the `network_alert` table, one row per organisation, kind
and subject (each organisation's network is analysed apart, decision 18): new alerts are opened
(and the exploitation team and the children's officers told), known ones refreshed, ones no
longer found marked inactive, and a dismissed alert opened again only when the rebuild holds more
evidence than it did when it was dismissed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from harbour import clock, db
from harbour.access import service as access
from harbour.access.policy import scope_for
from harbour.actor import Actor, Channel, Role, system_actor
from harbour.audit import service as audit
from harbour.auth.models import User
from harbour.episodes import schedule
from harbour.episodes.force_data import ForceFact
from harbour.episodes.models import Episode
from harbour.errors import Conflict, ValidationFailed
from harbour.network import telling
from harbour.network.detect import Alert
from harbour.network.models import (
    AlertMember,
    AlertNote,
    AlertStatus,
    NetworkAlert,
    PlaceBaseline,
)
from harbour.network.service import Analysis, Rebuild
from harbour.network.telling import KIND_LABELS
from harbour.people.models import Association, Person, PersonPhone
from harbour.settings import get_settings

SUBJECT = "network_alert"


@dataclass
class StoreSummary:
    new: int = 0
    refreshed: int = 0
    returned: int = 0
    inactive: int = 0
    notified: int = 0
    prompted: int = 0  # regrades prompted of children still missing


def _key(alert: NetworkAlert) -> tuple[str, str, str]:
    # A person subject by its row reference: after a merge, the survivor's id.
    if alert.subject_type == "person" and alert.subject_person_id is not None:
        return (alert.kind, alert.subject_type, str(alert.subject_person_id))
    return (alert.kind, alert.subject_type, alert.subject_key)


def _known(
    rows: Iterable[NetworkAlert],
) -> tuple[dict[tuple[str, str, str], NetworkAlert], list[NetworkAlert]]:
    """The stored alerts by kind and subject; where a merge left two alerts about one person, the
    one filed under the surviving record carries on and the other is returned to retire."""
    known: dict[tuple[str, str, str], NetworkAlert] = {}
    retired: list[NetworkAlert] = []
    for row in rows:
        key = _key(row)
        other = known.get(key)
        if other is None:
            known[key] = row
            continue
        keep, drop = (row, other) if row.subject_key == key[2] else (other, row)
        known[key] = keep
        retired.append(drop)
    return known, retired


def store(
    session: Session,
    analysis: Analysis | Rebuild,
    *,
    min_score: float | None = None,
    subjects: set[str] | None = None,
) -> StoreSummary:
    """Fold a rebuild's alerts (those at or above the minimum score) into the stored ones, each
    organisation's into its own.

    With `subjects` (node keys such as "person:12"), the analysis covers only part of the
    network: only alerts about those subjects are raised or strengthened, none is weakened or
    marked inactive, and networks and routes (which need the whole picture) wait for a rebuild.
    """
    summary = StoreSummary()
    for part in analysis.parts:
        add_up(summary, _store(session, part, min_score, subjects))
    if isinstance(analysis, Rebuild) and subjects is None:
        # An organisation that holds no people any more has nothing left to find.
        gone = select(NetworkAlert).where(
            NetworkAlert.active.is_(True),
            NetworkAlert.organisation_id.not_in(analysis.organisations),
        )
        for row in session.scalars(gone):
            row.active, summary.inactive = False, summary.inactive + 1
        session.flush()
    return summary


def add_up(total: StoreSummary, part: StoreSummary) -> None:
    """Add a part's counts to a total."""
    for name in ("new", "refreshed", "returned", "inactive", "notified", "prompted"):
        setattr(total, name, getattr(total, name) + getattr(part, name))


def _store(
    session: Session,
    analysis: Analysis,
    min_score: float | None,
    subjects: set[str] | None,
) -> StoreSummary:
    """Fold one organisation's alerts into its stored ones."""
    floor = get_settings().network_alert_min_score if min_score is None else min_score
    partial = subjects is not None
    summary = StoreSummary()
    chosen = _chosen(analysis, floor, subjects)
    org = analysis.organisation
    known = select(NetworkAlert).where(NetworkAlert.organisation_id == org)
    if partial:  # only the rows these alerts may update, not every alert the force has
        keys = {str(a.subject.key) for a in chosen}
        ids = {int(k) for k in keys if k.isdigit()}
        known = known.where(
            or_(NetworkAlert.subject_key.in_(keys), NetworkAlert.subject_person_id.in_(ids))
        )
    existing, retired = _known(session.scalars(known))
    analysis.prepare(chosen)  # the external ids of them all, in a few queries
    seen: set[tuple[str, str, str]] = set()
    raised: list[NetworkAlert] = []
    now = clock.now()
    joined: list[tuple[NetworkAlert, set[int]]] = []
    for alert in chosen:
        key = (alert.kind, alert.subject.kind, str(alert.subject.key))
        if key in seen:
            continue
        seen.add(key)
        had = set(existing[key].child_ids or []) if key in existing else set()
        folded = _fold(session, analysis, alert, key, existing.get(key), now, partial)
        if folded is None:
            continue
        row, what = folded
        if what == "refreshed" and had:
            joined.append((row, set(row.child_ids) - had))
        summary.new += what == "new"
        summary.refreshed += what != "new"
        summary.returned += what == "returned"
        if what in ("new", "returned"):
            raised.append(row)
    if not partial:
        for row in [*(r for k, r in existing.items() if k not in seen), *retired]:
            if row.active:
                row.active = False
                summary.inactive += 1
        if analysis.base is not None:
            _keep_baseline(session, org, analysis.base)
    session.flush()
    teams: telling.Teams = {}
    for row in raised:
        summary.notified += telling.tell_raised(session, row, teams)
    for row, children in joined:
        summary.notified += telling.tell_joined(session, row, children, teams)
    # Children still missing when a network is found around them, or who join one, are
    # regraded: the alert is intelligence the grade did not have.
    job = system_actor(Channel.job, name="network")
    for row, children in [*((r, set(r.child_ids or [])) for r in raised), *joined]:
        what = f"{telling.KIND_LABELS.get(row.kind, row.kind)} alert"
        summary.prompted += schedule.new_intelligence(session, job, org, children, what)
    return summary


def _chosen(analysis: Analysis, floor: float, subjects: set[str] | None) -> list[Alert]:
    """The alerts a store takes: at or above the floor, and for a partial analysis only those
    about its subjects (networks and routes wait for a full rebuild)."""
    if subjects is None:
        return [a for a in analysis.alerts if a.score >= floor]
    return [
        a
        for a in analysis.alerts
        if a.score >= floor
        and a.kind not in ("network", "county_lines")
        and f"{a.subject.kind}:{a.subject.key}" in subjects
    ]


def _fold(
    session: Session,
    analysis: Analysis,
    alert: Alert,
    key: tuple[str, str, str],
    row: NetworkAlert | None,
    now: datetime,
    partial: bool,
) -> tuple[NetworkAlert, str] | None:
    """Open a new alert or refresh the stored one with this rebuild's score, children and
    evidence: "new", "refreshed" or "returned" (back after a dismissal, on new evidence). None:
    a partial picture that would weaken a fuller one."""
    g = analysis.g
    described = analysis.describe(alert)
    children = [int(g.nodes[v].key) for v in alert.children]
    count = len(described["evidence"])
    if partial and row is not None and count < row.evidence_count:
        return None  # part of the picture: keep the fuller one
    what = "refreshed"
    if row is None:
        what = "new"
        row = NetworkAlert(
            kind=key[0], subject_type=key[1], subject_key=key[2], first_raised_at=now,
            status=AlertStatus.open, organisation_id=analysis.organisation,
        )  # fmt: skip
        if key[2].isdigit() and key[1] in ("person", "place"):
            setattr(row, f"subject_{key[1]}_id", int(key[2]))
        session.add(row)
    elif row.status is AlertStatus.dismissed and count > (row.dismissed_evidence_count or 0):
        row.status = AlertStatus.open
        new = count - (row.dismissed_evidence_count or 0)
        _note(session, row, None, "returned", f"Back after dismissal: {new} new evidence")
        what = "returned"
    row.subject_key = key[2]  # a merged subject's alert carries on under the survivor
    row.score, row.reason, row.described = alert.score, alert.reason, described
    row.child_ids, row.evidence_count = children, count
    members = [alert.subject, *(g.nodes[v] for v in alert.members)]
    row.member_keys = [f"{n.kind}:{n.key}" for n in members if n.kind != "cluster"]
    row.active, row.last_raised_at = True, now
    return row, what


def _medians(session: Session, organisation: int) -> list[PlaceBaseline]:
    return list(session.scalars(select(PlaceBaseline).filter_by(organisation_id=organisation)))


def _keep_baseline(session: Session, organisation: int, base: dict[str, float]) -> None:
    kept = {b.place_type: b for b in _medians(session, organisation)}
    for place_type, median in base.items():
        row = kept.get(place_type) or PlaceBaseline(
            organisation_id=organisation, place_type=place_type
        )
        row.median_children, row.computed_at = median, clock.now()
        session.add(row)


def baseline(session: Session, organisation: int) -> dict[str, float] | None:
    """An organisation's medians by place type from its last full rebuild (None before the
    first)."""
    rows = _medians(session, organisation)
    return {r.place_type: r.median_children for r in rows} if rows else None


def _note(
    session: Session, alert: NetworkAlert, actor: Actor | None, kind: str, text: str
) -> AlertNote:
    note = AlertNote(
        alert_id=alert.id,
        kind=kind,
        text=text,
        author_id=actor.id if actor else None,
        author_name=actor.display_name if actor else "Harbour (network rebuild)",
        at=clock.now(),
    )
    session.add(note)
    return note


# -- the inbox and the alert page -------------------------------------------------------------


def check_can_view(actor: Actor) -> None:
    access.require(actor, "network.view")


def inbox(
    session: Session, actor: Actor, *, show: str, page: int, per_page: int
) -> tuple[list[NetworkAlert], int]:
    """A page of alerts: open (unassigned and assigned), mine, or dismissed; highest score first."""
    check_can_view(actor)
    where: list[Any] = [access.visible(actor, NetworkAlert)]
    if show == "mine":
        where += [
            NetworkAlert.assignee_id == actor.id,
            NetworkAlert.status != AlertStatus.dismissed,
        ]
    elif show == "dismissed":
        where.append(NetworkAlert.status == AlertStatus.dismissed)
    else:
        where += [NetworkAlert.status != AlertStatus.dismissed, NetworkAlert.active.is_(True)]
    total = session.scalar(select(func.count()).select_from(NetworkAlert).where(*where)) or 0
    rows = list(
        session.scalars(
            select(NetworkAlert)
            .where(*where)
            .order_by(NetworkAlert.score.desc(), NetworkAlert.id)
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
    )
    return rows, total


def find(
    session: Session, actor: Actor, alert_id: int, action: str = "network.view"
) -> NetworkAlert:
    return access.fetch(session, actor, NetworkAlert, alert_id, action)


def view(session: Session, actor: Actor, alert: NetworkAlert, justification: str) -> None:
    audit.record(session, actor, "view", SUBJECT, alert.id, justification=justification)


def notes(session: Session, alert: NetworkAlert) -> list[AlertNote]:
    return list(
        session.scalars(
            select(AlertNote)
            .where(AlertNote.alert_id == alert.id)
            .order_by(AlertNote.at.desc(), AlertNote.id.desc())
        )
    )


def children(session: Session, actor: Actor, alert: NetworkAlert) -> list[Person]:
    """The alert's children the actor may see (by merged record: the one holding the history)."""
    return list(
        session.scalars(
            select(Person)
            .where(Person.id.in_(alert.child_ids), access.visible(actor, Person))
            .order_by(Person.family_name, Person.given_name)
        )
    )


# Whoever the access table lets work alerts may be given one.
WORKERS = [role for role in Role if scope_for(role, "network.work") is not None]


def colleagues(session: Session, actor: Actor) -> list[User]:
    """Who an alert may be assigned to: the force's investigators, analysts and supervisors."""
    return list(
        session.scalars(
            select(User)
            .where(
                User.organisation_id == actor.organisation_id,
                User.is_active.is_(True),
                User.role.in_(WORKERS),
            )
            .order_by(User.display_name)
        )
    )


def act(
    session: Session,
    actor: Actor,
    alert_id: int,
    *,
    action: str,
    version: int,
    text: str = "",
    assignee_id: int | None = None,
) -> NetworkAlert:
    """Assign, annotate, link to an operation, dismiss or reopen an alert (audited)."""
    alert = find(session, actor, alert_id, "network.work")
    if version != alert.version:
        raise Conflict("Someone changed this alert while you were looking at it: see below.")
    words = (text or "").strip()
    before = {"status": alert.status.value, "assignee_id": alert.assignee_id}
    if action == "assign":
        user = session.get(User, assignee_id) if assignee_id else None
        if user is None or user.organisation_id != actor.organisation_id:
            raise ValidationFailed(
                "Choose who to assign it to", field_errors={"assignee_id": "Choose a colleague"}
            )
        alert.assignee_id = user.id
        if alert.status is not AlertStatus.dismissed:
            alert.status = AlertStatus.assigned
        _note(session, alert, actor, "assigned", f"Assigned to {user.display_name}")
    elif action == "note":
        _need(words, "text", "Write the note")
        _note(session, alert, actor, "note", words)
    elif action == "operation":
        _need(words, "operation", "Enter the operation's name or reference")
        alert.operation = words[:100]
        _note(session, alert, actor, "operation", f"Linked to operation {alert.operation}")
    elif action == "dismiss":
        _need(words, "reason", "Say why the alert is dismissed (at least 10 characters)", 10)
        alert.status = AlertStatus.dismissed
        alert.dismissed_reason = words
        alert.dismissed_evidence_count = alert.evidence_count
        _note(session, alert, actor, "dismissed", f"Dismissed: {words}")
    elif action == "reopen":
        alert.status = AlertStatus.assigned if alert.assignee_id else AlertStatus.open
        _note(session, alert, actor, "reopened", "Reopened" + (f": {words}" if words else ""))
    else:
        raise ValidationFailed("Choose what to do with the alert")
    db.flush_or_conflict(session, "Someone changed this alert while you were looking at it")
    audit.record(
        session,
        actor,
        action,
        SUBJECT,
        alert.id,
        before=before,
        after={"status": alert.status.value, "assignee_id": alert.assignee_id},
        justification=words or None,
    )
    return alert


def _need(text: str, field: str, message: str, least: int = 1) -> None:
    if len(text) < least:
        raise ValidationFailed(message, field_errors={field: message})


def listed(session: Session, *, include_dismissed: bool) -> list[dict[str, Any]]:
    """The stored alerts found by the latest rebuild, as JSON, highest score first."""
    query = select(NetworkAlert).where(NetworkAlert.active.is_(True))
    if not include_dismissed:
        query = query.where(NetworkAlert.status != AlertStatus.dismissed)
    rows = session.scalars(query.order_by(NetworkAlert.score.desc(), NetworkAlert.id))
    return [{**row.described, "status": row.status.value, "id": row.id} for row in rows]


def touching(session: Session, actor: Actor, person: Person) -> list[NetworkAlert]:
    """The open alerts that touch a person: as a child or a member, or through their phones,
    the vehicles and places they are linked to, and the places of their episodes."""
    phones = [f"phone:{n}" for n in session.scalars(
        select(PersonPhone.number).where(PersonPhone.person_id == person.id)
    )]  # fmt: skip
    links = session.execute(
        select(Association.object_vehicle_id, Association.object_place_id).where(
            Association.subject_id == person.id
        )
    ).all()
    vehicles = [f"vehicle:{v}" for v, _ in links if v is not None]
    places = {p for _, p in links if p is not None}
    for seen, found in session.execute(
        select(Episode.last_seen_place_id, Episode.found_place_id).where(
            Episode.person_id == person.id
        )
    ):
        places |= {p for p in (seen, found) if p is not None}
    if person.home_place_id is not None:
        places.add(person.home_place_id)
    members = select(AlertMember.alert_id).where(
        or_(
            AlertMember.person_id == person.id,
            AlertMember.node_key.in_(phones + vehicles),
            AlertMember.place_id.in_(places),
        )
    )
    return list(
        session.scalars(
            select(NetworkAlert)
            .where(
                NetworkAlert.id.in_(members),
                NetworkAlert.active.is_(True),
                NetworkAlert.status != AlertStatus.dismissed,
                access.visible(actor, NetworkAlert),
            )
            .order_by(NetworkAlert.score.desc())
        )
    )


def force_facts(session: Session, actor: Actor, person: Person) -> list[ForceFact]:
    """The open alerts touching a person, as the grading screen shows and counts them."""
    return [
        ForceFact(
            kind="network_alert",
            text=f"{KIND_LABELS.get(a.kind, a.kind)} alert: {len(a.child_ids)} children, "
            f"score {a.score:.2f}",
            href=f"/network/alerts/{a.id}",
            answers={"open_network_alerts": 1},
        )
        for a in touching(session, actor, person)
    ]
