"""Detection on the entity network: pure functions from a graph and thresholds to scored alerts.

Every score is in 0..1 and comes with the links that produced it, so that a supervisor can check
it record by record. Before anything is counted, `structure` reads who lives where and who looks
after whom from the network's shape (placements, their staff, households, hosts and
chaperones), so that a link typed "associate" between a care worker and a resident counts as
care (decision 22).

- common associate: an adult linked to several children who are not their family, carers or
  professionals, by links from when they were an adult themselves; direct links count 1, links
  through a shared phone, or a vehicle they were in with the child, and through a quiet place
  count less (settings);
- hotspot: a place where several unrelated children came back, said they had been, or were
  found with an adult not theirs, weighed against the usual place of its kind: at a quiet kind
  (a home, a hotel) against how many such children its median place sees, at a busy kind (a
  school, a station) against the share of its visitors who are such children; residents, and
  visits to a known friend's or relative's home, are explained and not counted;
- shared phone / vehicle: used by several children;
- network: a connected cluster of children, adults, phones, vehicles and hotspot places once
  family, carer and professional links and busy places are taken out; scored by its alerts;
- county lines: several children from one area found in another, some of them repeatedly.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

import igraph as ig

from harbour.network import structure
from harbour.network.graph import PROTECTIVE, VISITS, EntityGraph, Link, Node, age
from harbour.network.structure import Structure
from harbour.settings import Settings

MIN_PLACES = 5  # of a kind with visitors, for the kind's own share of returning visitors
TOGETHER = timedelta(hours=3)
PRIVATE = "home"  # a dwelling: a child found at one where nobody they know lives is telling


@dataclass
class Alert:
    kind: str  # common_associate, hotspot, shared_phone, shared_vehicle, network, county_lines
    subject: Node  # a cluster's subject is Node("cluster", its id)
    score: float
    children: list[int]  # person vertices
    members: list[int]  # other vertices involved
    evidence: list[Link] = field(default_factory=list)
    reason: str = ""


def _strength(count: float) -> float:
    """0 for one child, rising towards 1: 2 -> 0.39, 3 -> 0.63, 4 -> 0.78, 6 -> 0.92."""
    return max(0.0, 1 - math.exp(-(count - 1) / 2))


@dataclass
class _Context:
    g: EntityGraph
    s: Settings
    around: dict[int, list[Link]]
    visits: dict[int, dict[int, list[Link]]]  # place -> unexplained child -> links
    base: dict[str, float]  # place type -> median unexplained children per place
    st: Structure
    strong: dict[int, int]  # place -> children there repeatedly or with an adult not theirs

    def cared_for(self, adult: int, child: int) -> bool:
        return self.st.cares(adult, child)

    def busy(self, place: int) -> bool:
        kind = self.g.place_type.get(place, "")
        return self.base.get(kind, 0.0) >= self.s.network_busy_place_children


def _visits(g: EntityGraph, st: Structure) -> dict[int, dict[int, list[Link]]]:
    """Place -> each child at it on a missing episode whom nobody living there explains."""
    companions, none = st.companions, set[int]()
    out: dict[int, dict[int, list[Link]]] = defaultdict(lambda: defaultdict(list))
    for link in g.links:
        if link.type not in VISITS or link.a not in g.children:
            continue
        with_them = companions.get(link.record_id, none) if link.record == "episode" else none
        if structure.explains(g, st, link, with_them):
            continue  # they live there, or are at a known friend's or relative's home
        out[link.b][link.a].append(link)
    return out


def _strong(g: EntityGraph, st: Structure, child: int, links: list[Link]) -> bool:
    """A child at a place more than once, by their own account on return (a return interview),
    or found there with an adult not caring for them."""
    if len({(link.record, link.record_id) for link in links}) > 1:
        return True
    for link in links:
        if link.record == "association" and link.record_id in g.accounts:
            return True
        if link.type == "found_at" and link.record == "episode":
            for other in st.companions.get(link.record_id, ()):
                if other in g.adults and not st.cares(other, child):
                    return True
    return False


def _strong_counts(
    g: EntityGraph, st: Structure, visits: dict[int, dict[int, list[Link]]]
) -> dict[int, int]:
    out = {}
    for place, seen in visits.items():
        if g.place_type.get(place) == PRIVATE:
            out[place] = len(seen)  # nobody they know lives there: every visit tells
        else:
            out[place] = sum(_strong(g, st, child, links) for child, links in seen.items())
    return out


def _baseline(
    g: EntityGraph,
    visits: dict[int, dict[int, list[Link]]],
    strong: dict[int, int],
) -> dict[str, float]:
    """For each kind of place: how many unexplained children its median place sees (`kind`), how
    many of them strongly (`kind:strong`), and the median share of its visitors who are strong
    (`kind:share`, over its places with three visitors or more)."""
    per_type: dict[str, list[int]] = defaultdict(list)
    per_type_strong: dict[str, list[int]] = defaultdict(list)
    shares: dict[str, list[float]] = defaultdict(list)
    for place, kind in g.place_type.items():
        seen = len(visits.get(place, {}))
        per_type[kind].append(seen)
        per_type_strong[kind].append(strong.get(place, 0))
        if seen >= 3:
            shares[kind].append(strong.get(place, 0) / seen)
    everywhere = [x for values in shares.values() for x in values]
    out: dict[str, float] = {}
    for kind, counts in per_type.items():
        out[kind] = float(statistics.median(counts))
        out[f"{kind}:strong"] = float(statistics.median(per_type_strong[kind]))
        # Few places of a kind say little of the kind: pool them with every place.
        pool = shares[kind] if len(shares[kind]) >= MIN_PLACES else everywhere
        out[f"{kind}:share"] = float(statistics.median(pool)) if pool else 0.0
    return out


def _context(g: EntityGraph, s: Settings, base: dict[str, float] | None) -> _Context:
    """What detection needs; `base` comes from the last full rebuild when `g` is a part."""
    st = structure.read(g, s.network_peer_age_years)
    visits = _visits(g, st)
    strong = _strong_counts(g, st, visits)
    base = base if base is not None else _baseline(g, visits, strong)
    return _Context(g, s, g.by_vertex(), visits, base, st, strong)


def _together(one: Link, two: Link) -> bool:
    """Two links to one vehicle seen at about the same time: the two people were in it together."""
    if one.observed_at is None or two.observed_at is None:
        return False
    return abs(one.observed_at - two.observed_at) <= TOGETHER


def _other(link: Link, v: int) -> int:
    return link.b if link.a == v else link.a


def _children_of(c: _Context, adult: int) -> tuple[dict[int, float], dict[int, list[Link]]]:
    """The children an adult is linked to, each with its strongest link's weight and evidence."""
    g, s = c.g, c.s
    weight: dict[int, float] = {}
    evidence: dict[int, list[Link]] = defaultdict(list)
    born = g.born.get(adult)

    def count(child: int, w: float, links: list[Link]) -> None:
        if child == adult or child not in g.children:
            return
        if c.cared_for(adult, child):
            return
        theirs = g.born.get(child)
        if born and theirs and abs((theirs - born).days) < s.network_peer_age_years * 365.25:
            return  # a peer, not an older associate
        weight[child] = max(weight.get(child, 0.0), w)
        evidence[child].extend(links)

    for link in c.around.get(adult, []):
        if link.type in PROTECTIVE:
            continue
        if link.type == "found_with" and (adult, link.record_id) in c.st.hosts:
            continue  # at home when their child's friends were found there
        if born and link.observed_at and age(born, link.observed_at.date()) < 18:
            continue  # a child themselves then (found with friends, say): not an older associate
        other = _other(link, adult)
        kind = g.nodes[other].kind
        if kind == "person":
            count(other, 1.0, [link])
        elif kind == "phone":
            for second in c.around.get(other, []):
                count(_other(second, other), s.network_object_weight, [link, second])
        elif kind == "vehicle":
            # Seen in the car with the child. Its keeper alone, when a child was once in it, is
            # for the vehicle's own alert, which names them.
            for second in c.around.get(other, []):
                if _together(link, second):
                    count(_other(second, other), s.network_object_weight, [link, second])
        elif kind == "place" and not c.busy(other):
            for child, links in c.visits.get(other, {}).items():
                count(child, s.network_place_weight, [link, *links])
    return weight, evidence


