"""The network around a child, an adult, a place, a phone or an alert, read from the database.

A breadth-first walk, one query per kind of link and step, over the indexed foreign keys: what a
browser's network view (Cytoscape.js) shows and expands a step at a time. Only the people, places
and vehicles the viewer may see are shown (a phone is a number on a person's record or a link,
and is reached only through those); links before `since` and of types not asked for are left
out; the walk stops at `MAX_NODES`, saying so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, or_, select, true
from sqlalchemy.orm import Session, aliased

from harbour import timefmt
from harbour.access import service as access
from harbour.actor import Actor
from harbour.episodes.models import Episode, EpisodeCompanion
from harbour.network.models import PlaceBaseline
from harbour.people.models import Association, Person, PersonPhone, Place, Vehicle
from harbour.settings import get_settings
from harbour.validation import record_number

MAX_NODES = 250
BUSY = ("school", "station", "hospital")
MAX_STEPS = 3
LINK_TYPES = {
    "associate": "Associate",
    "family": "Family",
    "carer": "Carer",
    "professional": "Professional",
    "found_with": "Found with",
    "found_at": "Found at",
    "last_seen_at": "Last seen at",
    "seen_at": "Seen at",
    "frequents": "Frequents",
    "lives_at": "Lives at",
    "uses_phone": "Uses phone",
    "owns_phone": "Has phone",
    "in_vehicle": "In vehicle",
}


@dataclass
class Walk:
    """Nodes ("person:12", "place:3", "phone:+447…", "vehicle:4") and the links between them."""

    nodes: set[str] = field(default_factory=set)
    edges: dict[str, dict[str, Any]] = field(default_factory=dict)
    truncated: bool = False

    def add(
        self, edge_id: str, a: str, b: str, kind: str, at: datetime | None, source: str
    ) -> None:
        # Labels and dates are written for the links that are kept (see `_describe`): a walk
        # reads many more links than it keeps.
        self.edges.setdefault(
            edge_id,
            {"id": edge_id, "source": a, "target": b, "type": kind, "at": at, "record": source},
        )


def _describe(edge: dict[str, Any]) -> dict[str, Any]:
    at: datetime | None = edge["at"]
    return {
        **edge,
        "label": LINK_TYPES.get(edge["type"], edge["type"].replace("_", " ")),
        "at": at.isoformat() if at else None,
        "when": timefmt.absolute(at) if at else "",
    }


def busy_types(
    session: Session,
    medians: dict[str, float] | None = None,
    *,
    organisation: int | None = None,
) -> tuple[str, ...]:
    """Place types shown but not walked through: schools, stations and hospitals, and every type
    whose median place saw at least `network_busy_place_children` unexplained children at the last
    full rebuild (fast-food outlets, parks and shops, in the simulated force). `medians` are
    those of the rebuild when the caller has read them already; otherwise those of the
    `organisation` (of any organisation, without one)."""
    floor = get_settings().network_busy_place_children
    if medians is None:
        query = select(PlaceBaseline.place_type, PlaceBaseline.median_children)
        if organisation is not None:
            query = query.where(PlaceBaseline.organisation_id == organisation)
        rows: list[tuple[str, float]] = [(k, m) for k, m in session.execute(query)]
    else:
        rows = list(medians.items())
    # The baselines also hold "kind:strong" and "kind:share" figures: only the bare kinds count.
    busy = {kind for kind, median in rows if ":" not in kind and median >= floor}
    return tuple(sorted({*BUSY, *busy}))


def parse_node(text: str) -> tuple[str, str]:
    kind, _, key = text.partition(":")
    if kind not in ("person", "place", "phone", "vehicle") or not key:
        raise ValueError(f"not a node: {text!r}")
    if kind != "phone" and str(record_number(key)) != key:  # a record's number, as written
        raise ValueError(f"not a node: {text!r}")
    return kind, key


def require_node(session: Session, actor: Actor, kind: str, key: str) -> None:
    """Refuse to centre a view on a place or vehicle out of the actor's scope, exactly as on one
    that does not exist (404). A phone is only a number: what it reaches is scoped by the walk."""
    model = {"place": Place, "vehicle": Vehicle}.get(kind)
    if model is not None:
        access.fetch(session, actor, model, int(key), "place.view")


def _split(frontier: Iterable[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"person": [], "place": [], "phone": [], "vehicle": []}
    for node in frontier:
        kind, key = parse_node(node)
        out[kind].append(key)
    return out


def _allowed(kind: str, at: datetime | None, types: set[str] | None, since: date | None) -> bool:
    if types is not None and kind not in types:
        return False
    return not (since is not None and at is not None and at.date() < since)


def walk(
    session: Session,
    actor: Actor | None,
    centres: Iterable[str],
    *,
    steps: int = 2,
    types: set[str] | None = None,
    since: date | None = None,
    limit: int = MAX_NODES,
    busy: tuple[str, ...] | None = None,
    organisation: int | None = None,
) -> Walk:
    """Walk `steps` links out from the centres (at most MAX_STEPS), people in scope only.

    Without an actor (Harbour's own incremental alert check) every person is walked, or with
    `organisation` every person, place and vehicle of that organisation. Places of the `busy`
    types (default `busy_types` of the viewer's organisation) are shown but not walked through
    unless they are a centre. A place reached by the walk contributes its most recent
    `2 * limit` episodes and links, no more: the walk keeps `limit` nodes in all, so older ones
    could not be shown.
    """
    if busy is None:
        busy = busy_types(
            session, organisation=actor.organisation_id if actor is not None else organisation
        )
    result = Walk()
    visible = _Visible.of(actor, organisation)
    frontier = _in_scope(session, visible, set(centres))
    start = frontier
    result.nodes |= frontier
    step = Walk()

    def link(edge: str, a: str, b: str, kind: str, at: datetime | None, src: str) -> None:
        if _allowed(kind, at, types, since):
            step.add(edge, a, b, kind, at, src)

    for _ in range(min(max(steps, 0), MAX_STEPS)):
        step.edges.clear()
        part = _split(frontier)
        places = [int(k) for k in part["place"]]
        if places and frontier is not start:
            # Schools, stations and hospitals see every child in the area: shown, not walked
            # through, unless the view is centred on one.
            places = list(
                session.scalars(
                    select(Place.id).where(Place.id.in_(places), Place.type.not_in(busy))
                )
            )
        _from_people(session, [int(k) for k in part["person"]], link)
        _from_places(session, places, link, 2 * limit)
        _from_phones(session, sorted(part["phone"]), link)
        _from_vehicles(session, [int(k) for k in part["vehicle"]], link)
        frontier = _keep(session, visible, step, result, limit)
        if not frontier:
            break
    result.edges = {
        k: _describe(e) for k, e in result.edges.items()
        if e["source"] in result.nodes and e["target"] in result.nodes
    }  # fmt: skip
    return result


Linker = Callable[[str, str, str, str, datetime | None, str], None]


@dataclass(frozen=True)
class _Visible:
    """What the viewer may see of each kind of record (None: every record, unchecked)."""

    person: Any
    place: Any
    vehicle: Any

    @classmethod
    def of(cls, actor: Actor | None, organisation: int | None = None) -> _Visible:
        if actor is None and organisation is not None:  # Harbour's check of one organisation
            return cls(
                Person.organisation_id == organisation,
                Place.organisation_id == organisation,
                Vehicle.organisation_id == organisation,
            )
        if actor is None:  # Harbour's own check: every record (people are still read, to exist)
            return cls(true(), None, None)
        return cls(
            access.visible(actor, Person),
            access.visible(actor, Place),
            access.visible(actor, Vehicle),
        )


def _in_scope(session: Session, visible: _Visible, nodes: set[str]) -> set[str]:
    """The nodes bar the people, places and vehicles the viewer may not see."""
    part = _split(nodes)
    kept = {f"phone:{number}" for number in part["phone"]}
    for kind, model, where in (
        ("person", Person, visible.person),
        ("place", Place, visible.place),
        ("vehicle", Vehicle, visible.vehicle),
    ):
        keys = [int(k) for k in part[kind]]
        if where is None:
            kept |= {f"{kind}:{k}" for k in keys}
        elif keys:
            ids = session.scalars(select(model.id).where(model.id.in_(keys), where))
            kept |= {f"{kind}:{k}" for k in ids}
    return kept


def _keep(session: Session, visible: _Visible, step: Walk, result: Walk, limit: int) -> set[str]:
    """Add a step's links whose ends are in scope (nothing is reached through a person, place or
    vehicle out of the viewer's scope), up to `limit` nodes in all; return the nodes new to the
    walk."""
    ends = {n for e in step.edges.values() for n in (e["source"], e["target"])}
    allowed = _in_scope(session, visible, ends)
    found: set[str] = set()
    for key, edge in step.edges.items():
        if edge["source"] in allowed and edge["target"] in allowed:
            result.edges.setdefault(key, edge)
            found.update((edge["source"], edge["target"]))
    new = found - result.nodes
    if len(result.nodes) + len(new) > limit:
        new = set(sorted(new)[: max(0, limit - len(result.nodes))])
        result.truncated = True
    result.nodes |= new
    return new


def _associations(session: Session, where: Any, link: Linker, limit: int | None = None) -> None:
    query = select(Association).where(where)
    if limit is not None:
        query = query.order_by(Association.id.desc()).limit(limit)
    for a in session.execute(query).scalars():
        link(f"a{a.id}", f"person:{a.subject_id}", _object(a), str(a.type),
             a.observed_at, f"association {a.id}")  # fmt: skip


def _phones(session: Session, where: Any, link: Linker) -> None:
    for pid, number in session.execute(
        select(PersonPhone.person_id, PersonPhone.number).where(where)
    ):
        link(f"p{pid}-{number}", f"person:{pid}", f"phone:{number}", "owns_phone",
             None, f"person {pid}")  # fmt: skip


def _homes(session: Session, where: Any, link: Linker, limit: int | None = None) -> None:
    query = select(Person.id, Person.home_place_id).where(where)
    if limit is not None:
        query = query.limit(limit)
    for pid, home in session.execute(query):
        link(f"h{pid}", f"person:{pid}", f"place:{home}", "lives_at", None,
             f"person {pid}")  # fmt: skip


def _from_people(session: Session, people: list[int], link: Linker) -> None:
    """Everything a step reaches from people: their links, phones, homes, episodes and who
    they were found with (or who was found with them)."""
    if not people:
        return
    _associations(
        session,
        or_(Association.subject_id.in_(people), Association.object_person_id.in_(people)),
        link,
    )
    _phones(session, PersonPhone.person_id.in_(people), link)
    _homes(session, and_(Person.id.in_(people), Person.home_place_id.is_not(None)), link)
    _episodes(session, Episode.person_id.in_(people), link)
    companion = aliased(Episode)
    found_with = select(
        EpisodeCompanion.id, EpisodeCompanion.episode_id, EpisodeCompanion.person_id,
        companion.person_id, companion.found_at,
    ).join(companion, companion.id == EpisodeCompanion.episode_id)  # fmt: skip
    # Two indexed look-ups (found with someone, someone found with them): an OR across the join
    # would read every companion row.
    for where in (EpisodeCompanion.person_id.in_(people), companion.person_id.in_(people)):
        for cid, eid, pid, child, at in session.execute(found_with.where(where)):
            link(f"c{cid}", f"person:{child}", f"person:{pid}", "found_with", at,
                 f"episode {eid}")  # fmt: skip


def _from_places(session: Session, places: list[int], link: Linker, limit: int) -> None:
    """A place's most recent links, episodes and residents (`limit` of each at most)."""
    if not places:
        return
    _associations(session, Association.object_place_id.in_(places), link, limit)
    _episodes(
        session,
        or_(Episode.last_seen_place_id.in_(places), Episode.found_place_id.in_(places)),
        link,
        limit=limit,
    )
    _homes(session, Person.home_place_id.in_(places), link, limit)


def _from_phones(session: Session, phones: list[str], link: Linker) -> None:
    if phones:
        _phones(session, PersonPhone.number.in_(phones), link)
        _associations(session, Association.object_phone.in_(phones), link)


def _from_vehicles(session: Session, vehicles: list[int], link: Linker) -> None:
    if vehicles:
        _associations(session, Association.object_vehicle_id.in_(vehicles), link)


def _object(a: Association) -> str:
    if a.object_person_id is not None:
        return f"person:{a.object_person_id}"
    if a.object_place_id is not None:
        return f"place:{a.object_place_id}"
    if a.object_vehicle_id is not None:
        return f"vehicle:{a.object_vehicle_id}"
    return f"phone:{a.object_phone}"


def _episodes(session: Session, where: Any, link: Any, *, limit: int | None = None) -> None:
    query = select(
        Episode.id, Episode.person_id, Episode.last_seen_place_id, Episode.last_seen_at,
        Episode.reported_at, Episode.found_place_id, Episode.found_at,
    ).where(where)  # fmt: skip
    if limit is not None:
        query = query.order_by(Episode.reported_at.desc()).limit(limit)
    for e in session.execute(query):
        if e.last_seen_place_id is not None:
            link(f"l{e.id}", f"person:{e.person_id}", f"place:{e.last_seen_place_id}",
                 "last_seen_at", e.last_seen_at or e.reported_at, f"episode {e.id}")  # fmt: skip
        if e.found_place_id is not None:
            link(f"f{e.id}", f"person:{e.person_id}", f"place:{e.found_place_id}", "found_at",
                 e.found_at, f"episode {e.id}")  # fmt: skip


def elements(session: Session, result: Walk, *, as_of: date, centres: set[str]) -> dict[str, Any]:
    """Cytoscape.js elements: each node with its label and kind, each link with its source."""
    part = _split(result.nodes)
    labels: dict[str, dict[str, Any]] = {}
    for p in session.scalars(select(Person).where(Person.id.in_([int(k) for k in part["person"]]))):
        years = timefmt.age(p.date_of_birth, as_of)
        child = years is not None and years < 18
        labels[f"person:{p.id}"] = {
            "label": p.display_name,
            "kind": "child" if child else "adult",
            "flags": p.flags or [],
            "href": f"/people/{p.id}",
        }
    for pl in session.scalars(select(Place).where(Place.id.in_([int(k) for k in part["place"]]))):
        labels[f"place:{pl.id}"] = {"label": pl.label, "kind": "place", "type": str(pl.type)}
    vehicle_ids = [int(k) for k in part["vehicle"]]
    for v in session.scalars(select(Vehicle).where(Vehicle.id.in_(vehicle_ids))):
        labels[f"vehicle:{v.id}"] = {"label": v.registration, "kind": "vehicle"}
    for number in part["phone"]:
        labels[f"phone:{number}"] = {"label": number, "kind": "phone"}
    nodes = [
        {"data": {"id": n, **labels.get(n, {"label": n, "kind": n.split(":")[0]}),
                  "centre": n in centres}}
        for n in sorted(result.nodes)
    ]  # fmt: skip
    edges = [{"data": e} for e in sorted(result.edges.values(), key=lambda e: e["id"])]
    return {"elements": nodes + edges, "truncated": result.truncated, "max_nodes": MAX_NODES}


def persons_in(result: Walk) -> list[int]:
    return sorted(int(n[7:]) for n in result.nodes if n.startswith("person:"))
