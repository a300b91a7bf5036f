"""Network analysis as a job: build the graph, detect, and describe the alerts by the external ids
given in the import files, with the evidence in words a supervisor can check."""

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
from harbour.people.models import ImportRef
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
    """The alerts of one full rebuild, and how to name what they refer to."""

    def __init__(
        self,
        session: Session,
        g: EntityGraph,
        alerts: list[Alert],
        base: dict[str, float] | None = None,
    ) -> None:
        self.g = g
        self.alerts = alerts
        self.base = base  # the medians by place type, from a full rebuild only
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
        return {
            "record": link.record,
            "external_id": record,
            "observed_at": link.observed_at.isoformat() if link.observed_at else None,
            "summary": f"{a.kind} {self.name(a)} {words} {b.kind} {self.name(b)}{when} ({source})",
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
            "subject": {"type": alert.subject.kind, "external_id": self.name(alert.subject)},
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


def analyse(session: Session, *, as_of: datetime | None = None) -> Analysis:
    """Rebuild the whole network from the database and detect every alert."""
    g = entity.build(session, as_of or clock.now())
    base = detection.baseline(g)
    return Analysis(session, g, detection.detect(g, get_settings(), base), base)


def analyse_around(
    session: Session,
    around: entity.Around,
    base: dict[str, float],
    *,
    as_of: datetime | None = None,
) -> Analysis:
    """Detect on the part of the network around some records, with a full rebuild's medians."""
    g = entity.build(session, as_of or clock.now(), around)
    return Analysis(session, g, detection.detect(g, get_settings(), base))
