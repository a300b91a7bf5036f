"""Network analysis as a job: build each organisation's graph, detect, and describe the alerts by
the external ids given in the import files, with the evidence in words a supervisor can check.

Every organisation is analysed apart, from its own records only (decision 18): one organisation's
children are never counted in, or named by, another's alerts, and its places never set another's
"usual" place."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from harbour import clock
from harbour.network import detect as detection
from harbour.network import graph as entity
from harbour.network.detect import Alert
from harbour.network.graph import EntityGraph, Link, Node
from harbour.people.models import ImportRef, Person
from harbour.settings import get_settings

LINK_WORDS = {
    "associate": "is an associate of",
    "found_with": "was found with",
    "uses_phone": "uses phone",
    "owns_phone": "has phone",
    "in_vehicle": "was in vehicle",
    "found_at": "was found at",
    "last_seen_at": "was last seen at",
    "seen_at": "was seen at",
    "frequents": "frequents",
    "lives_at": "lives at",
}


class Analysis:
    """The alerts of one organisation's network (all of it, or a part), and how to name what
    they refer to."""

    def __init__(
        self,
        session: Session,
        g: EntityGraph,
        alerts: list[Alert],
        base: dict[str, float] | None = None,
        *,
        organisation: int,
    ) -> None:
        self.g = g
        self.alerts = alerts
        self.base = base  # the medians by place type, from a full rebuild only
        self.organisation = organisation
        self.session = session
        self.external: dict[tuple[str, int], str] = {}
        self._named: set[int] = set()

    def prepare(self, alerts: list[Alert]) -> None:
        """Look up the external ids of what these alerts name (only once, in batches)."""
        g = self.g
        wanted: set[tuple[str, int]] = set()
        for alert in alerts:
            if id(alert) in self._named:
                continue
            self._named.add(id(alert))
            for v in [*alert.children, *alert.members]:
                node = g.nodes[v]
                if node.kind != "phone":
                    wanted.add((node.kind, int(node.key)))
            if alert.subject.kind not in ("phone", "cluster"):
                wanted.add((alert.subject.kind, int(alert.subject.key)))
            for link in alert.evidence:
                wanted.add((link.record, link.record_id))
                for v in (link.a, link.b):
                    if g.nodes[v].kind != "phone":
                        wanted.add((g.nodes[v].kind, int(g.nodes[v].key)))
        pairs = sorted(wanted - set(self.external))
        for start in range(0, len(pairs), 400):
            chunk = pairs[start : start + 400]
            rows = self.session.execute(
                select(ImportRef.kind, ImportRef.record_id, ImportRef.external_id).where(
                    tuple_(ImportRef.kind, ImportRef.record_id).in_(chunk)
                )
            )
            for kind, record_id, external in rows:
                self.external[(kind, record_id)] = external

    def name(self, node: Node) -> str:
        if node.kind in ("phone", "cluster"):
            return str(node.key)
        return self.external.get((node.kind, int(node.key)), f"harbour-{node.kind}-{node.key}")

    def _evidence(self, link: Link) -> dict[str, Any]:
        a, b = self.g.nodes[link.a], self.g.nodes[link.b]
        record = self.external.get((link.record, link.record_id))
        words = LINK_WORDS.get(link.type, link.type.replace("_", " "))
        when = f" on {link.observed_at:%Y-%m-%d}" if link.observed_at else ""
        source = f"{link.record} {record or link.record_id}"
        if link.record == "association" and link.record_id in self.g.grading:
            source += f", intelligence graded {self.g.grading[link.record_id]}"
        # Beside the summary (as imported), the Harbour ids of both ends, the link and its record:
        # the alert page names them in words at display time, through the viewer's scope.
        return {
            "record": link.record,
            "external_id": record,
            "observed_at": link.observed_at.isoformat() if link.observed_at else None,
            "summary": f"{a.kind} {self.name(a)} {words} {b.kind} {self.name(b)}{when} ({source})",
            "link": link.type,
            "from": f"{a.kind}:{a.key}",
            "to": f"{b.kind}:{b.key}",
            "record_id": link.record_id,
        }

    def describe(self, alert: Alert) -> dict[str, Any]:
        self.prepare([alert])
        seen: set[Link] = set()
        evidence = []
        for link in alert.evidence:
            if link not in seen:
                seen.add(link)
                evidence.append(self._evidence(link))
        return {
            "kind": alert.kind,
            "subject": {
                "type": alert.subject.kind,
                "external_id": self.name(alert.subject),
                "key": str(alert.subject.key),
            },
            "score": alert.score,
            "reason": alert.reason,
            "children": [self.name(self.g.nodes[v]) for v in alert.children],
            "members": [
                {"type": self.g.nodes[v].kind, "external_id": self.name(self.g.nodes[v])}
                for v in alert.members
            ],
            "evidence": evidence,
        }

    def listed(self, min_score: float | None = None) -> list[dict[str, Any]]:
        """The alerts at or above `min_score` (default: the setting), highest score first."""
        floor = get_settings().network_alert_min_score if min_score is None else min_score
        chosen = [a for a in self.alerts if a.score >= floor]
        self.prepare(chosen)
        return [self.describe(a) for a in chosen]

    @property
    def parts(self) -> list[Analysis]:
        return [self]


def _order(alert: Alert) -> tuple[float, str, str]:
    return (-alert.score, alert.kind, str(alert.subject.key))


class Rebuild:
    """A full rebuild: one analysis for each organisation that holds people."""

    def __init__(self, parts: list[Analysis]) -> None:
        self.parts = parts

    @property
    def organisations(self) -> list[int]:
        return [part.organisation for part in self.parts]

    @property
    def alerts(self) -> list[Alert]:
        """Every organisation's alerts, highest score first."""
        return sorted((a for part in self.parts for a in part.alerts), key=_order)

    @property
    def entities(self) -> int:
        return sum(len(part.g.nodes) for part in self.parts)

    @property
    def links(self) -> int:
        return sum(len(part.g.links) for part in self.parts)

    def listed(self, min_score: float | None = None) -> list[dict[str, Any]]:
        """Every organisation's alerts at or above `min_score` (default: the setting), described,
        highest score first."""
        floor = get_settings().network_alert_min_score if min_score is None else min_score
        chosen = [(a, part) for part in self.parts for a in part.alerts if a.score >= floor]
        chosen.sort(key=lambda pair: _order(pair[0]))
        for part in self.parts:
            part.prepare([a for a, p in chosen if p is part])
        return [part.describe(a) for a, part in chosen]


