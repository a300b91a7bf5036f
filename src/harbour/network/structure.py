"""Relationships read from the network's structure, not only from the type a record gave a link.

A link's type is what someone typed: care staff are often recorded as an "associate", a
placement's taxi has no type at all, and a child's record may still hold the family address
after they moved into a children's home. Taking the types at their word ranks care staff and
parents as exploiters. So, before detection:

- placement: anyone whose address is a care home, foster home or hostel lives there; so does a
  child last seen at one more often than at their recorded address (at a hostel, where adults
  live too, at least twice and never found there with an adult not recorded as theirs);
- placement staff: an adult recorded as carer or professional of someone placed at a
  placement, and a foster carer (an adult whose address is a foster home) never found with a
  child at a quiet place (a home, a hotel, a hostel) other than the child's placement, look
  after every child placed there; so does an adult with no intelligence-graded link whose links to
  children all lead to most of the children of one placement of three or more, and who was never
  found with any child but at the placement itself;
- households: an adult and a child recorded at the same home (of a dozen people or fewer) live
  together;
- friends' homes: a child at a home where someone lives whom they know (their family, their
  carer, or a child they are found with or linked to), or who came with a child whose family
  lives there, or where a child of their own age lives and no adult of the home was with them,
  is visiting, and the adults of that home found with them there are hosts, not associates;
- chaperones: an adult found with a child in their care (their own, say) and that child's
  friends is out with them, not associating with the friends.

Each of these only ever explains a link away, never adds suspicion. Pure functions of the graph.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from harbour.network.graph import PROTECTIVE, EntityGraph, Link

PLACEMENTS = frozenset({"care_home", "foster_home", "hostel"})
QUIET = frozenset({"home", "hotel", "hostel", "other"})  # where being found together tells
CARE = frozenset({"carer", "professional"})
STAFF_SHARE = 0.5  # of a placement's children an adult must be linked to, to read as staff
STAFF_PLACEMENT = 3  # the fewest children placed somewhere for that reading
HOUSEHOLD = 12  # more people at one address than this are not read as one household
PERSON_LINKS = frozenset({"associate", "found_with"})
OBJECT_LINKS = frozenset({"owns_phone", "uses_phone", "in_vehicle"})
STAFF_LINKS = PROTECTIVE | PERSON_LINKS | OBJECT_LINKS


@dataclass
class Structure:
    placement: dict[int, int]  # person vertex -> the placement they live at
    residents: dict[int, set[int]]  # place vertex -> who lives there (address or placement)
    known: dict[int, set[int]]  # person -> people they are known to be with (any record)
    partners: dict[int, set[int]]  # person -> who cares for them or is in their care
    found_place: dict[int, int]  # episode id -> where it was found
    companions: dict[int, set[int]]  # episode id -> the missing person and who was with them
    hosts: set[tuple[int, int]]  # (adult, episode id): a host or chaperone on that find
    born: dict[int, date]
    peer_years: float

    def peers(self, a: int, b: int) -> bool:
        one, two = self.born.get(a), self.born.get(b)
        return bool(one and two and abs((one - two).days) < self.peer_years * 365.25)

    def cares(self, one: int, other: int) -> bool:
        """Whether one of the two looks after the other (recorded, or read from structure)."""
        return other in self.partners.get(one, ())


def _episodes(g: EntityGraph) -> tuple[dict[int, int], dict[int, set[int]]]:
    found_place: dict[int, int] = {}
    companions: dict[int, set[int]] = defaultdict(set)
    for link in g.links:
        if link.record != "episode":
            continue
        if link.type == "found_at":
            found_place[link.record_id] = link.b
        elif link.type == "found_with":
            companions[link.record_id].update((link.a, link.b))
    return found_place, companions


def _typed(g: EntityGraph, a: int, b: int) -> bool:
    return frozenset((a, b)) in g.protective


def placements(
    g: EntityGraph, found_place: dict[int, int], companions: dict[int, set[int]]
) -> dict[int, int]:
    """Who lives at a placement (see the module's description)."""
    seen: dict[int, Counter[int]] = defaultdict(Counter)
    for link in g.links:
        if link.type == "last_seen_at" and link.a in g.children:
            seen[link.a][link.b] += 1
    accompanied: set[tuple[int, int]] = set()  # (child, place): found there with a stranger
    for episode, people in companions.items():
        where = found_place.get(episode)
        if where is None or g.place_type.get(where) != "hostel":
            continue  # adults live at hostels: one found there with a child may be anyone
        for child in people:
            if child in g.adults:
                continue
            if any(p in g.adults and not _typed(g, p, child) for p in people):
                accompanied.add((child, where))
    out = {v: p for v, p in g.home.items() if g.place_type.get(p) in PLACEMENTS}
    for child, counts in seen.items():
        if child in out:
            continue
        places = [(n, p) for p, n in counts.items() if g.place_type.get(p) in PLACEMENTS]
        if not places:
            continue
        times, place = max(places)
        enough = times >= 2 or g.place_type.get(place) != "hostel"
        more = times > counts.get(g.home.get(child, -1), 0)
        if enough and more and (child, place) not in accompanied:
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
    g: EntityGraph, s: Structure, child: int, place: int, with_them: Iterable[int]
) -> bool:
    """At a home where someone lives whom the child knows as family, carer or friend, or who
    came with a child whose family lives there."""
    living = s.residents.get(place)
    if not living:
        return False  # nobody lives there (a school, a station): most visits end here
    friends = [other for other in with_them if other not in g.adults]
    hosted = any(other in g.adults and other in living for other in with_them)
    for resident in living:
        if resident == child or s.cares(resident, child):
            return True
        if any(s.cares(resident, friend) for friend in friends):
            return True  # with a friend whose family lives there
        if resident not in g.adults and (resident in friends or resident in s.known.get(child, ())):
            return True  # a friend's home (a child, or a missing person of unknown age)
        if (
            not hosted
            and resident in g.children
            and g.place_type.get(place) == "home"
            and s.peers(child, resident)
        ):
            return True  # a home where a child of their age lives, and no adult of it was there
    return False


