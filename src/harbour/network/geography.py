"""A map of hotspots and county-lines routes, drawn from the force's own places (no tile server).

Each borough's outline is the hull of the places Harbour holds in it (Shapely), so the map needs
no outside service and shows only what the records show. Coordinates are projected to the page
equirectangularly (longitude shrunk by the cosine of the middle latitude), which is true enough
across one force area.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from shapely import MultiPoint, Point, Polygon
from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour.access import service as access
from harbour.actor import Actor
from harbour.network import words
from harbour.network.models import AlertStatus, NetworkAlert
from harbour.people.models import Person, Place

WIDTH = 900
MARGIN = 30


@dataclass
class Mark:
    x: float
    y: float
    radius: float
    label: str
    alert_id: int
    children: int
    score: float


@dataclass
class Route:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    label: str
    alert_id: int
    children: int
    score: float


@dataclass
class Area:
    name: str
    points: str  # an SVG polygon's points
    x: float
    y: float


@dataclass
class Map:
    width: int = WIDTH
    height: int = 0
    areas: list[Area] = field(default_factory=list)
    hotspots: list[Mark] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)


class _Projection:
    def __init__(self, points: list[tuple[float, float]]) -> None:
        lons = [p[0] for p in points]
        lats = [p[1] for p in points]
        self.west, self.north = min(lons), max(lats)
        self.shrink = math.cos(math.radians((min(lats) + max(lats)) / 2))
        span_x = max((max(lons) - self.west) * self.shrink, 1e-6)
        span_y = max(self.north - min(lats), 1e-6)
        self.scale = (WIDTH - 2 * MARGIN) / span_x
        self.height = int(span_y * self.scale + 2 * MARGIN)

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        x = MARGIN + (lon - self.west) * self.shrink * self.scale
        y = MARGIN + (self.north - lat) * self.scale
        return round(x, 1), round(y, 1)


def _outline(points: list[tuple[float, float]]) -> Polygon:
    hull = MultiPoint(points).convex_hull
    return hull.buffer(0.004) if not isinstance(hull, Polygon) else hull.buffer(0.002)


def build(session: Session, actor: Actor) -> Map:
    """The map of the actor's open hotspot and county-lines alerts over the force's boroughs."""
    access.require(actor, "network.view")
    located, by_area = _places(session, actor)
    out = Map()
    if not located:
        return out
    projection = _Projection(list(located.values()))
    out.height = projection.height
    out.areas = [_area(name, points, projection) for name, points in sorted(by_area.items())]
    alerts = session.scalars(
        select(NetworkAlert).where(
            NetworkAlert.kind.in_(("hotspot", "county_lines")),
            NetworkAlert.active.is_(True),
            NetworkAlert.status != AlertStatus.dismissed,
            access.visible(actor, NetworkAlert),
        )
    ).all()
    homes = dict(
        session.execute(
            select(Person.id, Person.home_place_id).where(
                Person.id.in_({pid for a in alerts for pid in a.child_ids})
            )
        ).all()
    )
    for alert in alerts:
        if alert.kind == "hotspot":
            mark = _hotspot(alert, located, projection)
            if mark is not None:
                out.hotspots.append(mark)
        else:
            route = _route(alert, located, homes, projection)
            if route is not None:
                out.routes.append(route)
    # A hotspot is named by its place in words (name, address), in the viewer's scope.
    named = words.subjects(session, actor, [a for a in alerts if a.kind == "hotspot"])
    for mark in out.hotspots:
        mark.label = named.get(mark.alert_id, mark.label)
    out.hotspots.sort(key=lambda m: -m.score)
    out.routes.sort(key=lambda r: -r.score)
    return out


def _places(
    session: Session, actor: Actor
) -> tuple[dict[int, tuple[float, float]], dict[str, list[tuple[float, float]]]]:
    """Every place the actor may see with a position, and the positions in each borough (the
    map never draws another organisation's places, nor outlines made from them)."""
    located: dict[int, tuple[float, float]] = {}
    by_area: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for pid, borough, lat, lon in session.execute(
        select(Place.id, Place.borough, Place.lat, Place.lon).where(
            Place.lat.is_not(None), Place.lon.is_not(None), access.visible(actor, Place)
        )
    ):
        if lat is None or lon is None:
            continue
        located[pid] = (float(lon), float(lat))
        if borough:
            by_area[borough].append(located[pid])
    return located, by_area


def _area(name: str, points: list[tuple[float, float]], projection: _Projection) -> Area:
    outline = _outline(points)
    ring = [projection.xy(x, y) for x, y in outline.exterior.coords]
    centre = outline.centroid
    cx, cy = projection.xy(centre.x, centre.y)
    return Area(name, " ".join(f"{x},{y}" for x, y in ring), cx, cy)


def _hotspot(
    alert: NetworkAlert, located: dict[int, tuple[float, float]], projection: _Projection
) -> Mark | None:
    """A hotspot's place, sized by how many children it links."""
    place = located.get(int(alert.subject_key))
    if place is None:
        return None
    x, y = projection.xy(*place)
    label = str(alert.described.get("subject", {}).get("external_id", alert.subject_key))
    children = len(alert.child_ids)
    return Mark(x, y, 4 + 2 * math.sqrt(children), label, alert.id, children, alert.score)


def _route(
    alert: NetworkAlert,
    located: dict[int, tuple[float, float]],
    homes: dict[int, int | None],
    projection: _Projection,
) -> Route | None:
    """A county-lines route: from where the children live to where they were found."""
    found = [located[int(k[6:])] for k in alert.member_keys if k.startswith("place:")
             and int(k[6:]) in located]  # fmt: skip
    origin = [located[h] for pid in alert.child_ids if (h := homes.get(pid)) in located]
    if not found or not origin:
        return None
    start = MultiPoint(origin).centroid if len(origin) > 1 else Point(origin[0])
    end = MultiPoint(found).centroid if len(found) > 1 else Point(found[0])
    x1, y1 = projection.xy(start.x, start.y)
    x2, y2 = projection.xy(end.x, end.y)
    children = len(alert.child_ids)
    return Route(x1, y1, x2, y2, 1 + children / 2, alert.reason, alert.id, children, alert.score)
