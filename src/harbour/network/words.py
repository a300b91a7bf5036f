"""An alert's subject and evidence in words, named at display time through the viewer's scope.

A rebuild stores each piece of evidence with the Harbour ids of both ends, its link type, its
date and its source record (`service.Analysis._evidence`). This module names those records as a
person reads them (a person's name, date of birth and record number; a place's name and address;
a phone number; a vehicle's registration) and groups the evidence by child, with counts: "Found at
Kings Hotel, 1 High Street in 3 episodes, last on 4 March 2026". A record the viewer may not see
is never named: a child out of scope drops out with all their evidence, a line with an end out of
scope drops out. Alerts stored before the ids were kept have only their summaries: `grouped`
says so and the page lists those.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour import clock, timefmt
from harbour.access import service as access
from harbour.actor import Actor
from harbour.network.models import NetworkAlert
from harbour.people.models import Person, Place, Vehicle

# How a line reads when the child (or the first person) is the one linked.
FROM_WORDS = {
    "associate": "Associate of",
    "family": "Family of",
    "carer": "Linked as carer to",
    "professional": "Linked as professional to",
    "found_with": "Found with",
    "found_at": "Found at",
    "last_seen_at": "Last seen at",
    "seen_at": "Seen at",
    "frequents": "Frequents",
    "lives_at": "Lives at",
    "uses_phone": "Uses",  # the phone and the vehicle are named "phone …", "vehicle …"
    "owns_phone": "Has",
    "in_vehicle": "Seen in",
}
# How it reads when the other person recorded the link to the child.
TO_WORDS = {
    "associate": "Named as an associate by",
    "family": "Family of",
    "carer": "Has as carer",
    "professional": "Has as professional",
    "found_with": "Found with",
}
RECORD_WORDS = {
    "episode": ("episode", "episodes"),
    "association": ("intelligence record", "intelligence records"),
    "person": ("person record", "person records"),
}
SHOWN_GROUPS = 3  # the strongest groups shown at once; the rest on request


@dataclass(frozen=True)
class Named:
    """A record in words, with the page that holds it (None: no page of its own)."""

    key: str
    text: str
    href: str | None
    kind: str  # child, adult, place, phone, vehicle


def day(value: date | datetime | None) -> str:
    """Format a date as '4 March 2026' (a time: its local date)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timefmt.local(value).date()
    return f"{value.day} {value:%B %Y}"


def phone_words(number: str) -> str:
    """A stored phone number as people write it: '+447700900123' is '07700 900123'."""
    if number.startswith("+44") and len(number) == 13:
        rest = "0" + number[3:]
        return f"{rest[:5]} {rest[5:]}"
    return number


class Namer:
    """Names records in words for one viewer, looking them up in batches, in scope only."""

    def __init__(self, session: Session, actor: Actor, on: date | None = None) -> None:
        self.session = session
        self.actor = actor
        self.on = on or timefmt.local(clock.now()).date()
        self.named: dict[str, Named | None] = {}

    def load(self, keys: Iterable[str]) -> None:
        """Look up the records behind these node keys ("person:12", "place:3", "phone:+44…")."""
        wanted: dict[str, set[int]] = defaultdict(set)
        for key in keys:
            if key in self.named:
                continue
            kind, _, ident = key.partition(":")
            if kind == "phone" and ident:
                self.named[key] = Named(key, f"phone {phone_words(ident)}", None, "phone")
            elif kind in ("person", "place", "vehicle") and ident.isdigit():
                wanted[kind].add(int(ident))
                self.named[key] = None  # unless found in scope below
        if wanted["person"]:
            for p in self.session.scalars(
                select(Person).where(
                    Person.id.in_(wanted["person"]), access.visible(self.actor, Person)
                )
            ):
                self.named[f"person:{p.id}"] = self._person(p)
        if wanted["place"]:
            for pl in self.session.scalars(
                select(Place).where(
                    Place.id.in_(wanted["place"]), access.visible(self.actor, Place)
                )
            ):
                kind = str(pl.type).replace("_", " ")
                text = (
                    f"{pl.label} ({kind})" if pl.name or pl.address else f"a {kind}, place {pl.id}"
                )
                self.named[f"place:{pl.id}"] = Named(f"place:{pl.id}", text, None, "place")
        if wanted["vehicle"]:
            for v in self.session.scalars(
                select(Vehicle).where(
                    Vehicle.id.in_(wanted["vehicle"]), access.visible(self.actor, Vehicle)
                )
            ):
                about = " ".join(x for x in (v.colour, v.make) if x)
                text = f"vehicle {v.registration}" + (f" ({about})" if about else "")
                self.named[f"vehicle:{v.id}"] = Named(f"vehicle:{v.id}", text, None, "vehicle")

    def _person(self, p: Person) -> Named:
        years = timefmt.age(p.date_of_birth, self.on)
        facts = []
        if p.date_of_birth is not None:
            facts.append(f"born {day(p.date_of_birth)}, age {years}")
        facts.append(f"record {p.id}")
        kind = "child" if years is not None and years < 18 else "adult"
        return Named(
            f"person:{p.id}", f"{p.display_name} ({', '.join(facts)})", f"/people/{p.id}", kind
        )

    def get(self, key: str) -> Named | None:
        """The record in words, or None: out of the viewer's scope, gone, or not looked up."""
        if key not in self.named:
            self.load([key])
        return self.named.get(key)


def subject_key(alert: NetworkAlert) -> str | None:
    """The node key of what an alert is about (None: a network or route of its own)."""
    if alert.subject_type in ("person", "place", "phone", "vehicle"):
        return f"{alert.subject_type}:{alert.subject_key}"
    return None


