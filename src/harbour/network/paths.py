"""How are these two connected? The shortest path between two records in the viewer's scope.

The organisation's entity network (`graph.build`, the one the alerts are found in) is searched
with igraph's shortest paths, and each step is told in words with its evidence and source
records (`words`). Every record on the path is in the viewer's scope: a path through someone
the viewer may not see is never shown, and the search looks again without them. Schools,
stations, hospitals and the other busy place types (`view.busy_types`) link everyone in an
area, so a path never goes through one (it may start or end at one).
"""

from __future__ import annotations

import itertools
import re
import warnings
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour import clock
from harbour.access import service as access
from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.errors import NotFound, ValidationFailed
from harbour.network import graph as entity
from harbour.network import view, words
from harbour.network.graph import EntityGraph
from harbour.people.models import (
    Vehicle,
    is_phone,
    normalise_phone,
    registration_forms,
)

DEFAULT_STEPS = 6
MAX_STEPS = 10
SHAPE = (
    "Enter a person or place as ‘person 12’ or ‘place 3’, a phone number such as 07700 900123, "
    "or a vehicle registration such as AB12 CDE"
)
_RECORD = re.compile(r"(person|place|vehicle)[\s:]*(\d{1,12})", re.IGNORECASE)
_PLATE = re.compile(r"(?:vehicle[\s:]+)?([A-Z0-9 ]{2,10})", re.IGNORECASE)
MAX_AROUND = 20_000  # records reached from both ends before the whole network is read instead
_TRIES = 5  # searches past people out of scope before hiding everyone out of scope at once


@dataclass
class Step:
    start: words.Named
    end: words.Named
    lines: list[words.Line]


@dataclass
class Path:
    start: words.Named
    end: words.Named
    steps: list[Step] = field(default_factory=list)

    @property
    def keys(self) -> list[str]:
        return [self.start.key, *(s.end.key for s in self.steps)]

    @property
    def persons(self) -> list[int]:
        return sorted(int(k[7:]) for k in self.keys if k.startswith("person:"))


def search(
    session: Session,
    actor: Actor,
    subject: str,
    subject_id: int,
    start: str,
    end: str,
    steps: int,
) -> tuple[Path | None, dict[str, str], int]:
    """Read the two ends a person typed and find the path between them: the path (None: no
    connection within `steps`), the messages for the form, and the page's status (422 for what
    cannot be read, 404 for a record not found or out of scope, as everywhere)."""
    errors: dict[str, str] = {}
    ends: list[tuple[str, str]] = []
    asked = ((start, "from", "where the path starts"), (end, "to", "where it ends"))
    for text, name, what in asked:
        try:
            ends.append(parse_end(text, name, what))
        except ValidationFailed as exc:
            errors |= exc.field_errors
    if errors:
        return None, errors, 422
    namer = words.Namer(session, actor)
    named: list[words.Named] = []
    status = 200
    for end_, name in zip(ends, ("from", "to"), strict=True):
        try:
            named.append(resolve(session, actor, namer, end_, name))
        except NotFound as exc:
            errors |= exc.field_errors
            status = 404
    if errors:
        return None, errors, status
    if named[0].key == named[1].key:
        message = "Choose two different records"
        return None, {"to": message}, 422
    # A person's record covers the network around that person: another person at either end
    # needs that person's own justification (an alert's covers its whole network).
    for n, name in zip(named, ("from", "to"), strict=True):
        other = n.key.startswith("person:") and n.key != f"person:{subject_id}"
        given = audit.justification_for(session, actor.session_id, "person", n.key[7:])
        if subject == "person" and other and given is None:
            message = f"Open the record of {n.text} first and say why you need it"
            return None, {name: message}, 403
    return find(session, actor, namer, named[0], named[1], steps=steps), {}, 200


def parse_end(text: str, field_name: str, what: str) -> tuple[str, str]:
    """Read what a person typed for one end of a path as a node ("person", "12"), or refuse
    it in words (a registration is returned as ("registration", plate))."""
    value = " ".join(text.split())
    if not value:
        raise ValidationFailed(f"Enter {what}", field_errors={field_name: f"Enter {what}"})
    if m := _RECORD.fullmatch(value):
        return m.group(1).lower(), str(int(m.group(2)))
    if value.lower().startswith("phone"):  # "phone:+447700900123", as the alert page links
        value = value[5:].lstrip(" :")
    digits = value.replace(" ", "").lstrip("+")
    if digits.isdigit():
        if is_phone(value):
            return "phone", normalise_phone(value)
        message = f"Say what {value} is: for example ‘person {value}’ or ‘place {value}’"
        raise ValidationFailed(message, field_errors={field_name: message})
    if (m := _PLATE.fullmatch(value)) and any(c.isdigit() for c in m.group(1)):
        return "registration", m.group(1)
    raise ValidationFailed(SHAPE, field_errors={field_name: SHAPE})


def resolve(
    session: Session, actor: Actor, namer: words.Namer, end: tuple[str, str], field_name: str
) -> words.Named:
    """The record one end names, in the viewer's scope: 404 (with the field's message) for a
    record that does not exist and for one the viewer may not see alike."""
    kind, key = end
    if kind == "registration":
        found = session.scalar(
            select(Vehicle.id)
            .where(
                Vehicle.registration.in_(registration_forms(key)), access.visible(actor, Vehicle)
            )
            .order_by(Vehicle.id)
            .limit(1)
        )
        if found is None:
            message = f"No vehicle was found with the registration {key.upper()}"
            raise NotFound(message, field_errors={field_name: message})
        kind, key = "vehicle", str(found)
    named = namer.get(f"{kind}:{key}")
    if named is None:
        message = f"No {kind} was found with the record number {key}"
        raise NotFound(message, field_errors={field_name: message})
    return named


