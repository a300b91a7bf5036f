"""The entity network: every person, place, phone and vehicle Harbour holds, and every link between
them with its source record and time, read from the database into an igraph graph.

Links come from associations (their own type), from episodes (the missing person last seen at or
found at a place, found with a companion), from a person's home and from the phones on a person's
record. The graph is rebuilt from the database each time: an in-memory copy is only a cache.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

import igraph as ig
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from harbour.episodes.models import Episode, EpisodeCompanion
from harbour.links.models import Association
from harbour.people.models import Person, PersonPhone
from harbour.places.models import Place

# Links that say who looks after or is related to a person: never a sign of exploitation.
PROTECTIVE = frozenset({"family", "carer", "professional"})
# Links that put a child at a place on a missing episode.
VISITS = frozenset({"last_seen_at", "found_at", "seen_at"})


@dataclass(frozen=True, order=True)
class Node:
    """A vertex: `kind` is person, place, phone or vehicle; `key` its row id (a phone: number)."""

    kind: str
    key: str | int


@dataclass(frozen=True)
class Link:
    """One edge with its evidence: which record said so, and when."""

    a: int  # vertex index of the subject (always a person)
    b: int  # vertex index of the object
    type: str
    record: str  # association, episode or person
    record_id: int
    observed_at: datetime | None


@dataclass
class EntityGraph:
    nodes: list[Node] = field(default_factory=list)
    index: dict[Node, int] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    children: set[int] = field(default_factory=set)  # vertex indexes of persons under 18
    adults: set[int] = field(default_factory=set)  # everyone else (unknown age included)
    born: dict[int, date] = field(default_factory=dict)  # person vertex -> date of birth
    # Person vertex -> the first record with the same name and date of birth: duplicates that
    # identity resolution has not merged yet are counted once.
    place_type: dict[int, str] = field(default_factory=dict)
    place_area: dict[int, str] = field(default_factory=dict)  # place vertex -> borough
    grading: dict[int, str] = field(default_factory=dict)  # association id -> 3x5x2, e.g. "2BP"
    home: dict[int, int] = field(default_factory=dict)  # person vertex -> home place vertex
    protective: set[frozenset[int]] = field(default_factory=set)  # family/carer pairs
    graph: ig.Graph = field(default_factory=ig.Graph)

    def vertex(self, kind: str, key: str | int) -> int:
        node = Node(kind, key)
        found = self.index.get(node)
        if found is None:
            found = self.index[node] = len(self.nodes)
            self.nodes.append(node)
        return found

    def by_vertex(self) -> dict[int, list[Link]]:
        """Every link touching each vertex."""
        out: dict[int, list[Link]] = defaultdict(list)
        for link in self.links:
            out[link.a].append(link)
            out[link.b].append(link)
        return out

    def residents(self) -> dict[int, set[int]]:
        """Place vertex -> the person vertices who live there."""
        out: dict[int, set[int]] = defaultdict(set)
        for person, place in self.home.items():
            out[place].add(person)
        return out


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@dataclass(frozen=True)
class Around:
    """A neighbourhood to read instead of the whole network: these records and their links."""

    persons: frozenset[int]
    places: frozenset[int]
    phones: frozenset[str]
    vehicles: frozenset[int]


def build(session: Session, as_of: datetime, around: Around | None = None) -> EntityGraph:
    """Read the whole network from the database (or only the links around some records)."""
    g = EntityGraph()
    first: dict[int, datetime] = {}  # a person who went missing as a child stays a child here
    query = select(
        Episode.id, Episode.person_id, Episode.reported_at, Episode.last_seen_at,
        Episode.last_seen_place_id, Episode.found_at, Episode.found_place_id,
    )  # fmt: skip
    if around is not None:
        query = query.where(
            or_(
                Episode.person_id.in_(around.persons),
                Episode.last_seen_place_id.in_(around.places),
                Episode.found_place_id.in_(around.places),
            )
        )
    episodes = session.execute(query).all()
    for row in episodes:
        if row.person_id not in first or row.reported_at < first[row.person_id]:
            first[row.person_id] = row.reported_at
    # A record merged into another holds nothing any more (its rows follow the merge), so each
    # child is counted once however many records they were reported under (issue 5's merges).
    people = select(Person.id, Person.date_of_birth, Person.home_place_id).where(
        Person.merged_into_id.is_(None)
    )
    places = select(Place.id, Place.type, Place.borough)
    phones = select(PersonPhone.person_id, PersonPhone.number)
    links = select(
        Association.id, Association.subject_id, Association.object_person_id,
        Association.object_place_id, Association.object_vehicle_id, Association.object_phone,
        Association.type, Association.observed_at, Association.intel_source,
        Association.intel_assessment, Association.intel_handling, Association.source_episode_id,
    )  # fmt: skip
    companions = select(EpisodeCompanion.episode_id, EpisodeCompanion.person_id)
    if around is not None:
        persons = set(around.persons) | {row.person_id for row in episodes}
        near = set(around.places)
        for row in episodes:
            near |= {p for p in (row.last_seen_place_id, row.found_place_id) if p is not None}
        people = people.where(Person.id.in_(persons))
        places = places.where(
            or_(
                Place.id.in_(near),
                Place.id.in_(select(Person.home_place_id).where(Person.id.in_(persons))),
            )
        )
        phones = phones.where(
            or_(PersonPhone.person_id.in_(persons), PersonPhone.number.in_(around.phones))
        )
        links = links.where(
            or_(
                Association.subject_id.in_(persons),
                Association.object_person_id.in_(persons),
                Association.object_place_id.in_(near),
                Association.object_phone.in_(around.phones),
                Association.object_vehicle_id.in_(around.vehicles),
            )
        )
        companions = companions.where(EpisodeCompanion.episode_id.in_([r.id for r in episodes]))
    for pid, born, home in session.execute(people.order_by(Person.id)):
        v = g.vertex("person", pid)
        on = first.get(pid, as_of).date()
        if born is not None:
            (g.children if _age(born, on) < 18 else g.adults).add(v)
        elif pid not in first:
            g.adults.add(v)  # a suspect known by a name or a nickname, never reported missing
        # A missing person with no date of birth (often a child's duplicate record) is neither:
        # never counted as a child, and never the subject of a common-associate alert.
        if born is not None:
            g.born[v] = born
        if home is not None:
            g.home[v] = g.vertex("place", home)
            g.links.append(Link(v, g.home[v], "lives_at", "person", pid, None))
    for pid, place_type, borough in session.execute(places):
        v = g.vertex("place", pid)
        g.place_type[v] = str(place_type)
        if borough:
            g.place_area[v] = borough
    for pid, number in session.execute(phones):
        v = g.vertex("person", pid)
        g.links.append(Link(v, g.vertex("phone", number), "owns_phone", "person", pid, None))
    said = {
        (row.id, g.vertex("place", place))
        for row in episodes
        for place in (row.found_place_id, row.last_seen_place_id)
        if place is not None
    }
    for a in session.execute(links):
        if a.intel_source and a.intel_assessment and a.intel_handling:
            g.grading[a.id] = f"{a.intel_source}{a.intel_assessment}{a.intel_handling}"
        if a.object_person_id is not None:
            other = g.vertex("person", a.object_person_id)
        elif a.object_place_id is not None:
            other = g.vertex("place", a.object_place_id)
        elif a.object_vehicle_id is not None:
            other = g.vertex("vehicle", a.object_vehicle_id)
        else:
            other = g.vertex("phone", a.object_phone)
        subject = g.vertex("person", a.subject_id)
        kind = str(a.type)
        if kind in ("found_at", "last_seen_at") and (a.source_episode_id, other) in said:
            continue  # the episode itself says so: one find, not two
        g.links.append(Link(subject, other, kind, "association", a.id, a.observed_at))
        if kind in PROTECTIVE:
            g.protective.add(frozenset((subject, other)))
    by_episode: dict[int, int] = {}
    for row in episodes:
        v = g.vertex("person", row.person_id)
        by_episode[row.id] = v
        if row.last_seen_place_id is not None:
            place = g.vertex("place", row.last_seen_place_id)
            seen = row.last_seen_at or row.reported_at
            g.links.append(Link(v, place, "last_seen_at", "episode", row.id, seen))
        if row.found_place_id is not None:
            place = g.vertex("place", row.found_place_id)
            g.links.append(Link(v, place, "found_at", "episode", row.id, row.found_at))
    found = {row.id: row.found_at for row in episodes}
    for episode_id, pid in session.execute(companions):
        child = by_episode[episode_id]
        g.links.append(
            Link(
                child, g.vertex("person", pid), "found_with", "episode",
                episode_id, found[episode_id],
            )
        )  # fmt: skip
    g.graph = ig.Graph(n=len(g.nodes), edges=[(link.a, link.b) for link in g.links])
    g.graph.es["type"] = [link.type for link in g.links]
    return g