def subjects(session: Session, actor: Actor, rows: Iterable[NetworkAlert]) -> dict[int, str]:
    """Each alert's subject in words (alert id -> words), in scope; a network, a route or a
    subject out of scope reads as the rebuild described it."""
    rows = list(rows)
    namer = Namer(session, actor)
    namer.load(k for a in rows if (k := subject_key(a)) is not None)
    out: dict[int, str] = {}
    for a in rows:
        key = subject_key(a)
        named = namer.get(key) if key else None
        out[a.id] = named.text if named else _described_subject(a)
    return out


def _described_subject(alert: NetworkAlert) -> str:
    subject = (alert.described or {}).get("subject") or {}
    if alert.subject_type == "cluster" or subject.get("type") == "cluster":
        return f"a network of {len(alert.child_ids or [])} children"
    return f"{alert.subject_type} {subject.get('external_id') or alert.subject_key}"


@dataclass
class Source:
    label: str
    href: str | None


@dataclass
class Line:
    words: str
    count: int
    last: date | None
    sources: list[Source] = field(default_factory=list)


@dataclass
class Group:
    """A child's evidence (or, `child` None, the links between the others)."""

    child: Named | None
    lines: list[Line]

    @property
    def count(self) -> int:
        return sum(line.count for line in self.lines)

    @property
    def last(self) -> date | None:
        return max((line.last for line in self.lines if line.last), default=None)


@dataclass
class Evidence:
    groups: list[Group]
    in_words: bool  # False: stored before the ids were kept (show the summaries)

    @property
    def shown(self) -> list[Group]:
        return self.groups[:SHOWN_GROUPS]

    @property
    def more(self) -> list[Group]:
        return self.groups[SHOWN_GROUPS:]


def _source(record: str, record_id: int, holder: str) -> Source:
    """The page of a link's record: an episode, or the person (always a link's first end) whose
    record or intelligence holds it."""
    pid = holder[7:] if holder.startswith("person:") else ""
    if record == "episode":
        return Source(f"episode {record_id}", f"/episodes/{record_id}")
    if record == "association" and pid:
        return Source(f"intelligence record {record_id}", f"/people/{pid}/intelligence")
    if record == "person" and pid:
        return Source(f"person record {pid}", f"/people/{pid}")
    return Source(f"{record} {record_id}", None)


def observed_on(item: dict[str, Any]) -> date | None:
    text = item.get("observed_at")
    if not isinstance(text, str):
        return None
    try:
        return timefmt.local(datetime.fromisoformat(text)).date()
    except ValueError:
        return None


def grouped(session: Session, actor: Actor, alert: NetworkAlert) -> Evidence:
    """The alert's evidence by child in words, strongest group first, in the viewer's scope."""
    items = [e for e in (alert.described or {}).get("evidence", []) if "from" in e and "to" in e]
    if not items:
        return Evidence([], in_words=False)
    namer = Namer(session, actor)
    namer.load(k for e in items for k in (e["from"], e["to"]))
    children = {f"person:{c}" for c in alert.child_ids or []}
    # (child key or "", link type, other key, direction) -> the items that say it
    lines: dict[tuple[str, str, str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for e in items:
        a, b = namer.get(e["from"]), namer.get(e["to"])
        if a is None or b is None:
            continue  # an end the viewer may not see: never shown
        if e["from"] in children:
            key = (e["from"], e["link"], e["to"], "from", "")
        elif e["to"] in children:
            key = (e["to"], e["link"], e["from"], "to", "")
        else:
            key = ("", e["link"], e["to"], "from", e["from"])
        lines[key].append(e)
    by_child: dict[str, list[Line]] = defaultdict(list)
    for (child, link, other, direction, first), said in lines.items():
        by_child[child].append(line(namer, link, other, direction, first, said))
    groups = [
        Group(namer.get(child) if child else None, sorted(found, key=_strength, reverse=True))
        for child, found in by_child.items()
    ]
    groups.sort(key=lambda g: (g.child is not None, g.count, g.last or date.min), reverse=True)
    return Evidence(groups, in_words=True)


def _strength(line: Line) -> tuple[int, date]:
    return (line.count, line.last or date.min)


def line(
    namer: Namer, link: str, other: str, direction: str, first: str, said: list[dict[str, Any]]
) -> Line:
    """One line of evidence: a link between two records, however many records say it, with
    its count, its last date and each record's page (`first` names the linked person when the
    line is not about a child)."""
    words = (TO_WORDS if direction == "to" else FROM_WORDS).get(link, link.replace("_", " "))
    other_named = namer.get(other)
    assert other_named is not None
    text = f"{words} {other_named.text}"
    if first:
        named = namer.get(first)
        assert named is not None
        text = f"{named.text}: {words[0].lower()}{words[1:]} {other_named.text}"
    dates = [d for e in said if (d := observed_on(e)) is not None]
    last = max(dates, default=None)
    records = {(str(e["record"]), int(str(e["record_id"]))) for e in said}
    noun = RECORD_WORDS.get(next(iter(records))[0], ("record", "records"))
    if len(records) > 1:
        text += f" in {len(records)} {noun[1]}"
    if last is not None:
        text += f", last on {day(last)}" if len(dates) > 1 else f" on {day(last)}"
    holders = {(str(e["record"]), int(str(e["record_id"]))): str(e["from"]) for e in said}
    sources = [_source(r, i, holders[(r, i)]) for r, i in sorted(records)]
    return Line(text, len(records), last, sources)