def _vertex(g: EntityGraph, key: str) -> int | None:
    kind, _, ident = key.partition(":")
    ids = g.ids.get(kind, {})
    return ids.get(ident) if kind == "phone" else ids.get(int(ident))


def find(
    session: Session,
    actor: Actor,
    namer: words.Namer,
    start: words.Named,
    end: words.Named,
    *,
    steps: int = DEFAULT_STEPS,
) -> Path | None:
    """The shortest path of at most `steps` links between two records, every record on it in
    the viewer's scope, each step with its evidence; None when there is none.

    The graph is read outwards from both ends, a ring at a time (`graph.build` around the records
    reached so far reads every link touching them), not the whole organisation's network (a
    London-sized force's takes 15 s): after k rings every path of up to 2k + 1 links is in it, so
    the first path found that short is a shortest one.
    """
    org = actor.organisation_id
    if org is None:
        return None
    busy = set(view.busy_types(session, organisation=org))
    known = {start.key, end.key}
    for ring in range(steps + 1):
        whole = len(known) > MAX_AROUND  # past this, one read of everything is quicker
        g = entity.build(session, clock.now(), None if whole else _around(known), organisation=org)
        s, t = _vertex(g, start.key), _vertex(g, end.key)
        if s is None or t is None:
            return None  # a record with no links at all
        barred = {v for v, kind in g.place_type.items() if kind in busy} - {s, t}
        vertices = _scoped_path(namer, g, s, t, barred)
        reach = len(vertices) - 1 if vertices else 0
        if vertices and (reach <= 2 * ring + 1 or whole):
            return _told(g, namer, vertices) if reach <= steps else None
        if 2 * ring + 1 >= steps or whole:
            return None
        grown = {_key(g, v) for v in range(len(g.nodes)) if v not in barred}
        if grown <= known:
            return None  # nothing further to reach
        known = grown
    return None


def _around(keys: set[str]) -> entity.Around:
    part: dict[str, set[Any]] = {"person": set(), "place": set(), "phone": set(), "vehicle": set()}
    for key in keys:
        kind, _, ident = key.partition(":")
        part[kind].add(ident if kind == "phone" else int(ident))
    return entity.Around(
        frozenset(part["person"]),
        frozenset(part["place"]),
        frozenset(part["phone"]),
        frozenset(part["vehicle"]),
    )


def _scoped_path(
    namer: words.Namer, g: EntityGraph, s: int, t: int, barred: set[int]
) -> list[int] | None:
    """The shortest path in `g` not through a barred vertex nor a record out of scope."""
    barred = set(barred)
    for attempt in range(_TRIES + 1):
        if attempt == _TRIES:
            barred |= _out_of_scope(namer, g, range(len(g.nodes)))
        vertices = _shortest(g, s, t, barred)
        if vertices is None:
            return None
        hidden = _out_of_scope(namer, g, vertices)
        if not hidden:
            return vertices
        barred |= hidden
    return None


def _key(g: EntityGraph, v: int) -> str:
    node = g.nodes[v]
    return f"{node.kind}:{node.key}"


def _out_of_scope(namer: words.Namer, g: EntityGraph, vertices: Any) -> set[int]:
    keys = {v: _key(g, v) for v in vertices}
    namer.load(keys.values())
    return {v for v, k in keys.items() if namer.get(k) is None}


def _shortest(g: EntityGraph, s: int, t: int, barred: set[int]) -> list[int] | None:
    with warnings.catch_warnings():  # igraph warns when there is no path: that is an answer
        warnings.simplefilter("ignore", RuntimeWarning)
        return _shortest_path(g, s, t, barred)


def _shortest_path(g: EntityGraph, s: int, t: int, barred: set[int]) -> list[int] | None:
    graph = g.graph
    if barred:
        kept = [v for v in range(graph.vcount()) if v not in barred]
        sub = graph.induced_subgraph(kept, implementation="create_from_scratch")
        index = {v: i for i, v in enumerate(kept)}
        found = sub.get_shortest_path(index[s], to=index[t], mode="all", output="vpath")
        vertices = [kept[i] for i in found]
    else:
        vertices = graph.get_shortest_path(s, to=t, mode="all", output="vpath")
    return vertices or None


def _told(g: EntityGraph, namer: words.Namer, vertices: list[int]) -> Path:
    """Each step of the path with every link between its two ends, in words."""
    pairs = {frozenset(p) for p in itertools.pairwise(vertices)}
    between: dict[frozenset[int], list[dict[str, Any]]] = {p: [] for p in pairs}
    for link in g.links:
        pair = frozenset((link.a, link.b))
        if pair in between:
            between[pair].append(
                {
                    "from": _key(g, link.a),
                    "to": _key(g, link.b),
                    "link": link.type,
                    "record": link.record,
                    "record_id": link.record_id,
                    "observed_at": link.observed_at.isoformat() if link.observed_at else None,
                }
            )
    path = Path(_named(namer, g, vertices[0]), _named(namer, g, vertices[-1]))
    for u, v in itertools.pairwise(vertices):
        said: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
        for e in between[frozenset((u, v))]:
            said.setdefault((e["link"], e["from"], e["to"]), []).append(e)
        lines = [
            words.line(namer, link, b, "from", a, items) for (link, a, b), items in said.items()
        ]
        lines.sort(key=lambda x: (x.count, x.last is not None), reverse=True)
        path.steps.append(Step(_named(namer, g, u), _named(namer, g, v), lines))
    return path


def _named(namer: words.Namer, g: EntityGraph, v: int) -> words.Named:
    named = namer.get(_key(g, v))
    assert named is not None  # every vertex on a told path is in scope
    return named