def _staff(
    g: EntityGraph, placement: dict[int, int], found_place: dict[int, int]
) -> set[frozenset[int]]:
    placed: dict[int, set[int]] = defaultdict(set)
    for person, place in placement.items():
        if person in g.children:
            placed[place].add(person)
    carers: dict[int, set[int]] = defaultdict(set)  # adult -> placements they care at
    fostering: dict[int, int] = {}  # adult -> the foster home that is their address
    for adult in g.adults:
        if g.place_type.get(placement.get(adult, -1)) == "foster_home":
            fostering[adult] = placement[adult]
    reach: dict[int, set[int]] = defaultdict(set)  # adult -> children linked to them
    away: set[int] = set()  # adults found with a child anywhere but the child's placement
    quiet: set[int] = set()  # ... at a quiet place
    graded: set[int] = set()  # adults named in graded intelligence
    objects: dict[int, set[int]] = defaultdict(set)  # phone/vehicle -> people linked
    for link in g.links:
        if link.type not in STAFF_LINKS:
            continue  # visits, addresses, frequented places: not how staff are seen
        kind = g.nodes[link.b].kind
        if kind in ("phone", "vehicle"):
            objects[link.b].add(link.a)
            continue
        if kind != "person":
            continue
        if link.record == "association" and link.record_id in g.grading:
            graded.update((link.a, link.b))
        for adult, child in ((link.a, link.b), (link.b, link.a)):
            if adult not in g.adults or adult == child:
                continue
            if link.type in CARE and child in placement:
                carers[adult].add(placement[child])  # the ward may be 18 and still placed
            elif link.type in PERSON_LINKS and child in g.children:
                reach[adult].add(child)
                if link.type == "found_with":
                    where = found_place.get(link.record_id)
                    if where != placement.get(child):
                        away.add(adult)  # found with them away from the placement (or who knows)
                        if where is None or g.place_type.get(where) in QUIET:
                            quiet.add(adult)
    for people in objects.values():  # a placement's taxi: the driver's reach through the car
        adults = [p for p in people if p in g.adults]
        children = {p for p in people if p in g.children}
        for adult in adults:
            reach[adult] |= children
    for adult, place in fostering.items():
        if adult not in quiet:  # living there is no record of care: not if seen with children
            carers[adult].add(place)
    pairs: set[frozenset[int]] = set()
    for adult, places in carers.items():
        for place in places:
            pairs.update(frozenset((adult, child)) for child in placed[place])
    for adult, children in reach.items():
        if adult in away or adult in graded or len(children) < 2:
            continue
        homes = {placement.get(c, -1) for c in children}
        if len(homes) != 1 or -1 in homes:
            continue
        (place,) = homes
        if len(placed[place]) >= STAFF_PLACEMENT and len(children) >= STAFF_SHARE * len(
            placed[place]
        ):
            pairs.update(frozenset((adult, child)) for child in placed[place])
    return pairs


def _households(
    g: EntityGraph, residents: dict[int, set[int]], partners: dict[int, set[int]]
) -> None:
    """An adult and a child recorded at the same home live together."""
    for child in g.children:
        place = g.home.get(child)
        if place is None or g.place_type.get(place) != "home":
            continue
        people = residents[place]
        if len(people) > HOUSEHOLD:
            continue  # a placeholder address, or a block recorded as one: not a household
        for adult in people:
            if adult in g.adults and g.home.get(adult) == place:
                partners[adult].add(child)
                partners[child].add(adult)


def read(g: EntityGraph, peer_years: float) -> Structure:
    """What the structure says about who lives where and who looks after whom."""
    found_place, companions = _episodes(g)
    placement = placements(g, found_place, companions)
    residents: dict[int, set[int]] = defaultdict(set)
    for person, place in g.home.items():
        residents[place].add(person)
    for person, place in placement.items():
        residents[place].add(person)
    partners: dict[int, set[int]] = defaultdict(set)
    for pairs in (g.protective, _staff(g, placement, found_place)):
        for pair in pairs:
            if len(pair) == 2:
                one, other = pair
                partners[one].add(other)
                partners[other].add(one)
    _households(g, residents, partners)
    s = Structure(
        placement,
        residents,
        _known(g),
        partners,
        found_place,
        companions,
        set(),
        g.born,
        peer_years,
    )
    for episode, people in companions.items():  # out with a child in their care and friends
        for adult in people:
            if adult in g.adults and any(
                other not in g.adults and other != adult and s.cares(adult, other)
                for other in people
            ):
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