def organisations(session: Session) -> list[int]:
    """The organisations that hold people (each has a network of its own), in order."""
    return sorted(
        session.scalars(
            select(Person.organisation_id).where(Person.merged_into_id.is_(None)).distinct()
        )
    )


def analyse(session: Session, *, as_of: datetime | None = None) -> Rebuild:
    """Rebuild every organisation's network from the database and detect every alert."""
    when = as_of or clock.now()
    return Rebuild(
        [analyse_organisation(session, org, as_of=when) for org in organisations(session)]
    )


def analyse_organisation(
    session: Session, organisation: int, *, as_of: datetime | None = None
) -> Analysis:
    """Rebuild one organisation's network from its own records and detect its alerts."""
    g = entity.build(session, as_of or clock.now(), organisation=organisation)
    found, base = detection.detect_with_baseline(g, get_settings())
    return Analysis(session, g, found, base, organisation=organisation)


def analyse_around(
    session: Session,
    around: entity.Around,
    base: dict[str, float],
    *,
    organisation: int,
    as_of: datetime | None = None,
) -> Analysis:
    """Detect on the part of an organisation's network around some records, with its last full
    rebuild's medians."""
    g = entity.build(session, as_of or clock.now(), around, organisation=organisation)
    found = detection.detect(g, get_settings(), base)
    return Analysis(session, g, found, organisation=organisation)