def common_associates(c: _Context) -> list[Alert]:
    g, s = c.g, c.s
    alerts = []
    for adult in sorted(g.adults):
        weight, evidence = _children_of(c, adult)
        if len(weight) < s.network_min_children:
            continue
        effective = sum(weight.values())
        direct = sum(1 for w in weight.values() if w == 1.0)
        alerts.append(
            Alert(
                "common_associate", g.nodes[adult], round(_strength(effective), 3),
                sorted(weight), [],
                [link for child in sorted(weight) for link in evidence[child]],
                f"linked to {len(weight)} children who are not their family or in their care "
                f"({direct} directly, {len(weight) - direct} through phones, vehicles or places)",
            )
        )  # fmt: skip
    return alerts


def hotspots(c: _Context) -> list[Alert]:
    """Places where unexplained children keep coming back, or are found with adults not theirs,
    or private homes where children are found whom nobody living there explains.

    At a quiet kind of place (a home, a hotel) such children are weighed against how many the
    median place of that kind sees; at a busy kind (a school, a station), against the share of
    its visitors who come back there, since anyone may pass through one.
    """
    g, s = c.g, c.s
    alerts = []
    for place, seen in c.visits.items():
        if len(seen) < s.network_min_children:
            continue
        kind = g.place_type.get(place, "place")
        strong = c.strong.get(place, 0)
        if not strong:
            continue
        if c.busy(place):
            usual = c.base.get(f"{kind}:share", 0.0) * len(seen)
        else:
            usual = c.base.get(f"{kind}:strong", 0.0)
        expected = max(usual, s.network_base_rate_floor)
        specific = max(0.0, 1 - expected / strong) ** 2  # twice the usual: a quarter
        if kind == PRIVATE:
            reason = (
                f"{len(seen)} unrelated children found or last seen at this home, where nobody "
                f"they know lives; a home usually sees {usual:.2g}"
            )
        else:
            reason = (
                f"{len(seen)} unrelated children found or last seen here, {strong} of them more "
                f"than once, by their own account or with an adult not theirs; a "
                f"{kind.replace('_', ' ')} usually sees {usual:.2g} such"
            )
        alerts.append(
            Alert(
                "hotspot", g.nodes[place], round(_strength(strong) * specific, 3),
                sorted(seen), [], [link for child in sorted(seen) for link in seen[child]],
                reason,
            )
        )  # fmt: skip
    return alerts


