"""Protective relationships read from the network's structure, not only from a link's type.

Each test builds a small entity graph by hand and runs the detector on it, so that what is
asserted is the rule, not the simulator's habits.
"""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from harbour.network.detect import Alert, detect
from harbour.network.graph import PROTECTIVE, EntityGraph, Link
from harbour.settings import get_settings

TODAY = datetime(2026, 11, 1, 12, 0)


class World:
    """A hand-made entity graph: people, places and the records that link them."""

    def __init__(self) -> None:
        self.g = EntityGraph()
        self.records = 0
        for _ in range(40):  # a borough of ordinary homes nobody visits, and a few hotels
            self.place("home")
        for _ in range(4):
            self.place("hotel")

    def _record(self) -> int:
        self.records += 1
        return self.records

    def person(self, age: int, home: int | None = None) -> int:
        v = self.g.vertex("person", len(self.g.nodes) + 1000)
        self.g.born[v] = date(2026 - age, 3, 1)
        (self.g.children if age < 18 else self.g.adults).add(v)
        if home is not None:
            self.g.home[v] = home
            self.g.links.append(Link(v, home, "lives_at", "person", v, None))
        return v

    def place(self, kind: str) -> int:
        v = self.g.vertex("place", len(self.g.nodes) + 1000)
        self.g.place_type[v] = kind
        return v

    def link(self, a: int, b: int, kind: str) -> None:
        self.g.links.append(Link(a, b, kind, "association", self._record(), TODAY))
        if kind in PROTECTIVE:
            self.g.protective.add(frozenset((a, b)))

    def episode(
        self, child: int, last_seen: int, found: int | None = None, with_: tuple[int, ...] = ()
    ) -> None:
        record = self._record()
        self.g.links.append(Link(child, last_seen, "last_seen_at", "episode", record, TODAY))
        if found is not None:
            self.g.links.append(Link(child, found, "found_at", "episode", record, TODAY))
        for other in with_:
            self.g.links.append(Link(child, other, "found_with", "episode", record, TODAY))

    def alerts(self, kind: str) -> list[Alert]:
        return [a for a in detect(self.g, get_settings()) if a.kind == kind]

    def subjects(self, kind: str) -> set[int]:
        return {self.g.find(a.subject) for a in self.alerts(kind)}


def _care_home(w: World, residents: int = 5) -> tuple[int, list[int]]:
    home = w.place("care_home")
    children = []
    for _ in range(residents):
        child = w.person(15, home=w.place("home"))  # the record still holds the family address
        w.episode(child, home, home)
        w.episode(child, home)
        children.append(child)
    return home, children


def test_care_staff_recorded_as_associates_are_not_exploiters() -> None:
    """Staff linked as 'associate' (not 'carer') to most of one home's children, and found with
    them only at the home: care, by structure."""
    w = World()
    home, children = _care_home(w)
    worker = w.person(40)
    for child in children[:4]:
        w.link(child, worker, "associate")
    w.episode(children[0], home, home, with_=(worker,))
    assert worker not in w.subjects("common_associate")


def test_a_carer_of_one_resident_looks_after_them_all() -> None:
    w = World()
    _, children = _care_home(w)
    worker = w.person(35)
    w.link(children[0], worker, "carer")
    for child in children[1:]:
        w.link(child, worker, "associate")
    assert worker not in w.subjects("common_associate")


def test_an_adult_targeting_a_care_home_is_still_an_associate() -> None:
    """Linked to the same children, but found with them at a flat: not staff."""
    w = World()
    home, children = _care_home(w)
    flat = w.place("home")
    man = w.person(32)
    for child in children[:4]:
        w.link(child, man, "associate")
        w.episode(child, home, flat, with_=(man,))
    assert man in w.subjects("common_associate")
    assert flat in w.subjects("hotspot")


def test_a_parent_at_home_with_their_childs_friends_is_a_host() -> None:
    w = World()
    house = w.place("home")
    parent = w.person(45, home=house)
    son = w.person(14, home=house)
    w.link(son, parent, "family")
    friends = [w.person(14, home=w.place("home")) for _ in range(4)]
    for friend in friends:
        w.episode(friend, w.g.home[friend], house, with_=(parent, son))
    assert parent not in w.subjects("common_associate")
    assert house not in w.subjects("hotspot")


def test_a_parent_out_with_their_child_and_friends_is_a_chaperone() -> None:
    w = World()
    park = w.place("park")
    mother = w.person(42, home=w.place("home"))
    daughter = w.person(13, home=w.g.home[mother])
    w.link(daughter, mother, "family")
    for _ in range(4):
        friend = w.person(13, home=w.place("home"))
        w.episode(friend, w.g.home[friend], park, with_=(daughter, mother))
    assert mother not in w.subjects("common_associate")


def test_a_hotel_of_one_off_guests_is_not_a_hotspot_but_one_children_return_to_is() -> None:
    w = World()
    ordinary, used = w.place("hotel"), w.place("hotel")
    for _ in range(10):
        child = w.person(15, home=w.place("home"))
        w.episode(child, w.g.home[child], ordinary)
    for _ in range(4):
        child = w.person(14, home=w.place("home"))
        w.episode(child, w.g.home[child], used)
        w.episode(child, w.g.home[child], used)
    found = w.subjects("hotspot")
    assert used in found and ordinary not in found


