"""The entity network of one organisation: every person, place, phone and vehicle it holds, and
every link between them with its source record and time, read from the database into an igraph
graph.

Links come from associations (their own type), from episodes (the missing person last seen at or
found at a place, found with a companion), from a person's home and from the phones on a person's
record. Only the organisation's own records are read: its people, places and vehicles, the links
it recorded between them, its people's phones and episodes, and companions it holds; another
organisation's records never join its network (decision 18). The graph is rebuilt from the
database each time: an in-memory copy is only a cache.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

import igraph as ig
from sqlalchemy import String, and_, or_, select, type_coerce
from sqlalchemy.orm import Session, aliased

from harbour.episodes.models import Episode, EpisodeCompanion
from harbour.people.models import Association, Person, PersonPhone, Place, Vehicle

# Links that say who looks after or is related to a person: never a sign of exploitation.
PROTECTIVE = frozenset({"family", "carer", "professional"})
# Links that put a child at a place on a missing episode.
VISITS = frozenset({"last_seen_at", "found_at", "seen_at"})


# Node and Link are named tuples, not dataclasses: a national rebuild makes millions of each,
# and a tuple is built and hashed in C.
class Node(NamedTuple):
    """A vertex: `kind` is person, place, phone or vehicle; `key` its row id (a phone: number)."""

    kind: str
    key: str | int


class Link(NamedTuple):
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
    ids: dict[str, dict[str | int, int]] = field(
        default_factory=lambda: {"person": {}, "place": {}, "phone": {}, "vehicle": {}}
    )  # kind -> key -> vertex index
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
    # Association ids of places a missing person was learnt to have been at from their own
    # episode (a return interview, a safe-and-well check): their account, not a passer-by's.
    accounts: set[int] = field(default_factory=set)
    graph: ig.Graph = field(default_factory=ig.Graph)

    def vertex(self, kind: str, key: str | int) -> int:
        ids = self.ids[kind]
        found = ids.get(key)
        if found is None:
            found = ids[key] = len(self.nodes)
            self.nodes.append(Node(kind, key))
        return found

    def find(self, node: Node) -> int:
        """The vertex index of a node already in the graph."""
        return self.ids[node.kind][node.key]

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


_EpisodeRow = tuple[int, int, datetime, datetime | None, int | None, datetime | None, int | None]


def age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@dataclass(frozen=True)
class Around:
    """A neighbourhood to read instead of the whole network: these records and their links."""

    persons: frozenset[int]
    places: frozenset[int]
    phones: frozenset[str]
    vehicles: frozenset[int]


def build(
    session: Session, as_of: datetime, around: Around | None = None, *, organisation: int
) -> EntityGraph:
    """Read an organisation's whole network from the database (or only the links around some
    records)."""
    # Core, not the ORM: rows come back as plain tuples, streamed in batches (a national rebuild
    # reads about ten million links). Core does not flush pending changes first: do it here.
    if session.autoflush:
        session.flush()
    reader = _Reader(session.connection(), EntityGraph(), as_of)
    episodes = reader.episodes(around, organisation)
    queries = _Queries.of(around, episodes, organisation)
    reader.people(queries.people)
    reader.places(queries.places)
    reader.phones(queries.phones)
    reader.associations(queries.links, episodes)
    by_episode, found = reader.episode_links(episodes)
    reader.companions(queries.companions, by_episode, found)
    g = reader.g
    g.graph = ig.Graph(n=len(g.nodes), edges=[(link.a, link.b) for link in g.links])
    g.graph.es["type"] = [link.type for link in g.links]
    return g


@dataclass
class _Queries:
    """What to read of each kind of record: everything, or what lies around some records."""

    people: Any
    places: Any
    phones: Any
    links: Any
    companions: Any

    @classmethod
    def of(cls, around: Around | None, episodes: list[_EpisodeRow], organisation: int) -> _Queries:
        # Each kind of record is joined to its owner on the organisation: one hash join per
        # query, where `IN (subquery)` inside an OR could be run once per row.
        home = aliased(Place)
        # A record merged into another holds nothing any more (its rows follow the merge), so
        # each child is counted once however many records they were reported under. A home
        # another organisation recorded is not read: it is theirs.
        people = (
            select(Person.id, Person.date_of_birth, home.id)
            .outerjoin(home, and_(home.id == Person.home_place_id, _ours(home, organisation)))
            .where(Person.merged_into_id.is_(None), _ours(Person, organisation))
        )
        # Enum columns read as their stored text: no per-row conversion to the enum and back.
        places = select(Place.id, type_coerce(Place.type, String), Place.borough).where(
            _ours(Place, organisation)
        )
        owner = aliased(Person)
        phones = select(PersonPhone.person_id, PersonPhone.number).join(
            owner, and_(owner.id == PersonPhone.person_id, _ours(owner, organisation))
        )
        subject, person = aliased(Person), aliased(Person)
        place, vehicle = aliased(Place), aliased(Vehicle)
        links = (
            select(
                Association.id, Association.subject_id, Association.object_person_id,
                Association.object_place_id, Association.object_vehicle_id,
                Association.object_phone, type_coerce(Association.type, String),
                Association.observed_at, Association.intel_source,
                Association.intel_assessment, Association.intel_handling,
                Association.source_episode_id,
            )
            .join(subject, and_(subject.id == Association.subject_id, _ours(subject, organisation)))
            .outerjoin(person, person.id == Association.object_person_id)
            .outerjoin(place, place.id == Association.object_place_id)
            .outerjoin(vehicle, vehicle.id == Association.object_vehicle_id)
            .where(
                _ours(Association, organisation),
                or_(Association.object_person_id.is_(None), _ours(person, organisation)),
                or_(Association.object_place_id.is_(None), _ours(place, organisation)),
                or_(Association.object_vehicle_id.is_(None), _ours(vehicle, organisation)),
            )
        )  # fmt: skip
        child, companion = aliased(Person), aliased(Person)
        companions = (
            select(EpisodeCompanion.episode_id, EpisodeCompanion.person_id)
            .join(Episode, Episode.id == EpisodeCompanion.episode_id)
            .join(child, and_(child.id == Episode.person_id, _ours(child, organisation)))
            .join(
                companion,
                and_(companion.id == EpisodeCompanion.person_id, _ours(companion, organisation)),
            )
        )
        if around is None:
            return cls(people, places, phones, links, companions)
        persons = set(around.persons) | {row[1] for row in episodes}
        near = set(around.places)
        for row in episodes:
            near |= {p for p in (row[4], row[6]) if p is not None}
        homes = select(Person.home_place_id).where(Person.id.in_(persons))
        return cls(
            people=people.where(Person.id.in_(persons)),
            places=places.where(or_(Place.id.in_(near), Place.id.in_(homes))),
            phones=phones.where(
                or_(PersonPhone.person_id.in_(persons), PersonPhone.number.in_(around.phones))
            ),
            links=links.where(
                or_(
                    Association.subject_id.in_(persons),
                    Association.object_person_id.in_(persons),
                    Association.object_place_id.in_(near),
                    Association.object_phone.in_(around.phones),
                    Association.object_vehicle_id.in_(around.vehicles),
                )
            ),
            companions=companions.where(EpisodeCompanion.episode_id.in_([r[0] for r in episodes])),
        )


def _ours(model: Any, organisation: int) -> Any:
    """The records of `model` (or an alias of it) that belong to the organisation."""
    return model.organisation_id == organisation


class _Reader:
    """Adds each kind of record to the graph, one streamed query each."""

    def __init__(self, connection: Any, g: EntityGraph, as_of: datetime) -> None:
        self.connection, self.g, self.as_of = connection, g, as_of
        self.first: dict[int, datetime] = {}  # one who went missing as a child stays a child

    def rows(self, query: Any) -> Any:
        return self.connection.execute(query.execution_options(yield_per=50_000))

    def person(self, pid: int) -> int:
        found = self.g.ids["person"].get(pid)
        return self.g.vertex("person", pid) if found is None else found

    def place(self, pid: int) -> int:
        found = self.g.ids["place"].get(pid)
        return self.g.vertex("place", pid) if found is None else found

    def episodes(self, around: Around | None, organisation: int) -> list[_EpisodeRow]:
        """(id, person, reported, last seen at, last seen place, found at, found place) of the
        organisation's people; a place another organisation recorded is read as none."""
        child, seen, found = aliased(Person), aliased(Place), aliased(Place)
        query = (
            select(
                Episode.id, Episode.person_id, Episode.reported_at, Episode.last_seen_at,
                seen.id, Episode.found_at, found.id,
            )
            .join(child, and_(child.id == Episode.person_id, _ours(child, organisation)))
            .outerjoin(
                seen, and_(seen.id == Episode.last_seen_place_id, _ours(seen, organisation))
            )
            .outerjoin(found, and_(found.id == Episode.found_place_id, _ours(found, organisation)))
        )  # fmt: skip
        if around is not None:
            query = query.where(
                or_(
                    Episode.person_id.in_(around.persons),
                    Episode.last_seen_place_id.in_(around.places),
                    Episode.found_place_id.in_(around.places),
                )
            )
        episodes: list[_EpisodeRow] = [tuple(row) for row in self.rows(query)]
        first = self.first
        for _, pid, reported, *_ in episodes:
            if pid not in first or reported < first[pid]:
                first[pid] = reported
        return episodes

    def people(self, query: Any) -> None:
        g, first, links = self.g, self.first, self.g.links
        for pid, born, home in self.rows(query.order_by(Person.id)):
            v = g.vertex("person", pid)
            on = first.get(pid, self.as_of).date()
            if born is not None:
                (g.children if age(born, on) < 18 else g.adults).add(v)
            elif pid not in first:
                g.adults.add(v)  # a suspect known by a name or a nickname, never reported missing
            # A missing person with no date of birth (often a child's duplicate record) is
            # neither: never counted as a child, and never the subject of a common-associate
            # alert.
            if born is not None:
                g.born[v] = born
            if home is not None:
                g.home[v] = self.place(home)
                links.append(Link(v, g.home[v], "lives_at", "person", pid, None))

    def places(self, query: Any) -> None:
        g = self.g
        for pid, place_type, borough in self.rows(query):
            v = self.place(pid)
            g.place_type[v] = str(place_type)
            if borough:
                g.place_area[v] = borough

    def phones(self, query: Any) -> None:
        g = self.g
        for pid, number in self.rows(query):
            g.links.append(
                Link(self.person(pid), g.vertex("phone", number), "owns_phone", "person", pid, None)
            )

    def associations(self, query: Any, episodes: list[_EpisodeRow]) -> None:
        g, person, place, links = self.g, self.person, self.place, self.g.links
        said = {
            (episode_id, where)
            for episode_id, _, _, _, last_seen_place, _, found_place in episodes
            for where in (found_place, last_seen_place)
            if where is not None
        }
        for (
            aid, subject_id, object_person, object_place, object_vehicle, object_phone,
            link_type, observed_at, intel_source, intel_assessment, intel_handling,
            source_episode,
        ) in self.rows(query):  # fmt: skip
            if intel_source and intel_assessment and intel_handling:
                g.grading[aid] = f"{intel_source}{intel_assessment}{intel_handling}"
            kind = str(link_type)
            if object_person is not None:
                other = person(object_person)
            elif object_place is not None:
                if kind in ("found_at", "last_seen_at") and (source_episode, object_place) in said:
                    continue  # the episode itself says so: one find, not two
                other = place(object_place)
                if source_episode is not None:
                    g.accounts.add(aid)
            elif object_vehicle is not None:
                other = g.vertex("vehicle", object_vehicle)
            else:
                other = g.vertex("phone", str(object_phone))
            subject = person(subject_id)
            links.append(Link(subject, other, kind, "association", aid, observed_at))
            if kind in PROTECTIVE:
                g.protective.add(frozenset((subject, other)))

    def episode_links(
        self, episodes: list[_EpisodeRow]
    ) -> tuple[dict[int, int], dict[int, datetime | None]]:
        """Last seen and found places; returns each episode's child and when found."""
        links, person, place = self.g.links, self.person, self.place
        by_episode: dict[int, int] = {}
        found: dict[int, datetime | None] = {}
        for (
            episode_id,
            pid,
            reported,
            last_seen,
            seen_place,
            found_at,
            found_place,
        ) in episodes:
            v = person(pid)
            by_episode[episode_id] = v
            found[episode_id] = found_at
            if seen_place is not None:
                links.append(
                    Link(v, place(seen_place), "last_seen_at", "episode", episode_id,
                         last_seen or reported)
                )  # fmt: skip
            if found_place is not None:
                links.append(
                    Link(v, place(found_place), "found_at", "episode", episode_id, found_at)
                )
        return by_episode, found

    def companions(
        self, query: Any, by_episode: dict[int, int], found: dict[int, datetime | None]
    ) -> None:
        links, person = self.g.links, self.person
        for episode_id, pid in self.rows(query):
            links.append(
                Link(by_episode[episode_id], person(pid), "found_with", "episode", episode_id,
                     found[episode_id])
            )  # fmt: skip
