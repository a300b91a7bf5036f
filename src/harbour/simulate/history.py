"""The history of an area: children's and adults' missing episodes, their calls, and the children
still missing when the data ends. Shapes follow `shared/population.md` (found within 24 and 48
hours, repeat concentration, evening and night peaks, interviews and return home interviews).
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from harbour.simulate import names
from harbour.simulate.records import HIGH_REPEAT_SHARE, iso

if TYPE_CHECKING:
    from harbour.simulate.area import AreaGenerator
    from harbour.simulate.records import Child, Record

# -- episodes ------------------------------------------------------------------------------


def _episode_count(gen: AreaGenerator, kid: Child) -> int:
    r = gen.rng
    high = kid.network is not None or r.random() < (
        0.3 if kid.looked_after else HIGH_REPEAT_SHARE * 0.4
    )
    mean = (15.0 if high else 0.82) * min(gen.years, 3) ** 0.5
    return 1 + _poisson(r, mean)


def _duration(gen: AreaGenerator, adult: bool) -> timedelta:
    r = gen.rng
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


def child_episodes(gen: AreaGenerator, kid: Child, planted: list[Record]) -> None:
    r = gen.rng
    n = _episode_count(gen, kid)
    # A child's episodes fall while they are a child (from 8 until 18) and inside the period.
    born = datetime(kid.born.year, kid.born.month, kid.born.day, tzinfo=gen.start.tzinfo)
    low = max(gen.start, born + timedelta(days=round(8 * 365.25)))
    high = min(gen.end, born + timedelta(days=round(18 * 365.25)))
    if high <= low:
        low, high = gen.start, gen.end
    span = min(high - low, timedelta(days=r.randint(60, 540)))
    window_start = low + (high - low - span) * r.random()
    moments = sorted(gen.moment(window_start, window_start + span) for _ in range(n))
    network = planted[kid.network] if kid.network is not None else None
    latest = gen.start  # when the child was last found (the end if still missing)
    count = 0
    for moment in moments:
        if moment <= latest or moment > gen.end:
            continue
        found_after = _episode(gen, kid, moment, network)
        count += 1
        if found_after is None:
            latest = gen.end
            break
        latest = found_after
    gen.latest_found[kid.pid] = latest
    kid.episodes = count
    gen.out.child_episode_counts[kid.pid] = count


def _episode(
    gen: AreaGenerator,
    kid: Child,
    reported: datetime,
    network: Record | None,
    *,
    still_missing: bool = False,
) -> datetime | None:
    r = gen.rng
    eid = gen.new_id("e")
    person = kid.pid
    if kid.variants and r.random() < 0.35:
        person = r.choice(kid.variants)
    last_seen = reported - timedelta(minutes=r.randint(30, 480))
    found = gen.end + timedelta(hours=1) if still_missing else last_seen + _duration(gen, False)
    # Found after the report, never before it (a child back before the call is not a report).
    found = max(found, reported + timedelta(minutes=r.randint(10, 90)))
    exploited_trip = network is not None and r.random() < 0.6
    record: Record = {
        "kind": "episode",
        "id": eid,
        "person": person,
        "reported_at": iso(reported),
        "last_seen_at": iso(last_seen),
        "last_seen_place": kid.home
        if r.random() < 0.65
        else r.choice(gen.places["school"] + gen.places["fast_food"]),
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
    ongoing = found > gen.end
    if not ongoing:
        record["found_at"] = iso(found)
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
                gen.link(
                    kid.pid,
                    {"vehicle": r.choice(network["vehicles"])},
                    "in_vehicle",
                    {"episode": eid},
                    found,
                )
            if r.random() < 0.35:
                gen.link(
                    kid.pid,
                    {"phone": r.choice(network["phones"])},
                    "uses_phone",
                    {"episode": eid},
                    found,
                )
            gen.link(kid.pid, {"place": place}, "found_at", {"episode": eid}, found)
        else:
            roll = r.random()
            if kid.friends and roll < 0.35:
                friend = r.choice(kid.friends)
                record["found_place"] = _home_of(gen, friend, kid)
                companions.append(friend)
            elif roll < 0.75:
                place = r.choice(
                    gen.places["station"]
                    + gen.places["fast_food"]
                    + gen.places["park"]
                    + gen.places["shop"]
                )
                record["found_place"] = place
                gen.link(kid.pid, {"place": place}, "found_at", {"episode": eid}, found)
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
        if r.random() < 0.85 and interview_at <= gen.end:
            pool = (
                names.DISCLOSURES_EXPLOITED
                if exploited_trip and r.random() < 0.5
                else names.DISCLOSURES_OTHER
            )
            # One check in ten by phone, drawn from the time so the random stream is unchanged.
            seen = int(interview_at.timestamp()) % 10 != 0
            record["prevention_interview"] = {
                "text": "Safe and well check completed "
                + ("face to face." if seen else "by phone."),
                "disclosures": r.sample(pool, r.randint(0, 2)),
                "held_at": iso(interview_at),
                "face_to_face": seen,
            }
        offered = found + timedelta(hours=r.uniform(4, 90))
        if offered <= gen.end and r.random() < 0.85:
            rhi: Record = {"offered_at": iso(offered)}
            held = offered + timedelta(hours=r.uniform(2, 60))
            roll = r.random()
            if roll < 0.6 and held <= gen.end:
                rhi["held_at"] = iso(held)
                rhi["text"] = "Return home interview by the independent service."
            elif roll < 0.85:
                rhi["declined"] = True
            record["rhi"] = rhi
    gen.out.records["episode"].append(record)
    call_for(gen, record, kid, reported)
    return None if ongoing else found


def missing_now(gen: AreaGenerator, kids: list[Child], planted: list[Record]) -> None:
    """Leave a day and a half's worth of children still missing at the end of the data."""
    r = gen.rng
    per_day = gen.scale.child_episodes_per_area_year / 365
    count = max(1, round(per_day * 1.5))
    children = [k for k in kids if (gen.end.date() - k.born).days < 18 * 365.25]
    for kid in r.sample(children, min(count, len(children))):
        last = gen.out.child_episode_counts.get(kid.pid, 0)
        reported = gen.end - timedelta(minutes=r.randint(20, 36 * 60))
        if gen.latest_found.get(kid.pid, gen.start) >= reported - timedelta(hours=1):
            continue
        network = planted[kid.network] if kid.network is not None else None
        _episode(gen, kid, reported, network, still_missing=True)
        gen.out.child_episode_counts[kid.pid] = last + 1


