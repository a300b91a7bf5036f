"""How big each simulated force area is, and where its areas sit.

Volumes follow `shared/population.md`: the Metropolitan Police recorded 29,455 missing-children
incidents for 9,370 children in 2022/23 (about 920 a borough, 3.1 a child); nationally about
210,000 child and 118,000 adult incidents a year (2023/24).
"""

from __future__ import annotations

from dataclasses import dataclass

# Approximate centres of the 32 London boroughs (public geography), for plausible coordinates.
BOROUGHS: tuple[tuple[str, float, float], ...] = (
    ("Barking and Dagenham", 51.554, 0.134),
    ("Barnet", 51.625, -0.152),
    ("Bexley", 51.455, 0.150),
    ("Brent", 51.559, -0.282),
    ("Bromley", 51.372, 0.051),
    ("Camden", 51.546, -0.163),
    ("Croydon", 51.372, -0.099),
    ("Ealing", 51.513, -0.309),
    ("Enfield", 51.652, -0.081),
    ("Greenwich", 51.483, 0.058),
    ("Hackney", 51.545, -0.055),
    ("Hammersmith and Fulham", 51.492, -0.223),
    ("Haringey", 51.590, -0.110),
    ("Harrow", 51.580, -0.341),
    ("Havering", 51.577, 0.212),
    ("Hillingdon", 51.534, -0.449),
    ("Hounslow", 51.468, -0.361),
    ("Islington", 51.546, -0.105),
    ("Kensington and Chelsea", 51.499, -0.194),
    ("Kingston upon Thames", 51.412, -0.301),
    ("Lambeth", 51.457, -0.123),
    ("Lewisham", 51.445, -0.021),
    ("Merton", 51.410, -0.188),
    ("Newham", 51.525, 0.035),
    ("Redbridge", 51.590, 0.082),
    ("Richmond upon Thames", 51.461, -0.307),
    ("Southwark", 51.474, -0.081),
    ("Sutton", 51.361, -0.194),
    ("Tower Hamlets", 51.515, -0.033),
    ("Waltham Forest", 51.591, -0.017),
    ("Wandsworth", 51.457, -0.192),
    ("Westminster", 51.497, -0.137),
)


@dataclass(frozen=True)
class Scale:
    areas: int
    child_episodes_per_area_year: int
    adult_ratio: float  # adult episodes per child episode
    networks_per_area: float


SCALES: dict[str, Scale] = {
    "demo": Scale(areas=3, child_episodes_per_area_year=110, adult_ratio=0.4, networks_per_area=1),
    "borough": Scale(
        areas=1, child_episodes_per_area_year=920, adult_ratio=0.55, networks_per_area=2
    ),
    "london": Scale(
        areas=32, child_episodes_per_area_year=920, adult_ratio=0.55, networks_per_area=1.25
    ),
    "national": Scale(
        areas=228, child_episodes_per_area_year=920, adult_ratio=0.56, networks_per_area=1.25
    ),
}


def area(index: int) -> tuple[str, float, float]:
    """Return the name and centre of area `index` (London boroughs first, then districts)."""
    if index < len(BOROUGHS):
        return BOROUGHS[index]
    lat = 50.4 + (index * 37 % 400) / 100
    lon = -4.5 + (index * 53 % 560) / 100
    return (f"District {index + 1:03d}", round(lat, 3), round(lon, 3))
