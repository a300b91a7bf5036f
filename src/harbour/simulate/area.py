"""Generate one area of the synthetic force: places, people, episodes, calls, links and the truth.

Each area has its own random stream (seeded from the run's seed and the area's index), so areas
can be generated one at a time and written straight to disk, and the same seed always gives the
same records.
"""

from __future__ import annotations

import math
import random
import zlib
from datetime import date, datetime, timedelta
from typing import Any

from harbour.simulate import exploitation, history, namepools, names
from harbour.simulate.records import Child, Output, Record, iso
from harbour.simulate.scales import Scale, area

# Shares of London's 19 census ethnic groups (2021, shared/population.md), codes as in the format.
ETHNICITY_WEIGHTS = {
    "white_british": 36.8,
    "white_irish": 1.8,
    "white_gypsy_traveller": 0.1,
    "white_roma": 0.4,
    "white_other": 14.7,
    "mixed_white_black_caribbean": 1.5,
    "mixed_white_black_african": 1.0,
    "mixed_white_asian": 1.5,
    "mixed_other": 1.8,
    "asian_indian": 7.5,
    "asian_pakistani": 3.3,
    "asian_bangladeshi": 3.7,
    "asian_chinese": 1.7,
    "asian_other": 4.6,
    "black_african": 7.9,
    "black_caribbean": 3.9,
    "black_other": 1.6,
    "other_arab": 1.6,
    "other_any": 4.7,
}
# Missing people in London are more often Black than residents are (36% against 13%, S33).
MISSING_ETHNICITY_BOOST = {"black_african": 2.6, "black_caribbean": 2.6, "black_other": 2.6}
# Hour of report: evening and night peaks.
HOUR_WEIGHTS = (4, 3, 2, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 4, 5, 6, 7, 8, 9, 9, 8, 6)
PLACES_PER_AREA = {
    "school": 6,
    # A London borough has dozens of hotels and several hostels (about 1,500 hotels across 32
    # boroughs): ten and four keep a network's hotel one of many, as it is, not one of three.
    "hotel": 10,
    "hostel": 4,
    "station": 3,
    "shop": 6,
    "fast_food": 5,
    "park": 4,
    "hospital": 1,
    "mental_health_unit": 1,
}
LOOKED_AFTER_SHARE = 0.16
# The legal basis of looked-after children. DfE, Children looked after in England, 31 March 2020:
# a care order (full or interim) 77%, accommodated by agreement under s20 17%, a placement order
# 6%, detained for child protection (an EPO, police protection) or youth justice under 0.5% each.
# Placement orders follow care proceedings and are counted with care orders here; the split of
# care orders into full and interim (about one in seven interim) is an estimate, not a figure.
CARE_BASIS_WEIGHTS = {
    "care_order": 70.5,
    "interim_care_order": 12.0,
    "s20_accommodation": 17.0,
    "emergency_protection_order": 0.25,
    "police_protection": 0.25,
}
# Phones are numbers in the 07700 block (the one Ofcom keeps drama numbers in), split into one
# slot per area so that no two people share a number by chance: only the phones a network hands
# round are shared, as they would be. A slot holds 1,000,000 / areas numbers (4,385 an area at the
# national scale, which draws about 2,500 an area in ten years); past that, numbers are reused.
PHONE_SPACE = 1_000_000


