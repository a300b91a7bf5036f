"""The record store and the ordinary population of the blind scenario (no exploitation here).

Written without reading Harbour's detector, simulator or the other benchmark generator: only the
import format and published descriptions (see README.md).
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

import lists

END = datetime(2026, 11, 27, 22, 0, tzinfo=UTC)
START = END - timedelta(days=730)
LA_HOME = "Blindshire County Council"
LA_AWAY = "Greywick City Council"

ETHNICITY = [
    ("white_british", 68),
    ("white_other", 5),
    ("white_irish", 1),
    ("white_gypsy_traveller", 1),
    ("asian_pakistani", 8),
    ("asian_bangladeshi", 2),
    ("asian_indian", 2),
    ("asian_chinese", 1),
    ("black_african", 3),
    ("black_caribbean", 2),
    ("mixed_white_black_caribbean", 2),
    ("mixed_white_asian", 1),
    ("mixed_other", 1),
    ("other_arab", 1),
    ("other_any", 2),
]
CARE_BASIS = [
    ("care_order", 72),
    ("interim_care_order", 9),
    ("s20_accommodation", 17),
    ("emergency_protection_order", 1),
    ("police_protection", 1),
]

# Ofcom numbers kept for drama: no real line uses them.
PHONE_BLOCKS = [
    "+447700900",
    "+441632960",
    "+442079460",
    "+441134960",
    "+441144960",
    "+441154960",
    "+441164960",
    "+441174960",
    "+441184960",
    "+441214960",
    "+441314960",
    "+441414960",
    "+441514960",
    "+441614960",
    "+441914980",
]


def iso(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:00Z")


class World:
    """Every record the generator writes, plus what truth.json needs to know about them."""

    def __init__(self, seed: int, children: int) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.p = f"bl{seed}-"
        self.n_children = children
        self.count: Counter[str] = Counter()
        self.places: dict[str, dict[str, Any]] = {}
        self.place_info: dict[str, dict[str, Any]] = {}
        self.vehicles: dict[str, dict[str, Any]] = {}
        self.people: dict[str, dict[str, Any]] = {}
        self.info: dict[str, dict[str, Any]] = {}
        self.episodes: list[dict[str, Any]] = []
        self.calls: list[dict[str, Any]] = []
        self.assocs: list[dict[str, Any]] = []
        self.identity: dict[str, str] = {}
        self.busy: dict[str, list[str]] = defaultdict(list)
        self.away: dict[str, list[str]] = defaultdict(list)
        self.decoys: list[dict[str, Any]] = []
        self.networks: list[dict[str, Any]] = []
        self.taken: set[str] = set()  # children already placed in a network
        self.slots: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
        self._phones = self._phone_numbers()
        self._regs: set[str] = set()
        self._ids: set[str] = set()
        self.households: list[dict[str, Any]] = []
        self.groups: list[list[str]] = []
        self.care: dict[str, dict[str, Any]] = {}

    # ---- ids and small samplers -------------------------------------------------------------

    def new_id(self, kind: str) -> str:
        """Ids carry no order: a late-made record must not betray what it is."""
        self.count[kind] += 1
        while True:
            rid = f"{self.p}{kind}{self.rng.randrange(100000, 1000000)}"
            if rid not in self._ids:
                self._ids.add(rid)
                return rid

    def pick(self, weighted: list[tuple[Any, float]]) -> Any:
        values, weights = zip(*weighted, strict=True)
        return self.rng.choices(values, weights)[0]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def _phone_numbers(self) -> list[str]:
        numbers = [f"{b}{n:03d}" for b in PHONE_BLOCKS for n in range(1000)]
        self.rng.shuffle(numbers)
        return numbers

    def phone(self) -> str:
        number = self._phones.pop()
        # Written in the ways people write numbers; Harbour stores them as +44.
        if self.chance(0.5):
            return "0" + number[3:]
        return number

    def registration(self) -> str:
        while True:
            letters = "ABCDEFGHJKLMNOPRSTUVWXY"
            reg = "QZ{:02d} {}{}{}".format(self.rng.randint(10, 75), *self.rng.sample(letters, 3))
            if reg not in self._regs:
                self._regs.add(reg)
                return reg

    def when(self, start: datetime = START, end: datetime = END) -> datetime:
        span = (end - start).total_seconds()
        return start + timedelta(seconds=self.rng.random() * span)

    # ---- records ------------------------------------------------------------------------------

    def place(
        self,
        type_: str,
        name: str | None,
        town: tuple[str, str, tuple[float, float]],
        *,
        role: str = "ordinary",
        away: bool = False,
        street: bool = True,
    ) -> str:
        pid = self.new_id("pl")
        borough, area, (lat, lon) = town
        rec: dict[str, Any] = {"kind": "place", "id": pid, "type": type_}
        if name:
            rec["name"] = name
        if street or not name:
            rec["address"] = (
                f"{self.rng.randint(1, 180)} {self.rng.choice(lists.STREETS)}, {borough}"
            )
        rec["postcode"] = (
            f"{area}{self.rng.randint(1, 19)} {self.rng.randint(1, 9)}"
            f"{self.rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{self.rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        )
        rec["borough"] = borough
        rec["lat"] = round(lat + self.rng.uniform(-0.03, 0.03), 5)
        rec["lon"] = round(lon + self.rng.uniform(-0.05, 0.05), 5)
        self.places[pid] = rec
        self.place_info[pid] = {"type": type_, "role": role, "away": away, "town": borough}
        return pid

    def home(self, town: tuple[str, str, tuple[float, float]], *, away: bool = False) -> str:
        flat = self.chance(0.25)
        pid = self.place("home", None, town, away=away)
        if flat:
            self.places[pid]["address"] = (
                f"Flat {self.rng.randint(1, 24)}, " + self.places[pid]["address"]
            )
        return pid

    def vehicle(self, make: str, colour: str) -> str:
        vid = self.new_id("v")
        self.vehicles[vid] = {
            "kind": "vehicle",
            "id": vid,
            "registration": self.registration(),
            "make": make,
            "colour": colour,
        }
        return vid

    def person(
        self,
        sex: str,
        age: float,
        *,
        home: str | None = None,
        family: str | None = None,
        ethnicity: str | None = None,
        role: str = "ordinary",
        phones: int = 0,
        dob_known: float | None = None,
        minor: bool | None = None,
        **extra: Any,
    ) -> str:
        """A person aged `age` at the end; `minor`: a child for some of the two years."""
        pid = self.new_id("p")
        child = age < 18 if minor is None else minor
        if sex == "female":
            given = self.rng.choice(lists.GIRLS if age < 30 else lists.ADULT_WOMEN)
        else:
            given = self.rng.choice(lists.BOYS if age < 30 else lists.ADULT_MEN)
        rec: dict[str, Any] = {
            "kind": "person",
            "id": pid,
            "given_name": given,
            "family_name": family or self.rng.choice(lists.FAMILY),
            "sex": sex if self.chance(0.98) else "unknown",
        }
        born = END.date() - timedelta(days=int(age * 365.25))
        known = self.rng.random() if dob_known is None else dob_known
        if known < 0.80:
            rec["date_of_birth"] = born.isoformat()
        elif known < 0.93:
            rec["date_of_birth"] = born.isoformat()[:7]
        elif known < 0.985 or (child and known < 0.995):
            rec["date_of_birth"] = str(born.year)
        eth = ethnicity or self.pick(ETHNICITY)
        if self.chance(0.75):
            rec["ethnicity"] = eth
        if self.chance(0.35):
            rec["observed_ethnicity"] = eth
        if home:
            rec["home"] = home
        numbers = [self.phone() for _ in range(phones)]
        if numbers:
            rec["phones"] = numbers
        rec.update(extra)
        self.people[pid] = rec
        self.identity[pid] = self.new_id("I")
        until = END - timedelta(days=max(0.0, age - 18) * 365.25) if child else END
        self.info[pid] = {
            "age": age,
            "sex": sex,
            "child": child,
            "role": role,
            "home": home,
            "until": until,
        }
        return pid

    def born(self, pid: str) -> date:
        return END.date() - timedelta(days=int(self.info[pid]["age"] * 365.25))

    def duplicate(self, pid: str) -> str:
        """A second record of the same person (a misspelt name, a vaguer date of birth)."""
        src = self.people[pid]
        did = self.new_id("p")
        rec = {k: v for k, v in src.items() if k not in ("phones", "observed_ethnicity")}
        rec["id"] = did
        given = rec.get("given_name", "")
        if given and self.chance(0.5):
            rec["given_name"] = given[:-1] + ("ie" if not given.endswith("ie") else "y")
        if "date_of_birth" in rec:
            rec["date_of_birth"] = rec["date_of_birth"][:4]
        self.people[did] = rec
        self.identity[did] = self.identity[pid]
        self.info[did] = dict(self.info[pid], duplicate_of=pid)
        return did

    def link(
        self,
        subject: str,
        kind: str,
        target: str,
        type_: str,
        *,
        source: Any = None,
        at: datetime | None = None,
    ) -> None:
        rec: dict[str, Any] = {
            "kind": "association",
            "id": self.new_id("a"),
            "subject": subject,
            "object": {kind: target},
            "type": type_,
        }
        if source is not None:
            rec["source"] = source
        if at is not None or self.chance(0.85):
            rec["observed_at"] = iso(at or self.when())
        self.assocs.append(rec)

    def call(
        self,
        at: datetime,
        narrative: str,
        caller: str,
        *,
        place: str | None = None,
        text: str | None = None,
        outcome: str | None = None,
    ) -> str:
        cid = self.new_id("c")
        rec: dict[str, Any] = {
            "kind": "call",
            "id": cid,
            "received_at": iso(at),
            "narrative": narrative,
            "caller": caller,
            "reference": f"BLS-{at:%y%m%d}-{self.rng.randrange(10000, 100000)}",
        }
        if place:
            rec["location"] = {"place": place}
        elif text:
            rec["location"] = text
        if outcome:
            rec["outcome"] = outcome
        self.calls.append(rec)
        return cid

    # ---- episodes -----------------------------------------------------------------------------

    def hours(self, *, child: bool = True, long: bool = False) -> float:
        r = self.rng.random()
        if long:
            cuts = [(0.45, 2, 24), (0.75, 24, 48), (0.96, 48, 168), (1.0, 168, 400)]
        elif child:
            cuts = [(0.79, 1, 24), (0.90, 24, 48), (0.98, 48, 168), (1.0, 168, 400)]
        else:
            cuts = [(0.76, 1, 24), (0.86, 24, 48), (0.97, 48, 168), (1.0, 168, 600)]
        for cut, lo, hi in cuts:
            if r < cut:
                if lo == 1:
                    return round(self.rng.triangular(1, hi, 5), 2)
                return round(self.rng.uniform(lo, hi), 2)
        return 6.0

    def slot(self, pid: str, hours: float, lo: datetime = START, hi: datetime = END) -> datetime:
        """A time last seen, evening-heavy, not overlapping the person's other episodes."""
        ident = self.identity[pid]
        hi = min(hi, self.info[pid]["until"])
        latest = hi - timedelta(hours=hours + 6)
        lo = min(lo, latest - timedelta(days=1))
        for _ in range(40):
            day = self.when(lo, latest)
            if self.info[pid]["child"] and self.chance(0.5):
                day = max(day, self.when(lo, latest))  # older children go missing more
            hour = self.pick([(h, w) for h, w in zip(range(24), EVENING, strict=True)])
            t = day.replace(hour=hour, minute=self.rng.randrange(0, 60, 5))
            if t > latest or t < START:
                continue
            end = t + timedelta(hours=hours + 24)
            if all(end < a or t > b for a, b in self.slots[ident]):
                self.slots[ident].append((t - timedelta(hours=12), end))
                return t
        t = self.when(lo, latest)
        self.slots[ident].append((t, t + timedelta(hours=hours)))
        return t

    def episode(
        self,
        pid: str,
        *,
        hours: float | None = None,
        at: datetime | None = None,
        lo: datetime = START,
        hi: datetime = END,
        last_seen: str | None = None,
        last_seen_text: str | None = None,
        found: str | None = None,
        found_text: str | None = None,
        found_with: list[str] | None = None,
        found_by: str | None = None,
        reporter: tuple[str, str] | None = None,
        grade: str | None = None,
        circumstances: str | None = None,
        risk: dict[str, Any] | None = None,
        long: bool = False,
    ) -> str:
        info = self.info[pid]
        child = info["child"]
        if hours is None:
            hours = self.hours(child=child, long=long)
        t = at or self.slot(pid, hours, lo, hi)
        eid = self.new_id("e")
        delay = min(self.rng.uniform(0.25, 6.0), hours * 0.6)
        reported = t + timedelta(hours=delay)
        rec: dict[str, Any] = {
            "kind": "episode",
            "id": eid,
            "person": pid,
            "reported_at": iso(reported),
            "last_seen_at": iso(t),
        }
        if reporter:
            rec["reported_by"] = {"name": reporter[0], "relationship": reporter[1]}
        if last_seen:
            rec["last_seen_place"] = last_seen
        elif last_seen_text:
            rec["last_seen_text"] = last_seen_text
        if circumstances:
            rec["circumstances"] = circumstances
        if grade is None:
            grade = self.pick(
                [("medium", 68), ("high", 17), ("low", 15)]
                if child
                else [("low", 30), ("medium", 50), ("high", 15), ("very_low", 5)]
            )
        rec["risk_grade"] = grade
        answers = {"previous_episodes": info.get("episodes_so_far", 0)}
        if child:
            answers["looked_after"] = bool(self.people[pid].get("looked_after", False))
        answers.update(risk or {})
        rec["risk_answers"] = answers
        info["episodes_so_far"] = answers["previous_episodes"] + 1
        found_at = t + timedelta(hours=hours)
        ongoing = found_at > END - timedelta(hours=2) or (
            END - t < timedelta(days=3) and self.chance(0.3)
        )
        if not ongoing:
            found_at = max(found_at, reported + timedelta(minutes=20))
            rec["found_at"] = iso(found_at)
            if found:
                rec["found_place"] = found
            elif found_text:
                rec["found_text"] = found_text
            if found_with:
                rec["found_with"] = sorted(set(found_with) - {pid})
                if not rec["found_with"]:
                    del rec["found_with"]
            if found_by:
                rec["found_by"] = found_by
            rec["outcome"] = self.pick(
                [("found_safe", 58), ("returned", 38), ("found_harmed", 3.5), ("other", 0.5)]
            )
            if self.chance(0.7):
                held = found_at + timedelta(hours=self.rng.uniform(1, 30))
                if held < END:
                    rec["prevention_interview"] = {
                        "text": "Safe and well check completed.",
                        "held_at": iso(held),
                        "face_to_face": self.chance(0.85),
                    }
        else:
            rec["outcome"] = "ongoing"
        self.episodes.append(rec)
        return eid


# Hours of the day someone is last seen: afternoons and evenings dominate.
EVENING = [2, 1, 1, 1, 1, 1, 1, 2, 3, 3, 3, 3, 4, 4, 5, 7, 8, 9, 10, 10, 9, 7, 5, 3]