def shared_objects(c: _Context) -> list[Alert]:
    g, s = c.g, c.s
    alerts = []
    for v, node in enumerate(g.nodes):
        if node.kind not in ("phone", "vehicle"):
            continue
        links = c.around.get(v, [])
        adults = sorted({link.a for link in links if link.a in g.adults})
        children = sorted(
            {
                link.a
                for link in links
                if link.a in g.children and not any(c.cared_for(a, link.a) for a in adults)
            }
        )
        if len(children) < s.network_min_shared_children:
            continue
        score = _strength(len(children) + 0.5 * min(len(adults), 2))
        alerts.append(
            Alert(
                f"shared_{node.kind}", node, round(score, 3), children, adults,
                [link for link in links if link.a in children or link.a in adults],
                f"{node.kind} linked to {len(children)} children and {len(adults)} adults",
            )
        )  # fmt: skip
    return alerts


def networks(c: _Context, found: list[Alert]) -> list[Alert]:
    g, s = c.g, c.s
    flagged = {g.find(a.subject): a for a in found}
    keep = []
    for link in g.links:
        if link.type in PROTECTIVE or link.type == "lives_at":
            continue
        if c.st.cares(link.a, link.b):
            continue
        if link.type == "found_with" and (link.b, link.record_id) in c.st.hosts:
            continue
        if g.nodes[link.b].kind == "place" and (
            link.b not in flagged or c.busy(link.b) or flagged[link.b].kind != "hotspot"
        ):
            continue
        keep.append(link)
    graph = ig.Graph(n=len(g.nodes), edges=[(link.a, link.b) for link in keep])
    components = graph.connected_components()
    membership = components.membership  # a copy each time it is read: read it once
    # Only components holding an alert can become a network: gather just those, in one pass each
    # over the vertices and the kept links (most of the graph is small unflagged pieces).
    wanted = {membership[v] for v in flagged}
    vertices: dict[int, list[int]] = defaultdict(list)
    for v, index in enumerate(membership):
        if index in wanted:
            vertices[index].append(v)
    links_of: dict[int, list[Link]] = defaultdict(list)
    for link in keep:
        index = membership[link.a]
        if index in wanted:
            links_of[index].append(link)
    alerts = []
    for index in sorted(wanted):
        component = vertices[index]
        children = sorted(v for v in component if v in g.children)
        adults = [v for v in component if v in g.adults]
        if len(children) < s.network_min_children or not adults:
            continue
        inside = [flagged[v] for v in component if v in flagged]
        miss = math.prod(1 - a.score for a in inside)
        members = sorted(set(component) - set(children))
        alerts.append(
            Alert(
                "network", Node("cluster", f"cluster-{g.nodes[min(children)].key}"),
                round(1 - miss, 3), children, members,
                links_of[index],
                f"{len(children)} children and {len(members)} adults, places, phones or "
                f"vehicles joined by {len(inside)} alerts",
            )
        )  # fmt: skip
    return alerts