class AreaGenerator:
    def __init__(
        self, seed: int, scale_name: str, scale: Scale, index: int, start: datetime, end: datetime
    ) -> None:
        self.rng = random.Random(f"harbour:{seed}:{scale_name}:{index}")
        # The legal bases have a stream of their own, so that adding them changed no other record.
        self.care_rng = random.Random(f"harbour:{seed}:{scale_name}:{index}:care")
        self.scale, self.index, self.start, self.end = scale, index, start, end
        self.borough, self.lat, self.lon = area(index)
        self.prefix = f"a{index:03d}"
        self.out = Output()
        self.counter = 0
        self.places: dict[str, list[str]] = {}
        self.place_labels: dict[str, str] = {}  # how a carer would describe the place
        self.years = max((end - start).days / 365.25, 0.1)
        self.homes: dict[str, str] = {}
        self.latest_found: dict[str, datetime] = {}
        self.phone_slot = PHONE_SPACE // max(scale.areas, 1)
        self.phone_step = _coprime_step(self.phone_slot)
        self.phones_drawn = 0

    # -- small helpers -----------------------------------------------------------------------

    def new_id(self, kind: str) -> str:
        self.counter += 1
        return f"{self.prefix}-{kind}{self.counter}"

    def postcode(self) -> str:
        r = self.rng
        letters = "ABDEFGHJLNPQRSTUWXYZ"
        return f"HB{self.index % 99 + 1} {r.randint(1, 9)}{r.choice(letters)}{r.choice(letters)}"

    def point(self, spread: float = 0.025) -> tuple[float, float]:
        r = self.rng
        return (
            round(self.lat + r.uniform(-spread, spread), 5),
            round(self.lon + r.uniform(-spread, spread) * 1.6, 5),
        )

    def phone(self) -> str:
        """A number no one else in the force holds (see PHONE_SPACE), scattered over the slot."""
        self.phones_drawn += 1
        within = (self.phones_drawn * self.phone_step) % self.phone_slot
        number = (self.index % max(self.scale.areas, 1)) * self.phone_slot + within
        return f"07700 {number:06d}"

    def ethnicity(self, missing: bool) -> str:
        codes = list(ETHNICITY_WEIGHTS)
        weights = [
            ETHNICITY_WEIGHTS[c] * (MISSING_ETHNICITY_BOOST.get(c, 1.0) if missing else 1.0)
            for c in codes
        ]
        return self.rng.choices(codes, weights)[0]

    def given_name(self, sex: str) -> str:
        pool = namepools.given(sex)
        return self.rng.choices(pool.names, cum_weights=pool.cum_weights)[0]

    def family_name(self) -> str:
        pool = namepools.family()
        return self.rng.choices(pool.names, cum_weights=pool.cum_weights)[0]

    def moment(self, low: datetime, high: datetime) -> datetime:
        """A time between low and high, at an hour drawn from the evening and night peaks."""
        span = max((high - low).total_seconds(), 3600.0)
        day = low + timedelta(seconds=self.rng.uniform(0, span))
        hour = self.rng.choices(range(24), HOUR_WEIGHTS)[0]
        moment = day.replace(hour=hour, minute=self.rng.randint(0, 59), second=0, microsecond=0)
        return min(max(moment, low), high)

    # -- places --------------------------------------------------------------------------------

    def place(self, kind: str, name: str | None = None, *, address: bool = True) -> str:
        pid = self.new_id("pl")
        lat, lon = self.point()
        record: Record = {"kind": "place", "id": pid, "type": kind}
        if name:
            record["name"] = name
        if address or not name:
            street = self.rng.choice(names.STREETS)
            record["address"] = f"{self.rng.randint(1, 240)} {street}"
        record.update(postcode=self.postcode(), borough=self.borough, lat=lat, lon=lon)
        self.out.records["place"].append(record)
        self.places.setdefault(kind, []).append(pid)
        self.place_labels[pid] = ", ".join(
            str(record[k]) for k in ("name", "address") if k in record
        )
        return pid

    def venues(self) -> None:
        for kind, count in PLACES_PER_AREA.items():
            for _ in range(count):
                word = self.rng.choice(names.VENUE_WORDS[kind])
                self.place(kind, f"{self.rng.choice(names.VENUE_NAMES)} {word}")
        for kind in ("school", "station", "fast_food"):
            for pid in self.places[kind]:
                self.out.decoys.append({"type": kind, "place": pid})

    # -- people --------------------------------------------------------------------------------

    def person(self, given: str | None, family: str | None, **fields: Any) -> str:
        pid = self.new_id("p")
        record: Record = {"kind": "person", "id": pid}
        if given:
            record["given_name"] = given
        if family:
            record["family_name"] = family
        record.update({k: v for k, v in fields.items() if v not in (None, [], {})})
        self.out.records["person"].append(record)
        self.out.identities[pid] = pid
        return pid

    def link(
        self, subject: str, obj: Record, kind: str, source: Any = None, at: datetime | None = None
    ) -> None:
        record: Record = {
            "kind": "association",
            "id": self.new_id("as"),
            "subject": subject,
            "object": obj,
            "type": kind,
        }
        if source is not None:
            record["source"] = source
        if at is not None:
            record["observed_at"] = iso(at)
        self.out.records["association"].append(record)

    def adult(
        self,
        family: str | None = None,
        *,
        ages: tuple[int, int] = (27, 60),
        **fields: Any,
    ) -> str:
        """An adult aged between `ages` when the simulated period starts (so that a ten-year
        history does not make a child of an adult who was 21 in its last year)."""
        sex = self.rng.choice(("female", "male"))
        year = self.start.year - self.rng.randint(*ages)
        born = date(year, self.rng.randint(1, 12), self.rng.randint(1, 28))
        return self.person(
            self.given_name(sex),
            family or self.family_name(),
            date_of_birth=born.isoformat(),
            sex=sex,
            ethnicity=self.ethnicity(False),
            **fields,
        )

    def children(self, count: int) -> list[Child]:
        r = self.rng
        care_homes = [
            self.place(
                "care_home",
                f"{r.choice(names.VENUE_NAMES)} {r.choice(names.VENUE_WORDS['care_home'])}",
            )
            for _ in range(max(1, round(count * LOOKED_AFTER_SHARE * 0.6 / 4)))
        ]
        care_staff = {h: [self.adult(phones=[self.phone()]) for _ in range(2)] for h in care_homes}
        for home, staff in care_staff.items():
            self.out.decoys.append({"type": "care_home_staff", "place": home, "adults": staff})
        kids: list[Child] = []
        families: list[tuple[str, str, list[str]]] = []
        for _ in range(count):
            sex = r.choice(("female", "male"))
            age = r.choices(range(8, 18), (1, 1, 2, 3, 5, 8, 12, 16, 19, 20))[0]
            first_year = self.start.year + r.randint(0, max(0, int(self.years) - 1))
            born = date(first_year - age, r.randint(1, 12), r.randint(1, 28))
            looked_after = r.random() < LOOKED_AFTER_SHARE
            carers: list[str] = []
            parents: list[str] = []
            if looked_after:
                if r.random() < 0.6:
                    home = r.choice(care_homes)
                    carers = care_staff[home]
                else:
                    home = self.place("foster_home", address=True)
                    carers = [self.adult(phones=[self.phone()])]
                family = self.family_name()
            elif families and r.random() < 0.18:  # a sibling of an earlier child
                family, home, parents = r.choice(families)
            else:
                family = self.family_name()
                home = self.place("home")
                parents = [
                    self.adult(family, home=home, phones=[self.phone()])
                    for _ in range(r.choice((1, 1, 2)))
                ]
                families.append((family, home, parents))
            kid = Child(
                self.new_id("p"),
                self.given_name(sex),
                family,
                born,
                sex,
                self.ethnicity(True),
                home,
                looked_after,
                self.phone(),
                carers=carers,
                parents=parents,
            )
            kids.append(kid)
        for siblings in self._siblings(kids):
            if len(siblings) > 1:
                self.out.decoys.append(
                    {
                        "type": "parents_of_siblings",
                        "adults": siblings[0].parents,
                        "children": [k.pid for k in siblings],
                    }
                )
        return kids

    @staticmethod
    def _siblings(kids: list[Child]) -> list[list[Child]]:
        by_home: dict[str, list[Child]] = {}
        for kid in kids:
            if kid.parents:
                by_home.setdefault(kid.home, []).append(kid)
        return list(by_home.values())

    def write_child(self, kid: Child) -> None:
        r = self.rng
        record: Record = {
            "kind": "person",
            "id": kid.pid,
            "given_name": kid.given,
            "family_name": kid.family,
            "date_of_birth": kid.born.isoformat(),
            "sex": kid.sex,
            "ethnicity": kid.ethnicity,
            "home": kid.home,
            "phones": [kid.phone],
            "looked_after": kid.looked_after,
        }
        if kid.looked_after:
            record["care_basis"] = self.care_rng.choices(
                list(CARE_BASIS_WEIGHTS), list(CARE_BASIS_WEIGHTS.values())
            )[0]
            record["local_authority"] = f"{self.borough} Council"
            record["philomena"] = {
                "part1_completed_at": (kid.born + timedelta(days=365 * 12)).isoformat(),
                "description": f"{r.choice(('slim', 'medium', 'tall'))} build, "
                f"{r.choice(('short dark', 'long dark', 'fair', 'braided'))} hair",
                # A profile is free text written by carers: places by name, not by record id.
                "places_frequented": [
                    self.place_labels[pid]
                    for pid in r.sample(self.places["fast_food"] + self.places["park"], 2)
                ],
            }
        if kid.network is not None:
            record["flags"] = [r.choice(("cse_risk", "cce_risk"))]
        self.out.records["person"].append(record)
        self.out.identities[kid.pid] = kid.pid
        if kid.looked_after:
            self.out.looked_after.add(kid.pid)
        for parent in kid.parents:
            self.link(kid.pid, {"person": parent}, "family", "family details")
        for carer in kid.carers:
            self.link(kid.pid, {"person": carer}, "carer", "placement record")
        school = self.places["school"][zlib.crc32(kid.pid.encode()) % len(self.places["school"])]
        self.link(kid.pid, {"place": school}, "frequents", "school roll")

    def variants(self, kid: Child) -> None:
        """Record the same child again under slightly different details (data-entry noise)."""
        r = self.rng
        given, family, born = kid.given, kid.family, kid.born
        change = r.choice(("typo", "nickname", "swap", "dob_swap", "no_dob", "year_off"))
        dob: str | None = born.isoformat()
        if change == "typo" and len(family) > 3:
            i = r.randrange(1, len(family) - 1)
            family = family[:i] + family[i + 1] + family[i] + family[i + 2 :]
        elif change == "nickname":
            given = r.choice(names.NICKNAMES.get(given, (given[:3],)))
        elif change == "swap":
            given, family = family, given
        elif change == "dob_swap" and born.day <= 12:
            dob = date(born.year, born.day, born.month).isoformat()
        elif change == "no_dob":
            dob = None
        elif change == "year_off":
            dob = date(born.year + r.choice((-1, 1)), born.month, born.day).isoformat()
        pid = self.person(
            given,
            family,
            date_of_birth=dob,
            sex=kid.sex,
            phones=[kid.phone] if r.random() < 0.5 else [],
        )
        self.out.identities[pid] = kid.pid
        kid.variants.append(pid)

    # -- the whole area ----------------------------------------------------------------------

    def generate(self) -> Output:
        r = self.rng
        child_target = self.scale.child_episodes_per_area_year * self.years
        self.venues()
        # About 3.1 episodes a child in a year (S20); longer histories repeat more per child.
        per_child = 3.1 * min(self.years, 3) ** 0.5
        kids = self.children(max(8, round(child_target / per_child)))
        self.homes = {k.pid: k.home for k in kids}
        planted = exploitation.plant_networks(self, kids)
        exploitation.friend_groups(self, kids)
        for kid in kids:
            self.write_child(kid)
            if r.random() < 0.2:
                self.variants(kid)
        for kid in kids:
            history.child_episodes(self, kid, planted)
        made = sum(self.out.child_episode_counts.values())
        if made < child_target * 0.95:  # long histories lose some episodes to overlaps: top up
            extra = self.children(round((child_target - made) / max(made / len(kids), 1.0)))
            self.homes.update({k.pid: k.home for k in extra})
            for kid in extra:
                self.write_child(kid)
                history.child_episodes(self, kid, planted)
            kids += extra
        history.missing_now(self, kids, planted)
        for network in planted:
            for child in network["children"]:
                for adult in network["adults"]:
                    self.link(child, {"person": adult}, "associate", "intelligence report")
        history.adults(self, round(child_target * self.scale.adult_ratio))
        history.other_calls(self, round(child_target * 0.8))
        self.out.networks = planted
        return self.out


def _coprime_step(slot: int) -> int:
    """A step near 0.618 of the slot with no common factor, so k * step mod slot visits every
    number once before repeating and consecutive phones look unrelated."""
    step = max(int(slot * 0.6180339887), 1)
    while math.gcd(step, slot) != 1:
        step += 1
    return step