def _home_of(gen: AreaGenerator, pid: str, fallback: Child) -> str:
    return gen.homes.get(pid, fallback.home)


def call_for(gen: AreaGenerator, episode: Record, kid: Child, reported: datetime) -> None:
    r = gen.rng
    who = "care home" if kid.looked_after else "family"
    gen.out.records["call"].append(
        {
            "kind": "call",
            "id": gen.new_id("c"),
            "received_at": iso(reported - timedelta(minutes=r.randint(1, 20))),
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
            "reference": f"CAD-{gen.index:03d}-{gen.counter:07d}",
            "outcome": "missing person report",
        }
    )


def adults(gen: AreaGenerator, episodes: int) -> None:
    r = gen.rng
    made = 0
    while made < episodes:
        dementia = r.random() < 0.1
        home = gen.place("home")
        pid = gen.adult(
            ages=(70, 90) if dementia else (19, 65),
            home=home,
            flags=["dementia"] if dementia else (["mental_health"] if r.random() < 0.6 else []),
            herbert={
                "completed_at": gen.start.date().isoformat(),
                "likely_destinations": ["former home", "bus stops on the 38 route"],
            }
            if dementia
            else None,
        )
        for _ in range(1 + (_poisson(r, 0.5) if not dementia else 0)):
            reported = gen.moment(gen.start, gen.end)
            last_seen = reported - timedelta(minutes=r.randint(30, 600))
            found = max(
                last_seen + _duration(gen, adult=True),
                reported + timedelta(minutes=r.randint(10, 90)),
            )
            record: Record = {
                "kind": "episode",
                "id": gen.new_id("e"),
                "person": pid,
                "reported_at": iso(reported),
                "last_seen_at": iso(last_seen),
                "circumstances": r.choice(names.ADULT_REASONS),
                "risk_grade": r.choices(("high", "medium", "low", "very_low"), (20, 55, 20, 5))[0],
            }
            if found <= gen.end:
                record["found_at"] = iso(found)
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
            gen.out.records["episode"].append(record)
            made += 1


def other_calls(gen: AreaGenerator, count: int) -> None:
    r = gen.rng
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
    venues = gen.places["hospital"] + gen.places["shop"] + gen.places["station"]
    for _ in range(count):
        narrative, outcome = r.choice(templates)
        gen.out.records["call"].append(
            {
                "kind": "call",
                "id": gen.new_id("c"),
                "received_at": iso(gen.moment(gen.start, gen.end)),
                "narrative": narrative,
                "caller": r.choice(("public", "nhs", "school", "ambulance")),
                "location": {"place": r.choice(venues)},
                "outcome": outcome,
            }
        )


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