def test_a_childs_own_account_of_a_flat_counts_like_a_find() -> None:
    w = World()
    flat = w.place("hostel")
    for _ in range(4):
        child = w.person(15, home=w.place("home"))
        w.episode(child, w.g.home[child])
        record = w._record()
        w.g.links.append(Link(child, flat, "seen_at", "association", record, TODAY))
        w.g.accounts.add(record)
    assert flat in w.subjects("hotspot")


def test_two_related_adults_with_unrelated_children_are_not_each_others_chaperones() -> None:
    """A family link between two adults explains nothing about the children found with them."""
    w = World()
    hotel = w.place("hotel")
    one, two = w.person(30), w.person(33)
    w.link(one, two, "family")
    for _ in range(4):
        child = w.person(15, home=w.place("home"))
        w.episode(child, w.g.home[child], hotel, with_=(one, two))
    assert {one, two} <= w.subjects("common_associate")


def test_a_flat_is_not_explained_by_a_relative_of_the_man_found_there() -> None:
    w = World()
    flat = w.place("home")
    tenant, brother = w.person(35, home=flat), w.person(31)
    w.link(tenant, brother, "family")
    for _ in range(4):
        child = w.person(14, home=w.place("home"))
        w.episode(child, w.g.home[child], flat, with_=(tenant, brother))
    assert flat in w.subjects("hotspot")
    assert tenant in w.subjects("common_associate")


def test_a_claimed_relative_of_one_resident_is_not_the_homes_staff() -> None:
    """'Family' of one child at a care home, associate of others and found with them at a flat:
    the pattern of men who target children's homes."""
    w = World()
    home, children = _care_home(w, 6)
    man = w.person(29)
    w.link(children[0], man, "family")
    flat = w.place("home")
    for child in children[1:4]:
        w.link(child, man, "associate")
        w.episode(child, home, flat, with_=(man, children[0]))
    assert man in w.subjects("common_associate")


def test_a_man_living_at_a_hostel_is_not_the_carer_of_children_found_there_with_him() -> None:
    w = World()
    hostel = w.place("hostel")
    man = w.person(24, home=hostel)
    for _ in range(4):
        child = w.person(15, home=w.place("home"))
        w.episode(child, hostel, hostel, with_=(man,))
    assert man in w.subjects("common_associate")
    assert hostel in w.subjects("hotspot")


def test_a_child_registered_at_a_flat_does_not_cover_for_it() -> None:
    """A 15-year-old recorded at a man's flat; four others of that age found there with him."""
    w = World()
    flat = w.place("home")
    man = w.person(26, home=flat)
    w.person(15, home=flat)
    for _ in range(4):
        child = w.person(15, home=w.place("home"))
        w.episode(child, w.g.home[child], flat, with_=(man,))
    assert man in w.subjects("common_associate")
    assert flat in w.subjects("hotspot")


def test_graded_intelligence_keeps_an_adult_from_reading_as_staff() -> None:
    w = World()
    _, children = _care_home(w, 4)
    man = w.person(27)
    for child in children[:3]:
        w.link(child, man, "associate")
        w.g.grading[w.records] = "2BP"
    assert man in w.subjects("common_associate")


# --- properties: what the structure reads only ever explains a link away ------------------------


def _scores(w: World) -> dict[int, float]:
    return {w.g.find(a.subject): a.score for a in w.alerts("common_associate")}


@st.composite
def _networks(draw: st.DrawFn) -> tuple[World, int, list[int]]:
    w = World()
    home, children = _care_home(w, draw(st.integers(3, 6)))
    flat = w.place("home")
    adult = w.person(draw(st.integers(18, 60)))
    for child in children:
        how = draw(st.sampled_from(["none", "associate", "found_with", "flat"]))
        if how == "associate":
            w.link(child, adult, "associate")
        elif how == "found_with":
            w.episode(child, home, home, with_=(adult,))
        elif how == "flat":
            w.episode(child, home, flat, with_=(adult,))
    return w, adult, children


@settings(max_examples=60, deadline=None)
@given(_networks(), st.data())
def test_naming_an_adult_a_carer_never_raises_their_score(
    case: tuple[World, int, list[int]], data: st.DataObject
) -> None:
    w, adult, children = case
    before = _scores(w).get(adult, 0.0)
    w.link(data.draw(st.sampled_from(children)), adult, "carer")
    assert _scores(w).get(adult, 0.0) <= before


@settings(max_examples=60, deadline=None)
@given(_networks())
def test_finding_a_child_with_an_adult_away_from_the_placement_never_lowers_their_score(
    case: tuple[World, int, list[int]],
) -> None:
    w, adult, children = case
    before = _scores(w).get(adult, 0.0)
    flat = w.place("home")
    w.episode(children[0], w.g.home[children[0]], flat, with_=(adult,))
    assert _scores(w).get(adult, 0.0) >= before