def county_lines(c: _Context) -> list[Alert]:
    """Children repeatedly found out of their home area along the same route (area to area).

    A route is the borough of a child's home and the borough they were found in. It is flagged
    when several children have been found along it and at least one of them more than once; the
    more of them found there repeatedly, the higher the score.
    """
    g, s = c.g, c.s
    routes: dict[tuple[str, str], dict[int, list[Link]]] = defaultdict(lambda: defaultdict(list))
    for link in g.links:
        if link.type != "found_at" or link.a not in g.children or link.a not in g.home:
            continue
        source, found = g.place_area.get(g.home[link.a]), g.place_area.get(link.b)
        if source and found and source != found:
            routes[(source, found)][link.a].append(link)
    alerts = []
    for (source, found), kids in sorted(routes.items()):
        repeated = sum(1 for links in kids.values() if len(links) > 1)
        if len(kids) < s.network_min_children or not repeated:
            continue
        score = _strength(len(kids)) * (0.5 + 0.5 * repeated / len(kids))
        places = sorted({link.b for links in kids.values() for link in links})
        alerts.append(
            Alert(
                "county_lines", Node("cluster", f"route {source} to {found}"[:60]),
                round(score, 3), sorted(kids), places,
                [link for child in sorted(kids) for link in kids[child]],
                f"{len(kids)} children from {source} found in {found}, {repeated} of them more "
                "than once",
            )
        )  # fmt: skip
    return alerts


def detect(g: EntityGraph, s: Settings, base: dict[str, float] | None = None) -> list[Alert]:
    """Every alert, highest score first (hotspots weighed by `base` if given)."""
    return _detect(_context(g, s, base))


def detect_with_baseline(g: EntityGraph, s: Settings) -> tuple[list[Alert], dict[str, float]]:
    """A full rebuild's alerts and the baselines it keeps for later partial checks."""
    c = _context(g, s, None)
    return _detect(c), c.base


def _detect(c: _Context) -> list[Alert]:
    found = common_associates(c) + hotspots(c) + shared_objects(c)
    found += networks(c, found)
    found += county_lines(c)
    return sorted(found, key=lambda a: (-a.score, a.kind, str(a.subject.key)))
