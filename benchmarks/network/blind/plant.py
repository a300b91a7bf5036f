"""Planted exploitation networks, from the author's reading of published descriptions.

County lines (NCA, Home Office, police force pages): a controller out of area who is seen only
through the deal line; younger "lieutenants" (often 18-19) who move runners; runners found out of
area at cuckooed flats, stations or in cars; work phones; the vulnerable tenant is a victim.
CSE (Jay, Rochdale, Bullfinch, IICSA, Operation Makesafe): older men met at takeaways, taxis and
cars, guest houses, flats; girls from a targeted children's home; an older girl who brings her
friends (herself a victim). Peer-on-peer criminal exploitation (Counting lives, CSPRP "It was
hard to escape"): an 18-19-year-old using 16-17-year-olds to draw in younger friends.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import population as pop

from world import END, START, World

AWAY = pop.AWAY
TOWNS = pop.TOWNS


def _network(w: World, type_: str, county_lines: bool) -> dict[str, Any]:
    lo = w.when(START + timedelta(days=20), END - timedelta(days=260))
    hi = min(END, lo + timedelta(days=w.rng.randint(200, 460)))
    n: dict[str, Any] = {
        "id": f"{w.p}N{len(w.networks) + 1}",
        "type": type_,
        "county_lines": county_lines,
        "adults": [],
        "places": [],
        "phones": [],
        "vehicles": [],
        "children": [],
        "roles": {},
        "lo": lo,
        "hi": hi,
    }
    w.networks.append(n)
    return n


def _adult(
    w: World, n: dict[str, Any], role: str, sex: str, age: float, home: str, **extra: Any
) -> str:
    pid = w.person(sex, age, home=home, role="exploiter", phones=1, **extra)
    if w.chance(0.35):
        w.people[pid]["flags"] = w.rng.sample(["drugs", "violence", "weapons"], w.rng.randint(1, 2))
    n["adults"].append(pid)
    n["roles"][pid] = role
    return pid


def _place(w: World, n: dict[str, Any], role: str, *args: Any, **kw: Any) -> str:
    pid = w.place(*args, role=role, **kw)
    n["places"].append(pid)
    n["roles"][pid] = role
    return pid


def _children(
    w: World,
    n: dict[str, Any],
    k: int,
    ages: tuple[float, float],
    girls: float,
    *,
    care: str | None = None,
    care_share: float = 0.0,
    pool: list[str] | None = None,
) -> list[str]:
    def ok(p: str) -> bool:
        i = w.info[p]
        return (
            i["child"]
            and p not in w.taken
            and "duplicate_of" not in i
            and ages[0] <= i["age"] <= ages[1]
        )

    picked: list[str] = []
    if pool:
        picked = [p for p in pool if ok(p)][:k]
    if care:
        residents = [
            p
            for p in w.care[care]["residents"]
            if ok(p) and p not in picked and (w.info[p]["sex"] == "female") == (girls > 0.5)
        ]
        picked += w.rng.sample(residents, min(len(residents), round(k * care_share)))
    others = [p for p in w.info if ok(p) and p not in picked]
    w.rng.shuffle(others)
    for p in others:
        if len(picked) >= k:
            break
        want_girl = w.chance(girls)
        if (w.info[p]["sex"] == "female") == want_girl:
            picked.append(p)
    for p in picked:
        w.taken.add(p)
        n["children"].append(p)
        if w.chance(0.25):
            w.info[p]["alias"] = w.duplicate(p)
    return picked


def _ep(w: World, n: dict[str, Any], kid: str, **kw: Any) -> str:
    kw.setdefault("risk", {})
    kw["risk"].setdefault("associating_with_adults_of_concern", w.chance(0.4))
    kw.setdefault("grade", w.pick([("high", 40), ("medium", 55), ("low", 5)]))
    return pop.child_episode(w, kid, lo=n["lo"], hi=n["hi"], long=True, **kw)


def _flag(w: World, kid: str, options: list[str], p: float) -> None:
    if w.chance(p):
        flags = w.people[kid].setdefault("flags", [])
        for f in w.rng.sample(options, w.rng.randint(1, len(options))):
            if f not in flags:
                flags.append(f)


def _src(w: World) -> str:
    return w.rng.choice(
        [
            "return home interview",
            "intelligence report",
            "stop check",
            "phone download",
            "Philomena profile",
            "strategy meeting",
        ]
    )


def county_line_out(w: World) -> None:
    n = _network(w, "county_lines", True)
    rng = w.rng
    city = AWAY[3]
    boss = _adult(
        w,
        n,
        "controller",
        "male" if w.chance(0.9) else "female",
        rng.uniform(21, 33),
        w.home(city, away=True),
    )
    lieut = [_adult(w, n, "lieutenant", "male", rng.uniform(18.2, 19.9), w.home(TOWNS[0]))]
    if w.chance(0.6):
        lieut.append(_adult(w, n, "lieutenant", "male", rng.uniform(20, 27), w.home(TOWNS[2])))
    deal, work = w.phone(), [w.phone(), w.phone()]
    n["phones"] += [deal, *work]
    car = w.vehicle(rng.choice(["Audi A3", "VW Golf", "Ford Focus"]), rng.choice(["black", "grey"]))
    n["vehicles"].append(car)
    flats, tenants = [], []
    for town in rng.sample(AWAY[:3], 2):
        flat = _place(w, n, "cuckooed_flat", "home", None, town, away=True)
        w.places[flat]["address"] = f"Flat {rng.randint(1, 12)}, " + w.places[flat]["address"]
        flats.append(flat)
        tenant = w.person(
            w.pick([("male", 65), ("female", 35)]),
            rng.uniform(29, 60),
            home=flat,
            role="cuckooed_tenant",
            flags=rng.sample(["drugs", "mental_health"], 1),
        )
        tenants.append(tenant)
        w.decoys.append(
            {
                "type": "cuckooed_tenant",
                "adults": [tenant],
                "place": None,
                "children": [],
                "protective": False,
                "network": n["id"],
            }
        )
        if w.chance(0.5):
            w.episode(
                tenant,
                lo=n["lo"],
                hi=n["hi"],
                last_seen=flat,
                reporter=("support worker", "professional"),
                found=flat,
            )
    w.link(boss, "phone", deal, "uses_phone", source="phone download", at=w.when(n["lo"], n["hi"]))
    if w.chance(0.5):
        w.link(boss, "vehicle", car, "in_vehicle", source="ANPR", at=w.when(n["lo"], n["hi"]))
    for lt in lieut:
        w.link(lt, "phone", w.rng.choice([deal, *work]), "uses_phone", source="phone download")
        w.link(lt, "vehicle", car, "in_vehicle", source="stop check")
    runners = _children(
        w,
        n,
        rng.randint(5, 8),
        (14.5, 19.0),
        0.15,
        care=next(iter(w.care)) if w.chance(0.5) else list(w.care)[4],
        care_share=0.3,
    )
    for kid in runners:
        _flag(w, kid, ["cce_risk", "county_lines", "drugs"], 0.55)
        phone = deal if w.chance(0.5) else rng.choice(work)
        if w.chance(0.75):
            w.link(kid, "phone", phone, "uses_phone", source=_src(w), at=w.when(n["lo"], n["hi"]))
        if w.chance(0.3):
            w.link(
                kid, "vehicle", car, "in_vehicle", source="stop check", at=w.when(n["lo"], n["hi"])
            )
        if w.chance(0.45):
            w.link(kid, "person", rng.choice(lieut), "associate", source=_src(w))
        if w.chance(0.25):
            w.link(kid, "place", rng.choice(flats), "seen_at", source="stop check")
        for k in range(rng.randint(2, 6)):
            r = rng.random()
            kw: dict[str, Any] = {"risk": {"found_out_of_area_before": k > 0}}
            others = [o for o in runners if o != kid]
            if r < 0.35:
                i = rng.randrange(2)
                fw = [tenants[i]] if w.chance(0.4) else []
                fw += rng.sample(others, 1) if w.chance(0.3) else []
                fw += [rng.choice(lieut)] if w.chance(0.15) else []
                kw.update(found=flats[i], found_with=fw, found_by="out-of-area police, warrant")
            elif r < 0.65:
                kw.update(
                    found=rng.choice(w.away["station"][:3]),
                    found_with=rng.sample(others, 1) if w.chance(0.3) else [],
                    found_by="British Transport Police",
                )
            elif r < 0.8:
                kw.update(
                    found_text=f"in a car stopped near {rng.choice(AWAY[:3])[0]}",
                    found_with=[rng.choice(lieut)] if w.chance(0.4) else [],
                    found_by="roads policing",
                )
            else:
                kw.update(found=rng.choice(w.busy["station"] + w.busy["fast_food"]))
            _ep(w, n, kid, **kw)
    for flat in flats:
        for _ in range(rng.randint(1, 3)):
            w.call(
                w.when(n["lo"], n["hi"]),
                "Neighbour worried the tenant is being taken "
                "advantage of: young lads from out of town coming and going, cars pulling up "
                "for a few minutes at all hours.",
                "neighbour",
                place=flat,
            )


def county_line_local(w: World) -> None:
    """A line run inside the force area (such lines have grown fastest, NPCC 2024)."""
    n = _network(w, "county_lines", True)
    rng = w.rng
    boss = _adult(w, n, "controller", "male", rng.uniform(19, 26), w.home(TOWNS[2]))
    helper = None
    if w.chance(0.5):
        helper = _adult(w, n, "lieutenant", "male", rng.uniform(18.1, 19.5), w.home(TOWNS[2]))
    deal = w.phone()
    n["phones"].append(deal)
    trap = _place(w, n, "trap_house", "home", None, TOWNS[4])
    w.link(boss, "phone", deal, "uses_phone", source="phone download")
    runners = _children(w, n, rng.randint(3, 5), (13.0, 17.5), 0.2)
    for kid in runners:
        _flag(w, kid, ["cce_risk", "county_lines"], 0.4)
        if w.chance(0.7):
            w.link(kid, "phone", deal, "uses_phone", source=_src(w), at=w.when(n["lo"], n["hi"]))
        if helper and w.chance(0.5):
            w.link(kid, "person", helper, "associate", source=_src(w))
        if kid == runners[0] and w.chance(0.6):
            # Recorded as family: an older cousin drew him in (the author's judgement call).
            w.link(kid, "person", boss, "family", source="return home interview: cousin")
        for _ in range(rng.randint(2, 5)):
            r = rng.random()
            others = [o for o in runners if o != kid]
            if r < 0.45:
                fw = [boss] if w.chance(0.25) else []
                fw += rng.sample(others, 1) if w.chance(0.35) else []
                _ep(w, n, kid, found=trap, found_with=fw, found_by="police, drugs warrant")
            elif r < 0.7:
                _ep(
                    w,
                    n,
                    kid,
                    found=rng.choice(
                        [p for p in w.busy["park"] if w.places[p]["borough"] == TOWNS[4][0]]
                        or w.busy["park"]
                    ),
                    found_with=[helper] if helper and w.chance(0.3) else [],
                )
            else:
                _ep(w, n, kid)
    w.call(
        w.when(n["lo"], n["hi"]),
        "Suspected drug dealing from the address, youngsters on bikes calling at the door.",
        "resident",
        place=trap,
    )


def cse_takeaway(w: World) -> list[str]:
    n = _network(w, "cse", False)
    rng = w.rng
    quill = TOWNS[1]
    takeaway = _place(w, n, "takeaway", "fast_food", "Spice Corner, Quillford", quill)
    guest = _place(w, n, "guest_house", "hotel", "Rosemount Guest House", quill)
    flat = _place(w, n, "party_flat", "home", None, TOWNS[0])
    worker = _adult(w, n, "takeaway_worker", "male", rng.uniform(27, 48), w.home(quill))
    driver = _adult(w, n, "taxi_driver", "male", rng.uniform(33, 56), w.home(quill))
    young = _adult(w, n, "boyfriend", "male", rng.uniform(18.3, 19.9), w.home(quill))
    older = _adult(w, n, "flat_owner", "male", rng.uniform(44, 61), flat)
    men = [worker, driver, young, older]
    if w.chance(0.5):
        extra = _adult(w, n, "associate", "male", rng.uniform(22, 40), w.home(TOWNS[0]))
        men.append(extra)
        w.link(extra, "place", guest, "seen_at", source="Operation Makesafe report")
    cab = w.vehicle("Toyota Prius", "silver")  # the same model as many private hire cars
    car = w.vehicle("BMW 1 Series", "white")
    n["vehicles"] += [cab, car]
    n["phones"] += [w.people[m]["phones"][0] for m in (worker, young)]
    w.link(driver, "vehicle", cab, "in_vehicle", source="licensed private hire")
    w.link(young, "vehicle", car, "in_vehicle", source="ANPR")
    w.link(worker, "place", takeaway, "frequents", source="employer")
    w.link(older, "place", guest, "seen_at", source="Operation Makesafe report")
    targeted = next(iter(w.care))
    girls = _children(w, n, rng.randint(5, 9), (12.5, 17.2), 1.0, care=targeted, care_share=0.55)
    recruiter = _children(w, n, 1, (15.5, 18.8), 1.0)
    n["roles"].update({g: "victim" for g in girls})
    n["roles"].update({g: "recruiter_victim" for g in recruiter})
    everyone = girls + recruiter
    for g in girls:
        if recruiter:
            w.link(g, "person", recruiter[0], "associate", source=_src(w))
    for g in everyone:
        _flag(w, g, ["cse_risk"], 0.6)
        if w.chance(0.7):
            w.link(g, "place", takeaway, "frequents", source=_src(w))
        if w.chance(0.35):
            w.link(g, "person", young, "associate", source="return home interview: boyfriend")
        if w.chance(0.4):
            number = w.people[rng.choice([worker, young])]["phones"][0]
            w.link(g, "phone", number, "uses_phone", source="phone download")
        if w.chance(0.35):
            w.link(g, "vehicle", rng.choice([cab, car]), "in_vehicle", source=_src(w))
        for _ in range(rng.randint(3, 8)):
            r = rng.random()
            others = [o for o in everyone if o != g]
            kw: dict[str, Any] = {}
            if w.chance(0.2):
                kw["last_seen"] = takeaway
            if r < 0.2:
                fw = rng.sample(others, 1) if w.chance(0.3) else []
                fw += [rng.choice(men)] if w.chance(0.2) else []
                kw.update(found=guest, found_with=fw, found_by="police, hotel staff called")
            elif r < 0.4:
                kw.update(found=flat, found_with=[older] if w.chance(0.25) else [])
            elif r < 0.55:
                who = rng.choice([driver, young])
                kw.update(
                    found_text="in a car on " + rng.choice(pop.lists.STREETS),
                    found_with=[who] if w.chance(0.5) else [],
                    found_by="police patrol",
                )
            elif r < 0.7:
                kw.update(found=takeaway, found_with=[worker] if w.chance(0.15) else [])
            _ep(w, n, g, **kw)
    for _ in range(rng.randint(2, 3)):
        w.call(
            w.when(n["lo"], n["hi"]),
            "Operation Makesafe: man paid cash for an isolated "
            "room and went up with two girls who looked about fourteen.",
            "night manager",
            place=guest,
        )
    w.call(
        w.when(n["lo"], n["hi"]),
        "Girls hanging round the takeaway late at night; men giving them free food and lifts.",
        "member of the public",
        place=takeaway,
    )
    # Legitimate guests: a missing adult or two is found at the guest house as well.
    adults = [p for p, i in w.info.items() if i["role"] == "missing_adult"]
    for a in rng.sample(adults, min(len(adults), rng.randint(0, 2))):
        w.episode(a, found=guest, reporter=("relative", "family"))
    return everyone


def cse_hidden(w: World) -> None:
    """A man seen almost only through a phone, a car and his flat: few direct links."""
    n = _network(w, "cse", False)
    rng = w.rng
    town = TOWNS[3]
    flat = _place(w, n, "flat", "home", None, town)
    park = _place(w, n, "car_park", "other", "Slate Row multi-storey car park", town)
    man = _adult(w, n, "groomer", "male", rng.uniform(25, 42), flat)
    driver = _adult(w, n, "driver", "male", rng.uniform(18.1, 19.8), w.home(town))
    car = w.vehicle("Vauxhall Corsa", "red")
    number = w.people[man]["phones"][0]
    n["phones"].append(number)
    n["vehicles"].append(car)
    w.link(driver, "vehicle", car, "in_vehicle", source="ANPR")
    girls = _children(w, n, rng.randint(3, 4), (13.0, 15.9), 1.0)
    for g in girls:
        _flag(w, g, ["cse_risk"], 0.4)
        w.link(g, "phone", number, "uses_phone", source="phone download: messages")
        if w.chance(0.6):
            w.link(g, "vehicle", car, "in_vehicle", source="ANPR and CCTV")
        for _ in range(rng.randint(2, 5)):
            r = rng.random()
            if r < 0.3:
                _ep(w, n, g, found=flat, found_by="police")
            elif r < 0.55:
                _ep(w, n, g, found=park, found_with=[driver] if w.chance(0.3) else [])
            elif r < 0.7:
                _ep(
                    w,
                    n,
                    g,
                    found_text="in a red car at the retail park",
                    found_with=[driver] if w.chance(0.5) else [],
                )
            else:
                _ep(w, n, g)


def peer_exploitation(w: World) -> None:
    n = _network(w, "peer_on_peer", False)
    rng = w.rng
    town = TOWNS[3]
    boss = _adult(w, n, "older_exploiter", "male", rng.uniform(18.2, 19.6), w.home(town))
    garages = _place(w, n, "garages", "other", "Garages behind Rook Street", town, street=False)
    n["places"].append(w.people[boss]["home"])
    n["roles"][w.people[boss]["home"]] = "exploiter_home"
    number = w.people[boss]["phones"][0]
    n["phones"].append(number)
    older = _children(w, n, 2, (16.0, 18.9), 0.0)
    group = next(
        (
            g
            for g in w.groups
            if len([p for p in g if p not in w.taken and 12.5 <= w.info[p]["age"] <= 15.9]) >= 3
        ),
        [],
    )
    younger = _children(w, n, rng.randint(4, 6), (12.5, 15.9), 0.25, pool=group)
    for o in older:
        n["roles"][o] = "older_peer"
        _flag(w, o, ["cce_risk", "weapons"], 0.5)
        w.link(o, "person", boss, "associate", source=_src(w))
        w.link(o, "phone", number, "uses_phone", source="phone download")
    for y in younger:
        n["roles"][y] = "younger_peer"
        _flag(w, y, ["cce_risk"], 0.3)
        w.link(y, "person", rng.choice(older), "associate", source=_src(w))
        for _ in range(rng.randint(2, 5)):
            r = rng.random()
            if r < 0.3:
                _ep(w, n, y, found=garages, found_with=[rng.choice(older)] if w.chance(0.5) else [])
            elif r < 0.55:
                _ep(
                    w,
                    n,
                    y,
                    found=rng.choice(w.busy["shop"]),
                    found_with=[rng.choice(older)],
                    found_by="shopping centre security",
                )
            elif r < 0.7:
                _ep(
                    w,
                    n,
                    y,
                    found=w.people[boss]["home"],
                    found_with=[boss] if w.chance(0.5) else [],
                )
            else:
                _ep(w, n, y)
    for o in older:
        for _ in range(rng.randint(1, 4)):
            _ep(
                w,
                n,
                o,
                found=garages if w.chance(0.5) else w.people[boss]["home"],
                found_with=[boss] if w.chance(0.3) else [],
            )


def sexual_health_worker(w: World, cse_girls: list[str]) -> None:
    """After Rochdale: the clinic outreach worker knows the exploited girls best (protective)."""
    rng = w.rng
    clinic = w.busy["clinic"][0]
    nurse = w.person(
        "female", rng.uniform(32, 58), home=w.home(TOWNS[1]), phones=1, role="sexual_health_worker"
    )
    w.link(nurse, "place", clinic, "frequents", source="employer")
    girls = [g for g in cse_girls if w.chance(0.6)]
    others = [
        p
        for p, i in w.info.items()
        if i["child"]
        and i["sex"] == "female"
        and i["age"] >= 13
        and p not in w.taken
        and "duplicate_of" not in i
    ]
    girls += rng.sample(others, min(len(others), rng.randint(15, 25)))
    for g in girls:
        w.link(
            g,
            "person",
            nurse,
            "professional" if w.chance(0.6) else "associate",
            source="crisis intervention team referral",
        )
        if w.chance(0.3):
            w.link(g, "place", clinic, "seen_at", source="clinic attendance")
    for g in rng.sample(girls, min(len(girls), 2)):
        pop.child_episode(w, g, found=clinic, found_with=[nurse], found_by="clinic staff")
    w.decoys.append(
        {
            "type": "sexual_health_worker",
            "adults": [nurse],
            "place": None,
            "children": girls,
            "protective": True,
        }
    )


def background_flags(w: World) -> None:
    """Ordinary children with exploitation flags too: a flag is not a network."""
    targeted = next(iter(w.care))
    for pid, info in w.info.items():
        if not info["child"] or pid in w.taken or info["age"] < 12:
            continue
        p = 0.25 if info.get("care") == targeted else 0.08 if info.get("care") else 0.025
        if w.chance(p):
            flags = w.people[pid].setdefault("flags", [])
            flags.append(w.rng.choice(["cse_risk", "cce_risk", "drugs", "mental_health"]))


def plant_all(w: World) -> None:
    county_line_out(w)
    county_line_local(w)
    girls = cse_takeaway(w)
    cse_hidden(w)
    peer_exploitation(w)
    sexual_health_worker(w, girls)
    background_flags(w)
