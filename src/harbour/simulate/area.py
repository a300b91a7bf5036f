"""Generate one area of the synthetic force: places, people, episodes, calls, links and the truth.

Each area has its own random stream (seeded from the run's seed and the area's index), so areas
can be generated one at a time and written straight to disk, and the same seed always gives the
same records.
"""

from __future__ import annotations

import itertools
import math
import random
import zlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from harbour.simulate import names
from harbour.simulate.scales import Scale, area

Record = dict[str, Any]

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
    "hotel": 3,
    "hostel": 2,
    "station": 3,
    "shop": 6,
    "fast_food": 5,
    "park": 4,
    "hospital": 1,
    "mental_health_unit": 1,
}
HIGH_REPEAT_SHARE = 0.06
LOOKED_AFTER_SHARE = 0.16


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Child:
    pid: str
    given: str
    family: str
    born: date
    sex: str
    ethnicity: str
    home: str
    looked_after: bool
    phone: str
    episodes: int = 0
    network: int | None = None
    friends: list[str] = field(default_factory=list)
    carers: list[str] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)
    variants: list[str] = field(default_factory=list)


@dataclass
class Output:
    """What one area produced, by kind, and its part of the ground truth."""

    records: dict[str, list[Record]] = field(
        default_factory=lambda: {
            k: [] for k in ("place", "vehicle", "person", "episode", "call", "association")
        }
    )
    identities: dict[str, str] = field(default_factory=dict)
    networks: list[Record] = field(default_factory=list)
    decoys: list[Record] = field(default_factory=list)
    child_episode_counts: dict[str, int] = field(default_factory=dict)
    looked_after: set[str] = field(default_factory=set)


