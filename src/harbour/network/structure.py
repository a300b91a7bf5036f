"""Relationships read from the network's structure, not only from the type a record gave a link.

A link's type is what someone typed: care staff are often recorded as an "associate", a
placement's taxi has no type at all, and a child's record may still hold the family address
after they moved into a children's home. Taking the types at their word ranks care staff and
parents as exploiters. So, before detection:

- placement: anyone whose address is a care home, foster home or hostel, and a child last seen
  at one more often than at their recorded address, lives there;
- placement staff: an adult who lives at a placement (a foster carer), or is recorded as carer
  or professional of someone placed at one, looks after every child placed there; so does an
  adult whose links to children all lead to children of one placement, most of its children,
  and who was never found with any of them but at the placement itself;
- households: an adult and a child recorded at the same home live together;
- friends' homes: a child at a home where someone lives whom they know (their family, their
  carer, or a child they are found with or linked to), or where a child of their own age lives,
  is visiting a friend, and the adults of that home found with them there are hosts, not
  associates;
- chaperones: an adult found with their own child (or a child in their care) and that child's
  friends is out with them, not associating with the friends.

Each of these only ever explains a link away, never adds suspicion. Pure functions of the graph.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from harbour.network.graph import PROTECTIVE, EntityGraph, Link

PLACEMENTS = frozenset({"care_home", "foster_home", "hostel"})
STAFF_SHARE = 0.5  # of a placement's children an adult must be linked to, to read as staff
PERSON_LINKS = frozenset({"associate", "found_with"})


@dataclass
class Structure:
    placement: dict[int, int]  # child vertex -> the placement they live at
    residents: dict[int, set[int]]  # place vertex -> who lives there (address or placement)
    known: dict[int, set[int]]  # person -> people they are known to be with (any record)
    care: set[frozenset[int]]  # (adult, child) pairs read as care (staff, household)
    found_place: dict[int, int]  # episode id -> where it was found
    hosts: set[tuple[int, int]]  # (adult, episode id): a host at home with a visiting friend
    born: dict[int, date]
    peer_years: float
    companions: dict[int, set[int]]  # episode id -> the missing person and who was with them

    def cares(self, g: EntityGraph, adult: int, child: int) -> bool:
        pair = frozenset((adult, child))
        return pair in g.protective or pair in self.care

    def peers(self, a: int, b: int) -> bool:
        one, two = self.born.get(a), self.born.get(b)
        return bool(one and two and abs((one - two).days) < self.peer_years * 365.25)


def placements(g: EntityGraph) -> dict[int, int]:
    """Who lives at a placement: anyone whose address is one, and children last seen at one more
    often than at their recorded address."""
    seen: dict[int, Counter[int]] = defaultdict(Counter)
    for link in g.links:
        if link.type == "last_seen_at" and link.a in g.children:
            seen[link.a][link.b] += 1
    out = {v: p for v, p in g.home.items() if g.place_type.get(p) in PLACEMENTS}
    for child, counts in seen.items():
        if child in out:
            continue
        places = [(n, p) for p, n in counts.items() if g.place_type.get(p) in PLACEMENTS]
        if places:
            times, place = max(places)
            if times > counts.get(g.home.get(child, -1), 0):
                out[child] = place
    return out


def _known(g: EntityGraph) -> dict[int, set[int]]:
    known: dict[int, set[int]] = defaultdict(set)
    for link in g.links:
        if link.type in PERSON_LINKS or link.type in PROTECTIVE:
            known[link.a].add(link.b)
            known[link.b].add(link.a)
    return known


def _visit_explained(
    g: EntityGraph, s: Structure, child: int, place: int, with_them: set[int]
) -> bool:
    """At a home where someone lives whom the child knows as family, carer or friend."""
    for resident in s.residents.get(place, ()):
        if resident == child:
            return True
        if s.cares(g, resident, child):
            return True
        if any(s.cares(g, resident, other) for other in with_them):
            return True  # with a friend whose family lives there
        if resident not in g.adults and (resident in with_them or resident in s.known[child]):
            return True  # a friend's home (a child, or a missing person of unknown age)
        if (
            resident in g.children
            and g.place_type.get(place) == "home"
            and s.peers(child, resident)
        ):
            return True  # a home where a child of their age lives: a friend's, most likely
    return False


def _staff(
    g: EntityGraph, placement: dict[int, int], found_place: dict[int, int]
) -> set[frozenset[int]]:
    placed: dict[int, set[int]] = defaultdict(set)
    for person, place in placement.items():
        if person in g.children:
            placed[place].add(person)
    carers: dict[int, set[int]] = defaultdict(set)  # adult -> placements they care at
    for adult in g.adults:  # a foster carer, a live-in key worker
        if adult in placement:
            carers[adult].add(placement[adult])
    reach: dict[int, set[int]] = defaultdict(set)  # adult -> children linked to them
    elsewhere: set[int] = set()  # adults found with children away from their placement
    objects: dict[int, set[int]] = defaultdict(set)  # phone/vehicle -> people linked
    for link in g.links:
        kind = g.nodes[link.b].kind
        if kind in ("phone", "vehicle"):
            objects[link.b].add(link.a)
            continue
        if kind != "person":
            continue
        for adult, child in ((link.a, link.b), (link.b, link.a)):
            if adult not in g.adults:
                continue
            if link.type in PROTECTIVE and child in placement:
                carers[adult].add(placement[child])  # the ward may be 18 and still placed
            elif link.type in PERSON_LINKS and child in g.children:
                reach[adult].add(child)
                if link.type == "found_with" and found_place.get(link.record_id) != placement.get(
                    child
                ):
                    elsewhere.add(adult)  # found with them away from the placement (or who knows)
    for people in objects.values():  # a placement's taxi: the driver's reach through the car
        adults = [p for p in people if p in g.adults]
        children = {p for p in people if p in g.children}
        for adult in adults:
            reach[adult] |= children
    pairs: set[frozenset[int]] = set()
    for adult, places in carers.items():
        for place in places:
            pairs.update(frozenset((adult, child)) for child in placed[place])
    for adult, children in reach.items():
        if adult in elsewhere or len(children) < 2:
            continue
        homes = {placement.get(c, -1) for c in children}
        if len(homes) != 1 or -1 in homes:
            continue
        (place,) = homes
        if len(children) >= STAFF_SHARE * len(placed[place]):
            pairs.update(frozenset((adult, child)) for child in placed[place])
    return pairs


def _households(g: EntityGraph) -> set[frozenset[int]]:
    """An adult and a child recorded at the same home live together."""
    at: dict[int, list[int]] = defaultdict(list)
    for person, place in g.home.items():
        if g.place_type.get(place) == "home":
            at[place].append(person)
    pairs: set[frozenset[int]] = set()
    for people in at.values():
        adults = [p for p in people if p in g.adults]
        pairs.update(frozenset((a, c)) for a in adults for c in people if c in g.children)
    return pairs


def read(g: EntityGraph, peer_years: float) -> Structure:
    """What the structure says about who lives where and who looks after whom."""
    placement = placements(g)
    residents: dict[int, set[int]] = defaultdict(set)
    for person, place in g.home.items():
        residents[place].add(person)
    for child, place in placement.items():
        residents[place].add(child)
    found_place: dict[int, int] = {}
    companions: dict[int, set[int]] = defaultdict(set)
    for link in g.links:
        if link.record != "episode":
            continue
        if link.type == "found_at":
            found_place[link.record_id] = link.b
        elif link.type == "found_with":
            companions[link.record_id].update((link.a, link.b))
    s = Structure(
        placement, residents, _known(g), set(), found_place, set(), g.born, peer_years, companions
    )
    s.care = _staff(g, placement, found_place) | _households(g)
    for episode, people in companions.items():  # out with their own child and the child's friends
        for adult in people:
            if adult in g.adults and any(s.cares(g, adult, other) for other in people):
                s.hosts.add((adult, episode))
    for link in g.links:
        if link.type != "found_with" or link.record != "episode" or link.a not in g.children:
            continue
        where = found_place.get(link.record_id)
        host = link.b
        if where is None or host not in g.adults or host not in residents.get(where, ()):
            continue
        others = companions[link.record_id] - {host, link.a}
        if _visit_explained(g, s, link.a, where, others):
            s.hosts.add((host, link.record_id))
    return s


def explains(g: EntityGraph, s: Structure, link: Link, with_them: set[int]) -> bool:
    """Whether a child's visit to a place (last seen, found or seen there) is explained by who
    lives there."""
    return g.home.get(link.a) == link.b or _visit_explained(g, s, link.a, link.b, with_them)