class AreaGenerator:
    def __init__(
        self, seed: int, scale_name: str, scale: Scale, index: int, start: datetime, end: datetime
    ) -> None:
        self.rng = random.Random(f"harbour:{seed}:{scale_name}:{index}")
        self.scale, self.index, self.start, self.end = scale, index, start, end
        self.borough, self.lat, self.lon = area(index)
        self.prefix = f"a{index:03d}"
        self.out = Output()
        self.counter = 0
        self.places: dict[str, list[str]] = {}
        self.years = max((end - start).days / 365.25, 0.1)
        self._homes: dict[str, str] = {}
        self._latest_found: dict[str, datetime] = {}

    # -- small helpers -----------------------------------------------------------------------

    def _id(self, kind: str) -> str:
        self.counter += 1
        return f"{self.prefix}-{kind}{self.counter}"

    def _postcode(self) -> str:
        r = self.rng
        letters = "ABDEFGHJLNPQRSTUWXYZ"
        return f"HB{self.index % 99 + 1} {r.randint(1, 9)}{r.choice(letters)}{r.choice(letters)}"

    def _point(self, spread: float = 0.025) -> tuple[float, float]:
        r = self.rng
        return (
            round(self.lat + r.uniform(-spread, spread), 5),
            round(self.lon + r.uniform(-spread, spread) * 1.6, 5),
        )

    def _phone(self) -> str:
        return f"07700 9{self.rng.randint(0, 99999):05d}"

    def _ethnicity(self, missing: bool) -> str:
        codes = list(ETHNICITY_WEIGHTS)
        weights = [
            ETHNICITY_WEIGHTS[c] * (MISSING_ETHNICITY_BOOST.get(c, 1.0) if missing else 1.0)
            for c in codes
        ]
        return self.rng.choices(codes, weights)[0]

    def _name(self, sex: str) -> str:
        pool = names.GIVEN_FEMALE if sex == "female" else names.GIVEN_MALE
        return self.rng.choice(pool)

    def _moment(self, low: datetime, high: datetime) -> datetime:
        """A time between low and high, at an hour drawn from the evening and night peaks."""
        span = max((high - low).total_seconds(), 3600.0)
        day = low + timedelta(seconds=self.rng.uniform(0, span))
        hour = self.rng.choices(range(24), HOUR_WEIGHTS)[0]
        moment = day.replace(hour=hour, minute=self.rng.randint(0, 59), second=0, microsecond=0)
        return min(max(moment, low), high)

    # -- places --------------------------------------------------------------------------------

    def place(self, kind: str, name: str | None = None, *, address: bool = True) -> str:
        pid = self._id("pl")
        lat, lon = self._point()
        record: Record = {"kind": "place", "id": pid, "type": kind}
        if name:
            record["name"] = name
        if address or not name:
            street = self.rng.choice(names.STREETS)
            record["address"] = f"{self.rng.randint(1, 240)} {street}"
        record.update(postcode=self._postcode(), borough=self.borough, lat=lat, lon=lon)
        self.out.records["place"].append(record)
        self.places.setdefault(kind, []).append(pid)
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
        pid = self._id("p")
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
            "id": self._id("as"),
            "subject": subject,
            "object": obj,
            "type": kind,
        }
        if source is not None:
            record["source"] = source
        if at is not None:
            record["observed_at"] = _iso(at)
        self.out.records["association"].append(record)

    def adult(
        self,
        family: str | None = None,
        *,
        born_range: tuple[int, int] = (1965, 1998),
        **fields: Any,
    ) -> str:
        sex = self.rng.choice(("female", "male"))
        born = date(self.rng.randint(*born_range), self.rng.randint(1, 12), self.rng.randint(1, 28))
        return self.person(
            self._name(sex),
            family or self.rng.choice(names.FAMILY),
            date_of_birth=born.isoformat(),
            sex=sex,
            ethnicity=self._ethnicity(False),
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
        care_staff = {h: [self.adult(phones=[self._phone()]) for _ in range(2)] for h in care_homes}
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
                    carers = [self.adult(phones=[self._phone()])]
                family = r.choice(names.FAMILY)
            elif families and r.random() < 0.18:  # a sibling of an earlier child
                family, home, parents = r.choice(families)
            else:
                family = r.choice(names.FAMILY)
                home = self.place("home")
                parents = [
                    self.adult(family, home=home, phones=[self._phone()])
                    for _ in range(r.choice((1, 1, 2)))
                ]
                families.append((family, home, parents))
            kid = Child(
                self._id("p"),
                self._name(sex),
                family,
                born,
                sex,
                self._ethnicity(True),
                home,
                looked_after,
                self._phone(),
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
            record["local_authority"] = f"{self.borough} Council"
            record["philomena"] = {
                "part1_completed_at": (kid.born + timedelta(days=365 * 12)).isoformat(),
                "description": f"{r.choice(('slim', 'medium', 'tall'))} build, "
                f"{r.choice(('short dark', 'long dark', 'fair', 'braided'))} hair",
                "places_frequented": r.sample(self.places["fast_food"] + self.places["park"], 2),
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

    # -- exploitation ----------------------------------------------------------------------------

    def networks(self, kids: list[Child]) -> list[Record]:
        r = self.rng
        count = int(self.scale.networks_per_area) + (
            1 if r.random() < self.scale.networks_per_area % 1 else 0
        )
        planted: list[Record] = []
        free = [k for k in kids if k.network is None]
        for n in range(count):
            if len(free) < 4:
                break
            size = min(len(free), r.randint(4, 9))
            members = r.sample(free, size)
            free = [k for k in free if k not in members]
            adults = [
                self.adult(born_range=(1985, 2004), flags=["violence", "drugs"])
                for _ in range(r.randint(1, 3))
            ]
            places = [self.place(r.choice(("home", "hostel"))), r.choice(self.places["hotel"])]
            county_lines = r.random() < 0.4
            if county_lines:
                far = (self.index + 7 + n) % max(self.scale.areas, 2)
                name, lat, lon = area(far) if far != self.index else ("Coastal Town", 51.3, 1.1)
                dest = self._id("pl")
                self.out.records["place"].append(
                    {
                        "kind": "place",
                        "id": dest,
                        "type": "home",
                        "address": f"{r.randint(1, 90)} {r.choice(names.STREETS)}",
                        "postcode": self._postcode(),
                        "borough": name,
                        "lat": round(lat + r.uniform(-0.02, 0.02), 5),
                        "lon": round(lon + r.uniform(-0.03, 0.03), 5),
                    }
                )
                places.append(dest)
            phones = [self._phone() for _ in range(r.randint(2, 3))]
            vehicles = []
            for _ in range(r.randint(1, 2)):
                vid = self._id("v")
                plate = (
                    f"{r.choice('ABEHKLMNOPRSVWY')}{r.choice('ABCDEFGHJKLMNOPRSTUVWXY')}"
                    f"{r.randint(10, 74)} {''.join(r.choices('ABCDEFGHJKLMNOPRSTUVWXYZ', k=3))}"
                )
                self.out.records["vehicle"].append(
                    {
                        "kind": "vehicle",
                        "id": vid,
                        "registration": plate,
                        "make": r.choice(names.VEHICLE_MAKES),
                        "colour": r.choice(names.COLOURS),
                    }
                )
                vehicles.append(vid)
            for adult in adults:
                for phone in phones[:2]:
                    self.link(adult, {"phone": phone}, "uses_phone", "intelligence report")
            network_id = f"{self.prefix}-net{n + 1}"
            for kid in members:
                kid.network = n
            planted.append(
                {
                    "id": network_id,
                    "area": self.borough,
                    "county_lines": county_lines,
                    "adults": adults,
                    "places": places,
                    "phones": phones,
                    "vehicles": vehicles,
                    "children": [k.pid for k in members],
                }
            )
        return planted

    def friend_groups(self, kids: list[Child]) -> None:
        r = self.rng
        pool = [k for k in kids if k.network is None and not k.looked_after]
        r.shuffle(pool)
        for start in range(0, len(pool) - 3, 9):
            group = pool[start : start + r.randint(3, 5)]
            for kid in group:
                kid.friends = [k.pid for k in group if k is not kid]
            for a, b in itertools.pairwise(group):
                self.link(a.pid, {"person": b.pid}, "associate", "friends, per family")
            self.out.decoys.append(
                {"type": "friends_home", "place": group[0].home, "children": [k.pid for k in group]}
            )

    # -- episodes ------------------------------------------------------------------------------

    def _episode_count(self, kid: Child) -> int:
        r = self.rng
        high = kid.network is not None or r.random() < (
            0.3 if kid.looked_after else HIGH_REPEAT_SHARE * 0.4
        )
        mean = (15.0 if high else 0.82) * min(self.years, 3) ** 0.5
        return 1 + _poisson(r, mean)

    def _duration(self, adult: bool) -> timedelta:
        r = self.rng
        roll = r.random()
        within_day = 0.76 if adult else 0.79
        within_two = 0.86 if adult else 0.90
        if roll < within_day:
            hours = min(r.expovariate(1 / 7), 23.9)
        elif roll < within_two:
            hours = r.uniform(24, 48)
        elif roll < (0.97 if adult else 0.98):
            hours = r.uniform(48, 168)
        else:
            hours = r.uniform(168, 900)
        return timedelta(hours=max(hours, 0.5))

    def child_episodes(self, kid: Child, planted: list[Record]) -> None:
        r = self.rng
        n = self._episode_count(kid)
        span = min(self.end - self.start, timedelta(days=r.randint(60, 540)))
        window_start = self.start + (self.end - self.start - span) * r.random()
        moments = sorted(self._moment(window_start, window_start + span) for _ in range(n))
        network = planted[kid.network] if kid.network is not None else None
        latest = self.start  # when the child was last found (the end if still missing)
        count = 0
        for moment in moments:
            if moment <= latest or moment > self.end:
                continue
            found_after = self._episode(kid, moment, network)
            count += 1
            if found_after is None:
                latest = self.end
                break
            latest = found_after
        self._latest_found[kid.pid] = latest
        kid.episodes = count
        self.out.child_episode_counts[kid.pid] = count

    def _episode(
        self, kid: Child, reported: datetime, network: Record | None, *, still_missing: bool = False
    ) -> datetime | None:
        r = self.rng
        eid = self._id("e")
        person = kid.pid
        if kid.variants and r.random() < 0.35:
            person = r.choice(kid.variants)
        last_seen = reported - timedelta(minutes=r.randint(30, 480))
        found = (
            self.end + timedelta(hours=1) if still_missing else last_seen + self._duration(False)
        )
        exploited_trip = network is not None and r.random() < 0.6
        record: Record = {
            "kind": "episode",
            "id": eid,
            "person": person,
            "reported_at": _iso(reported),
            "last_seen_at": _iso(last_seen),
            "last_seen_place": kid.home
            if r.random() < 0.65
            else r.choice(self.places["school"] + self.places["fast_food"]),
            "risk_grade": r.choices(("high", "medium", "low"), (16, 76, 8))[0],
        }
        if kid.looked_after:
            record["reported_by"] = {
                "name": f"Duty manager ({kid.carers[0]})" if kid.carers else "Duty manager",
                "relationship": "care home staff",
            }
        elif kid.parents:
            record["reported_by"] = {
                "name": "Parent",
                "relationship": r.choice(("mother", "father")),
            }
        if exploited_trip:
            record["risk_answers"] = {
                "exploitation_indicators": ["unexplained_gifts", "older_associates"],
                "associating_with_adults_of_concern": True,
            }
        ongoing = found > self.end
        if not ongoing:
            record["found_at"] = _iso(found)
            companions: list[str] = []
            if exploited_trip and network is not None:
                place = r.choice(network["places"])
                record["found_place"] = place
                if r.random() < 0.45:
                    companions.append(r.choice(network["adults"]))
                others = [c for c in network["children"] if c != kid.pid]
                if others and r.random() < 0.4:
                    companions.append(r.choice(others))
                if network["vehicles"] and r.random() < 0.3:
                    self.link(
                        kid.pid,
                        {"vehicle": r.choice(network["vehicles"])},
                        "in_vehicle",
                        {"episode": eid},
                        found,
                    )
                if r.random() < 0.35:
                    self.link(
                        kid.pid,
                        {"phone": r.choice(network["phones"])},
                        "uses_phone",
                        {"episode": eid},
                        found,
                    )
                self.link(kid.pid, {"place": place}, "found_at", {"episode": eid}, found)
            else:
                roll = r.random()
                if kid.friends and roll < 0.35:
                    friend = r.choice(kid.friends)
                    record["found_place"] = self._home_of(friend, kid)
                    companions.append(friend)
                elif roll < 0.75:
                    place = r.choice(
                        self.places["station"]
                        + self.places["fast_food"]
                        + self.places["park"]
                        + self.places["shop"]
                    )
                    record["found_place"] = place
                    self.link(kid.pid, {"place": place}, "found_at", {"episode": eid}, found)
                else:
                    record["found_text"] = "returned home by themselves"
            if companions:
                record["found_with"] = sorted(set(companions))
            roll = r.random()
            record["outcome"] = (
                "returned"
                if roll < 0.43
                else "found_safe"
                if roll < 0.963
                else "found_harmed"
                if roll < 0.999
                else "found_dead"
            )
            record["found_by"] = (
                "self"
                if record["outcome"] == "returned"
                else r.choice(("police", "family", "care staff", "member of the public"))
            )
            interview_at = found + timedelta(hours=r.uniform(2, 30))
            if r.random() < 0.85 and interview_at <= self.end:
                pool = (
                    names.DISCLOSURES_EXPLOITED
                    if exploited_trip and r.random() < 0.5
                    else names.DISCLOSURES_OTHER
                )
                record["prevention_interview"] = {
                    "text": "Safe and well check completed face to face.",
                    "disclosures": r.sample(pool, r.randint(0, 2)),
                    "held_at": _iso(interview_at),
                }
            offered = found + timedelta(hours=r.uniform(4, 90))
            if offered <= self.end and r.random() < 0.85:
                rhi: Record = {"offered_at": _iso(offered)}
                held = offered + timedelta(hours=r.uniform(2, 60))
                roll = r.random()
                if roll < 0.6 and held <= self.end:
                    rhi["held_at"] = _iso(held)
                    rhi["text"] = "Return home interview by the independent service."
                elif roll < 0.85:
                    rhi["declined"] = True
                record["rhi"] = rhi
        self.out.records["episode"].append(record)
        self.call_for(record, kid, reported)
        return None if ongoing else found

    def missing_now(self, kids: list[Child], planted: list[Record]) -> None:
        """Leave a day and a half's worth of children still missing at the end of the data."""
        r = self.rng
        per_day = self.scale.child_episodes_per_area_year / 365
        count = max(1, round(per_day * 1.5))
        for kid in r.sample(kids, min(count, len(kids))):
            last = self.out.child_episode_counts.get(kid.pid, 0)
            reported = self.end - timedelta(minutes=r.randint(20, 36 * 60))
            if self._latest_found.get(kid.pid, self.start) >= reported - timedelta(hours=1):
                continue
            network = planted[kid.network] if kid.network is not None else None
            self._episode(kid, reported, network, still_missing=True)
            self.out.child_episode_counts[kid.pid] = last + 1

    def _home_of(self, pid: str, fallback: Child) -> str:
        return self._homes.get(pid, fallback.home)

    def call_for(self, episode: Record, kid: Child, reported: datetime) -> None:
        r = self.rng
        who = "care home" if kid.looked_after else "family"
        self.out.records["call"].append(
            {
                "kind": "call",
                "id": self._id("c"),
                "received_at": _iso(reported - timedelta(minutes=r.randint(1, 20))),
                "narrative": r.choice(
                    (
                        f"Caller from the {who} reports {kid.given}, aged "
                        f"{reported.year - kid.born.year}, not seen since the afternoon. "
                        "Not answering phone.",
                        f"{kid.given} has not returned to the {who} as agreed. "
                        "Has gone missing before.",
                        f"Concern for {kid.given}: left after an argument, phone switched off.",
                    )
                ),
                "caller": "care home staff" if kid.looked_after else "parent",
                "location": {"place": kid.home},
                "reference": f"CAD-{self.index:03d}-{self.counter:07d}",
                "outcome": "missing person report",
            }
        )

    def adults(self, episodes: int) -> None:
        r = self.rng
        made = 0
        while made < episodes:
            dementia = r.random() < 0.1
            home = self.place("home")
            pid = self.adult(
                born_range=(1935, 1955) if dementia else (1960, 2006),
                home=home,
                flags=["dementia"] if dementia else (["mental_health"] if r.random() < 0.6 else []),
                herbert={
                    "completed_at": self.start.date().isoformat(),
                    "likely_destinations": ["former home", "bus stops on the 38 route"],
                }
                if dementia
                else None,
            )
            for _ in range(1 + (_poisson(r, 0.5) if not dementia else 0)):
                reported = self._moment(self.start, self.end)
                last_seen = reported - timedelta(minutes=r.randint(30, 600))
                found = last_seen + self._duration(adult=True)
                record: Record = {
                    "kind": "episode",
                    "id": self._id("e"),
                    "person": pid,
                    "reported_at": _iso(reported),
                    "last_seen_at": _iso(last_seen),
                    "circumstances": r.choice(names.ADULT_REASONS),
                    "risk_grade": r.choices(("high", "medium", "low", "very_low"), (20, 55, 20, 5))[
                        0
                    ],
                }
                if found <= self.end:
                    record["found_at"] = _iso(found)
                    roll = r.random()
                    record["outcome"] = (
                        "returned"
                        if roll < 0.30
                        else "found_safe"
                        if roll < 0.95
                        else "found_harmed"
                        if roll < 0.99
                        else "found_dead"
                    )
                    record["found_text"] = r.choice(
                        (
                            "at a relative's address",
                            "in a park",
                            "at a hospital",
                            "near their former home",
                        )
                    )
                self.out.records["episode"].append(record)
                made += 1

    def other_calls(self, count: int) -> None:
        r = self.rng
        templates = (
            (
                "Neighbour concerned, has not seen the elderly resident for two days.",
                "concern for welfare",
            ),
            ("Patient left the ward without leave, not detained, staff worried.", "health walkout"),
            ("Ambulance requests police to convey a patient to hospital.", "transport"),
            (
                "Officers waiting at the place of safety with a person detained under s136.",
                "s136 handover",
            ),
            ("Man seen with a knife outside the shop, threatening staff.", "crime"),
            (
                "Caller says her friend sent a text saying he wants to end his life.",
                "concern for welfare",
            ),
            ("School reports a pupil did not attend and is not answering.", "concern for welfare"),
        )
        venues = self.places["hospital"] + self.places["shop"] + self.places["station"]
        for _ in range(count):
            narrative, outcome = r.choice(templates)
            self.out.records["call"].append(
                {
                    "kind": "call",
                    "id": self._id("c"),
                    "received_at": _iso(self._moment(self.start, self.end)),
                    "narrative": narrative,
                    "caller": r.choice(("public", "nhs", "school", "ambulance")),
                    "location": {"place": r.choice(venues)},
                    "outcome": outcome,
                }
            )

    # -- the whole area ----------------------------------------------------------------------

    def generate(self) -> Output:
        r = self.rng
        child_target = self.scale.child_episodes_per_area_year * self.years
        self.venues()
        # About 3.1 episodes a child in a year (S20); longer histories repeat more per child.
        per_child = 3.1 * min(self.years, 3) ** 0.5
        kids = self.children(max(8, round(child_target / per_child)))
        self._homes = {k.pid: k.home for k in kids}
        planted = self.networks(kids)
        self.friend_groups(kids)
        for kid in kids:
            self.write_child(kid)
            if r.random() < 0.2:
                self.variants(kid)
        for kid in kids:
            self.child_episodes(kid, planted)
        made = sum(self.out.child_episode_counts.values())
        if made < child_target * 0.95:  # long histories lose some episodes to overlaps: top up
            extra = self.children(round((child_target - made) / max(made / len(kids), 1.0)))
            self._homes.update({k.pid: k.home for k in extra})
            for kid in extra:
                self.write_child(kid)
                self.child_episodes(kid, planted)
            kids += extra
        self.missing_now(kids, planted)
        for network in planted:
            for child in network["children"]:
                for adult in network["adults"]:
                    self.link(child, {"person": adult}, "associate", "intelligence report")
        self.adults(round(child_target * self.scale.adult_ratio))
        self.other_calls(round(child_target * 0.8))
        self.out.networks = planted
        return self.out


def _poisson(rng: random.Random, mean: float) -> int:
    """Draw from a Poisson distribution (Knuth's method for small means, normal for large)."""
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1
