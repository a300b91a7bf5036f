"""The ordinary force area: places, families, schools, friends, care, missing adults, decoys."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

import lists

from world import CARE_BASIS, ETHNICITY, LA_AWAY, LA_HOME, START, World

TOWNS = lists.BOROUGHS
AWAY = lists.OUT_OF_AREA
CARE_HOMES = ["Larkspur House", "Elm Lodge", "Bridgefoot House", "The Willows"]
SUPPORTED = ["Kestrel Court supported lodgings", "Weavers Yard young people's flats"]


def build_places(w: World) -> None:
    rng = w.rng
    for i, town in enumerate(TOWNS):
        name = town[0]
        for s in range(2):
            school = w.place("school", f"{name} {['Academy', 'High School'][s]}", town)
            w.busy["secondary"].append(school)
        w.busy["primary"].append(w.place("school", f"{name} Primary School", town))
        for food in rng.sample(lists.FAST_FOOD, 2):
            w.busy["fast_food"].append(w.place("fast_food", f"{food}, {name}", town))
        for park in rng.sample(lists.PARKS, 1 + (i % 2)):
            w.busy["park"].append(w.place("park", f"{name} {park}", town, street=False))
        if i < 3:
            w.busy["station"].append(w.place("station", f"{name} railway station", town))
        if i in (0, 3):
            w.busy["shop"].append(w.place("shop", f"{name} Shopping Centre", town))
    w.busy["station"].append(w.place("station", "Marrowby bus interchange", TOWNS[0]))
    w.busy["hospital"].append(w.place("hospital", "Blindshire General Hospital", TOWNS[0]))
    w.busy["clinic"].append(w.place("hospital", "Quillford Sexual Health Clinic", TOWNS[1]))
    w.busy["mhu"].append(w.place("mental_health_unit", "Hensgate Mental Health Unit", TOWNS[2]))
    w.busy["hotel"].append(w.place("hotel", "Junction Hotel Marrowby", TOWNS[0]))
    if w.chance(0.5):
        w.busy["hotel"].append(w.place("hotel", "Travel Stop Inn Brackwater", TOWNS[4]))
    w.busy["shelter"].append(w.place("hostel", "St Brigid's Night Shelter", TOWNS[0]))
    for name, town in (
        ("Marrowby Youth Hub", 0),
        ("Hensgate Boxing Club", 2),
        ("Tallow Cross FC clubhouse", 3),
    ):
        w.busy["youth"].append(w.place("other", name, TOWNS[town]))
    for n, town in enumerate(AWAY[:3]):
        w.away["station"].append(w.place("station", f"{town[0]} station", town, away=True))
        if n == 0:
            w.away["park"].append(
                w.place("park", "Saltmere seafront", town, away=True, street=False)
            )
    w.away["station"].append(w.place("station", "Greywick City coach station", AWAY[3], away=True))
    w.away["hospital"].append(w.place("hospital", "Fennick Infirmary", AWAY[2], away=True))
    for n, name in enumerate(CARE_HOMES):
        pid = w.place("care_home", name, TOWNS[n % len(TOWNS)], role="care_home")
        w.care[pid] = {"kind": "care_home", "name": name, "staff": [], "residents": []}
    for n, name in enumerate(SUPPORTED):
        pid = w.place("hostel", name, TOWNS[(n + 2) % len(TOWNS)], role="supported")
        w.care[pid] = {"kind": "supported", "name": name, "staff": [], "residents": []}


def _town(w: World) -> tuple[str, str, tuple[float, float]]:
    return w.pick([(t, wt) for t, wt in zip(TOWNS, [30, 22, 20, 14, 14], strict=True)])


def _school(w: World, town: str, age: float) -> str:
    pool = w.busy["secondary"] if age >= 11 else w.busy["primary"]
    local = [s for s in pool if w.places[s]["borough"] == town]
    return w.rng.choice(local if local and w.chance(0.85) else pool)


def build_families(w: World, target: int) -> None:
    rng = w.rng
    made = 0
    while made < target:
        town = _town(w)
        home = w.home(town)
        fam = rng.choice(lists.FAMILY)
        eth = w.pick(ETHNICITY)
        single = w.chance(0.35)
        mum_age = rng.uniform(29, 52)
        parents = [
            w.person(
                "female", mum_age, home=home, family=fam, ethnicity=eth, phones=1, role="parent"
            )
        ]
        if not single or w.chance(0.15):
            parents.append(
                w.person(
                    "male",
                    mum_age + rng.uniform(-3, 8),
                    home=home,
                    family=fam,
                    ethnicity=eth,
                    phones=1,
                    role="parent",
                )
            )
        n = w.pick([(1, 33), (2, 36), (3, 20), (4, 11)])
        age = rng.triangular(9, 19.4, 17)
        kids = []
        for _ in range(n):
            if made >= target:
                break
            kid_age = min(19.4, max(4.0, age))
            sex = "female" if w.chance(0.49) else "male"
            kid = w.person(
                sex,
                kid_age,
                home=home,
                family=fam,
                ethnicity=eth,
                role="child",
                minor=True,
                phones=1 if kid_age > 11 and w.chance(0.6) else 0,
            )
            w.info[kid]["school"] = _school(w, town[0], kid_age)
            w.info[kid]["household"] = len(w.households)
            kids.append(kid)
            made += 1
            age -= rng.uniform(1.2, 4.5)
        hh: dict[str, Any] = {
            "home": home,
            "parents": parents,
            "children": kids,
            "town": town,
            "extended": [],
        }
        for kid in kids:
            for parent in parents:
                w.link(kid, "person", parent, "family", source="household record")
        for a, b in itertools.pairwise(kids):
            if w.chance(0.3):
                w.link(a, "person", b, "family", source="household record")
        if single and w.chance(0.45):
            away = w.home(rng.choice(AWAY), away=True)
            dad = w.person(
                "male",
                mum_age + rng.uniform(-2, 9),
                home=away,
                family=fam,
                ethnicity=eth,
                phones=1,
                role="separated_parent",
            )
            hh["away_parent"] = dad
            for kid in kids:
                w.link(kid, "person", dad, "family", source="family details")
        if w.chance(0.16):
            gran_home = w.home(_town(w))
            gran = w.person(
                w.pick([("female", 70), ("male", 30)]),
                rng.uniform(58, 82),
                home=gran_home,
                family=fam,
                ethnicity=eth,
                role="grandparent",
            )
            hh["grandparent"] = gran
            for kid in kids:
                w.link(kid, "person", gran, "family", source="family details")
        if w.chance(0.12):
            own = home if w.chance(0.5) else w.home(town)
            sib = w.person(
                w.pick([("female", 50), ("male", 50)]),
                rng.uniform(18.1, 24),
                home=own,
                family=fam,
                ethnicity=eth,
                phones=1,
                role="older_sibling",
            )
            hh["older_sibling"] = sib
            for kid in kids:
                w.link(kid, "person", sib, "family", source="family details")
        w.households.append(hh)
    # Cousins: a few households are related.
    for hh in w.rng.sample(w.households, len(w.households) // 12):
        other = w.rng.choice(w.households)
        if other is hh or not hh["children"] or not other["children"]:
            continue
        a, b = w.rng.choice(hh["children"]), w.rng.choice(other["children"])
        w.link(a, "person", b, "family", source="cousin, family details")
        hh.setdefault("cousins", []).append(b)


def _lac(w: World, pid: str) -> None:
    rec = w.people[pid]
    rec["looked_after"] = True
    rec["care_basis"] = w.pick(CARE_BASIS)
    rec["local_authority"] = LA_HOME if w.chance(0.7) else LA_AWAY


def build_care(w: World) -> None:
    rng = w.rng
    for pid, home in w.care.items():
        supported = home["kind"] == "supported"
        town = next(t for t in TOWNS if t[0] == w.places[pid]["borough"])
        for _ in range(3 if supported else rng.randint(5, 7)):
            staff_home = w.home(_town(w))
            staff = w.person(
                w.pick([("female", 60), ("male", 40)]),
                rng.uniform(21, 62),
                home=staff_home,
                phones=1,
                role="care_staff",
            )
            home["staff"].append(staff)
            w.link(staff, "place", pid, "frequents", source="staff rota")
        for _ in range(rng.randint(6, 8) if supported else rng.randint(7, 10)):
            age = rng.uniform(16.05, 19.3) if supported else rng.triangular(12, 19.2, 17)
            sex = w.pick([("male", 56), ("female", 44)])
            if pid == next(iter(w.care)):  # the home the CSE network targets: more girls
                sex = w.pick([("female", 70), ("male", 30)])
            kid = w.person(
                sex, age, home=pid, role="looked_after", phones=int(w.chance(0.7)), minor=True
            )
            _lac(w, kid)
            w.info[kid]["school"] = _school(w, town[0], age)
            w.info[kid]["care"] = pid
            home["residents"].append(kid)
            for staff in rng.sample(home["staff"], min(len(home["staff"]), rng.randint(3, 5))):
                kind = "associate" if w.chance(0.3) else "carer"
                w.link(
                    kid,
                    "person",
                    staff,
                    kind,
                    source=rng.choice(
                        ["placement record", "Philomena profile", "return home interview"]
                    ),
                )
            if w.chance(0.4):
                mum_home = w.home(rng.choice(AWAY + TOWNS[:2]), away=w.chance(0.5))
                mum = w.person(
                    "female",
                    age + rng.uniform(17, 30),
                    home=mum_home,
                    family=w.people[kid]["family_name"],
                    phones=1,
                    role="birth_parent",
                )
                w.link(kid, "person", mum, "family", source="care plan")
                w.info[kid]["birth_parent"] = mum
    for carer_staff in [s for h in w.care.values() for s in h["staff"]]:
        w.decoys.append(
            {
                "type": "care_home_staff",
                "adults": [carer_staff],
                "place": None,
                "children": [],
                "protective": True,
            }
        )
    for pid, home in w.care.items():
        w.decoys.append(
            {
                "type": "care_home" if home["kind"] == "care_home" else "supported_accommodation",
                "adults": [],
                "place": pid,
                "children": [],
                "protective": True,
            }
        )
    # Foster carers, several children each over the two years.
    w.fosters: list[dict[str, Any]] = []
    for _ in range(max(12, w.n_children // 40)):
        town = _town(w)
        fhome = w.place("foster_home", None, town)
        fam = rng.choice(lists.FAMILY)
        carers = [
            w.person(
                "female", rng.uniform(38, 66), home=fhome, family=fam, phones=1, role="foster_carer"
            )
        ]
        if w.chance(0.6):
            carers.append(
                w.person(
                    "male",
                    rng.uniform(38, 68),
                    home=fhome,
                    family=fam,
                    phones=1,
                    role="foster_carer",
                )
            )
        kids = []
        for _ in range(rng.randint(1, 4)):
            age = rng.uniform(6, 19.2)
            kid = w.person(
                w.pick([("male", 52), ("female", 48)]),
                age,
                home=fhome,
                role="looked_after",
                phones=int(age > 12 and w.chance(0.6)),
                minor=True,
            )
            _lac(w, kid)
            w.info[kid]["school"] = _school(w, town[0], age)
            w.info[kid]["foster"] = fhome
            kids.append(kid)
            for c in carers:
                w.link(kid, "person", c, "carer", source="placement record")
        w.fosters.append({"home": fhome, "carers": carers, "children": kids})
        w.decoys.append(
            {
                "type": "foster_carer",
                "adults": carers,
                "place": fhome,
                "children": [],
                "protective": True,
            }
        )
    # Some care-home residents were fostered earlier by one of these carers.
    for home in w.care.values():
        for kid in home["residents"]:
            if w.chance(0.25):
                f = rng.choice(w.fosters)
                for c in f["carers"]:
                    w.link(
                        kid,
                        "person",
                        c,
                        "carer",
                        source="previous placement",
                        at=w.when(START, START + timedelta(days=300)),
                    )
                f["children"].append(kid)
    # Social workers with caseloads.
    lac = [p for p, i in w.info.items() if w.people[p].get("looked_after")]
    w.social_workers = []
    for _ in range(max(5, len(lac) // 16)):
        sw = w.person(
            w.pick([("female", 75), ("male", 25)]),
            rng.uniform(24, 60),
            home=w.home(_town(w)),
            phones=1,
            role="social_worker",
        )
        w.social_workers.append(sw)
    for kid in lac:
        for sw in rng.sample(w.social_workers, 1 + int(w.chance(0.3))):
            w.link(
                kid,
                "person",
                sw,
                "associate" if w.chance(0.2) else "professional",
                source="allocated social worker",
            )
            w.info[kid].setdefault("social_workers", []).append(sw)
    for sw in w.social_workers:
        w.decoys.append(
            {
                "type": "social_worker",
                "adults": [sw],
                "place": None,
                "children": [],
                "protective": True,
            }
        )


def build_friends(w: World) -> None:
    """Friend groups at each secondary school (children of 12 and over)."""
    by_school: dict[str, list[str]] = {}
    for pid, info in w.info.items():
        if info["child"] and info.get("school") in w.busy["secondary"] and info["age"] >= 12:
            by_school.setdefault(info["school"], []).append(pid)
    for kids in by_school.values():
        w.rng.shuffle(kids)
        pool = kids[: int(len(kids) * 0.6)]
        while len(pool) >= 3:
            size = min(len(pool), w.rng.randint(3, 6))
            group, pool = pool[:size], pool[size:]
            w.groups.append(group)
            for i, a in enumerate(group):
                w.info[a]["group"] = len(w.groups) - 1
                for b in group[i + 1 :]:
                    if w.chance(0.55):
                        w.link(
                            a,
                            "person",
                            b,
                            "associate",
                            source=w.rng.choice(
                                ["return home interview", "school", "friend named by parent"]
                            ),
                        )


def _episode_count(w: World, info: dict[str, Any]) -> int:
    if info.get("care") and w.care[info["care"]]["kind"] == "care_home":
        table = [(1, 16), (2, 13), (3, 11), (4, 10), (5, 9), (7, 12), (10, 13), (16, 10), (26, 6)]
    elif info.get("care") or info.get("foster"):
        table = [(1, 35), (2, 20), (3, 14), (4, 9), (6, 10), (9, 8), (14, 4)]
    else:
        table = [(1, 54), (2, 18), (3, 9), (4, 6), (6, 6), (9, 4), (14, 2), (20, 1)]
    return w.pick(table)


def will_go_missing(w: World, pid: str) -> bool:
    info = w.info[pid]
    if info.get("care"):
        return w.chance(0.85)
    if info.get("foster"):
        return w.chance(0.45 if info["age"] >= 11 else 0.08)
    age = info["age"]
    return w.chance(0.78 if age >= 15 else 0.45 if age >= 13.5 else 0.12 if age >= 11 else 0.02)


def reporter_for(w: World, pid: str) -> tuple[str, str]:
    info = w.info[pid]
    if info.get("care"):
        staff = w.rng.choice(w.care[info["care"]]["staff"])
        return (
            _name(w, staff),
            "care home staff" if w.care[info["care"]]["kind"] == "care_home" else "key worker",
        )
    if info.get("foster"):
        return ("foster carer", "foster carer")
    hh = w.households[info["household"]] if "household" in info else None
    if hh:
        parent = w.rng.choice(hh["parents"])
        return (_name(w, parent), "mother" if w.info[parent]["sex"] == "female" else "father")
    return ("member of the public", "other")


def _name(w: World, pid: str) -> str:
    rec = w.people[pid]
    return f"{rec.get('given_name', '')} {rec.get('family_name', '')}".strip()


def base_of(w: World, pid: str) -> str | None:
    return w.people[pid].get("home")


def ordinary_found(w: World, pid: str) -> dict[str, Any]:
    """Where an ordinary missing child is found: home, friends, busy places, family."""
    info = w.info[pid]
    hh = w.households[info["household"]] if "household" in info else None
    r = w.rng.random()
    out: dict[str, Any] = {}
    if r < 0.38:
        out["found"] = base_of(w, pid)
        out["found_by"] = "returned by themselves"
    elif r < 0.385:
        out["found"] = w.busy["hotel"][0]  # staying with a relative; seldom for a child
        out["found_by"] = "hotel staff"
    elif r < 0.62:
        kind = w.pick(
            [
                ("fast_food", 25),
                ("park", 25),
                ("shop", 20),
                ("station", 15),
                ("hospital", 5),
                ("secondary", 10),
            ]
        )
        out["found"] = w.rng.choice(w.busy[kind])
        out["found_by"] = "police patrol"
    elif r < 0.72 and hh and (hh.get("grandparent") or hh.get("away_parent")):
        rel = hh.get("grandparent") or hh.get("away_parent")
        if hh.get("away_parent") and hh.get("grandparent") and w.chance(0.5):
            rel = hh["away_parent"]
        out["found"] = w.people[rel]["home"]
        if w.chance(0.45):
            out["found_with"] = [rel]
        out["found_by"] = "family"
    elif r < 0.80 and hh and hh.get("older_sibling"):
        sib = hh["older_sibling"]
        out["found"] = w.people[sib]["home"]
        out["found_with"] = [sib] if w.chance(0.5) else []
    elif r < 0.90 and info.get("group") is not None:
        friend = w.rng.choice(w.groups[info["group"]])
        out["found"] = base_of(w, friend)
        out["found_with"] = [friend] if friend != pid and w.chance(0.5) else []
    else:
        out["found_text"] = w.rng.choice(
            [
                "in the street near home",
                "at a friend's house",
                "walking along the canal towpath",
                "in the town centre",
                "at a party in the area",
            ]
        )
    return out


def ordinary_episodes(w: World) -> None:
    children = [p for p, i in w.info.items() if i["child"] and "duplicate_of" not in i]
    w.missing_children = []
    for pid in children:
        if not will_go_missing(w, pid):
            continue
        w.missing_children.append(pid)
        n = _episode_count(w, w.info[pid])
        w.info[pid]["planned"] = n
    # Brothers and sisters go missing together more often.
    for hh in w.households:
        missing = [k for k in hh["children"] if "planned" in w.info[k]]
        if missing:
            for k in hh["children"]:
                if "planned" not in w.info[k] and w.info[k]["age"] >= 13 and w.chance(0.35):
                    w.info[k]["planned"] = _episode_count(w, w.info[k])
                    w.missing_children.append(k)
    for pid in w.missing_children:
        if w.chance(0.03):
            w.info[pid]["alias"] = w.duplicate(pid)
    for pid in w.missing_children:
        for _ in range(w.info[pid]["planned"]):
            child_episode(w, pid)


def child_episode(w: World, pid: str, **over: Any) -> str:
    info = w.info[pid]
    record = pid
    if info.get("alias") and w.chance(0.35):
        record = info["alias"]
    args: dict[str, Any] = {
        "last_seen": base_of(w, pid) if w.chance(0.6) else _school_or(w, pid),
        "reporter": reporter_for(w, pid),
    }
    if "found" not in over and "found_text" not in over:
        args.update(ordinary_found(w, pid))
    if info.get("care"):
        home = w.care[info["care"]]
        if w.chance(0.16):
            args["found_with"] = [*args.get("found_with", []), w.rng.choice(home["staff"])]
            args["found_by"] = "collected by care staff"
    if info.get("foster") and w.chance(0.1):
        f = next(f for f in w.fosters if f["home"] == info["foster"])
        args["found_with"] = [*args.get("found_with", []), w.rng.choice(f["carers"])]
        args["found_by"] = "collected by foster carer"
    if info.get("taxi") and w.chance(0.12):
        args["found_with"] = [*args.get("found_with", []), info["taxi"]]
        args["found_by"] = "placement taxi driver brought them back"
    if info.get("youth_worker") and w.chance(0.04):
        args["found_with"] = [*args.get("found_with", []), info["youth_worker"]]
        args["found_by"] = "youth worker"
    if info.get("social_workers") and w.chance(0.03):
        args["found_with"] = [*args.get("found_with", []), info["social_workers"][0]]
    args.update(over)
    if not args.get("found") and not args.get("found_text"):
        args.pop("found", None)
    return w.episode(record, **args)


def _school_or(w: World, pid: str) -> str | None:
    return w.info[pid].get("school") or base_of(w, pid)


def friend_outings(w: World) -> None:
    """Friends missing the same night, found together, often at one of their homes."""
    for group in w.groups:
        if not w.chance(0.45):
            continue
        host = w.rng.choice(group)
        hh = w.households[w.info[host]["household"]] if "household" in w.info[host] else None
        at_home = hh is not None and w.chance(0.6)
        members: set[str] = set()
        for _ in range(w.rng.randint(1, 3)):
            out = w.rng.sample(group, w.rng.randint(2, min(4, len(group))))
            hours = w.hours(child=True)
            t = w.slot(out[0], hours)
            for kid in out[1:]:
                w.slots[w.identity[kid]].append((t, t + timedelta(hours=hours + 24)))
            out = [k for k in out if w.info[k]["until"] > t + timedelta(hours=hours + 1)]
            for kid in out:
                others = [o for o in out if o != kid]
                fw = others if w.chance(0.7) else []
                if at_home and hh:
                    place = hh["home"]
                    if w.chance(0.35):
                        fw = [*fw, w.rng.choice(hh["parents"])]
                else:
                    place = w.rng.choice(w.busy["park"] + w.busy["fast_food"] + w.busy["shop"])
                child_episode(
                    w,
                    kid,
                    at=t + timedelta(minutes=w.rng.randint(0, 50)),
                    hours=hours,
                    found=place,
                    found_with=fw,
                    found_text=None,
                    found_by="police patrol",
                )
                members.add(kid)
        if at_home and hh:
            w.decoys.append(
                {
                    "type": "friends_house_parent",
                    "adults": list(hh["parents"]),
                    "place": hh["home"],
                    "children": sorted(members),
                    "protective": True,
                }
            )


def household_decoys(w: World) -> None:
    went = {w.identity[e["person"]] for e in w.episodes}
    for hh in w.households:
        missing = [k for k in hh["children"] if w.identity[k] in went]
        if len(missing) >= 2:
            w.decoys.append(
                {
                    "type": "parents_of_siblings",
                    "adults": list(hh["parents"]),
                    "place": hh["home"],
                    "children": missing,
                    "protective": True,
                }
            )
            if w.chance(0.12):
                number = w.people[hh["parents"][0]]["phones"][0]
                for k in missing:
                    w.link(k, "phone", number, "uses_phone", source="household phone")
                w.decoys.append(
                    {
                        "type": "shared_household_phone",
                        "adults": [],
                        "place": None,
                        "phone": number,
                        "children": missing,
                        "protective": True,
                    }
                )
        for role in ("grandparent", "away_parent", "older_sibling"):
            if hh.get(role) and missing:
                w.decoys.append(
                    {
                        "type": {"away_parent": "separated_parent_out_of_area"}.get(role, role),
                        "adults": [hh[role]],
                        "place": w.people[hh[role]]["home"],
                        "children": missing,
                        "protective": True,
                    }
                )
        for cousin in hh.get("cousins", []):
            w.decoys.append(
                {
                    "type": "cousin",
                    "adults": [],
                    "place": None,
                    "children": [cousin],
                    "protective": True,
                }
            )


def youth_and_transport(w: World) -> None:
    rng = w.rng
    teens = [
        p for p, i in w.info.items() if i["child"] and i["age"] >= 11 and "duplicate_of" not in i
    ]
    for venue, label in zip(
        w.busy["youth"], ["youth worker", "boxing coach", "football coach"], strict=True
    ):
        worker = w.person(
            w.pick([("male", 60), ("female", 40)]),
            rng.uniform(24, 55),
            home=w.home(_town(w)),
            phones=1,
            role="youth_worker",
        )
        kids = rng.sample(teens, min(len(teens), rng.randint(22, 40)))
        for kid in kids:
            w.link(
                kid,
                "person",
                worker,
                "professional" if w.chance(0.5) else "associate",
                source=label,
            )
            w.info[kid]["youth_worker"] = worker
            if w.chance(0.6):
                w.link(kid, "place", venue, "frequents", source=label)
        w.link(worker, "place", venue, "frequents", source="employer")
        w.youth_workers = [*getattr(w, "youth_workers", []), (worker, venue, kids)]
        w.decoys.append(
            {
                "type": "youth_worker",
                "adults": [worker],
                "place": None,
                "children": kids,
                "protective": True,
                "role": label,
            }
        )
    # A contracted taxi for one placement: school runs for the children living there.
    care = [h for h in w.care.values() if h["kind"] == "care_home"][1]
    driver = w.person(
        "male", rng.uniform(35, 62), home=w.home(_town(w)), phones=1, role="taxi_driver"
    )
    cab = w.vehicle("Skoda Octavia", "silver")
    w.link(driver, "vehicle", cab, "in_vehicle", source="licensed private hire, council contract")
    riders = care["residents"][: rng.randint(2, 4)]
    for kid in riders:
        w.info[kid]["taxi"] = driver
        w.link(kid, "person", driver, "associate", source="school transport contract")
        w.link(kid, "vehicle", cab, "in_vehicle", source="school transport contract")
    w.taxi = (driver, cab, riders)
    w.decoys.append(
        {
            "type": "placement_taxi_driver",
            "adults": [driver],
            "place": None,
            "vehicle": cab,
            "children": riders,
            "protective": True,
        }
    )


def missing_adults(w: World) -> None:
    rng = w.rng
    n = int(w.n_children * 0.5)
    parents = [p for p, i in w.info.items() if i["role"] == "parent"]
    for _ in range(n):
        if w.chance(0.08) and parents:
            pid = rng.choice(parents)
        else:
            age = w.pick(
                [(rng.uniform(18, 39), 45), (rng.uniform(40, 64), 38), (rng.uniform(65, 92), 17)]
            )
            pid = w.person(
                w.pick([("male", 58), ("female", 42)]),
                age,
                home=w.home(_town(w)),
                phones=int(age < 75),
                role="missing_adult",
            )
            flags = []
            if age > 70 and w.chance(0.5):
                flags.append("dementia")
            if w.chance(0.6):
                flags.append("mental_health")
            if w.chance(0.15):
                flags.append("self_harm")
            if w.chance(0.08):
                flags.append("drugs")
            if flags:
                w.people[pid]["flags"] = flags
        for _ in range(w.pick([(1, 72), (2, 17), (3, 6), (5, 4), (9, 1)])):
            r = rng.random()
            last = (
                w.busy["hospital"][0]
                if r < 0.15
                else w.busy["mhu"][0]
                if r < 0.25
                else w.people[pid].get("home")
            )
            f = rng.random()
            found: dict[str, Any] = {}
            if f < 0.30:
                found["found"] = w.people[pid].get("home")
            elif f < 0.42:
                found["found"] = rng.choice(w.busy["hotel"])
            elif f < 0.55:
                found["found"] = rng.choice(w.busy["station"] + w.away["station"])
            elif f < 0.65:
                found["found"] = rng.choice(w.busy["hospital"] + w.away["hospital"])
            elif f < 0.72:
                found["found"] = w.busy["shelter"][0]
            elif f < 0.80:
                found["found"] = rng.choice(w.busy["park"] + w.away["park"])
            else:
                found["found_text"] = rng.choice(
                    [
                        "on the moor road",
                        "at a friend's flat",
                        "in their car at a lay-by",
                        "at work",
                        "at the reservoir car park",
                    ]
                )
            w.episode(
                pid,
                last_seen=last,
                reporter=("relative", "family"),
                circumstances=rng.choice(
                    [
                        "Did not return home.",
                        "Left the ward.",
                        "Missed medication.",
                        "After an argument.",
                        "Left a note.",
                    ]
                ),
                **found,
            )
    w.decoys.append(
        {
            "type": "ordinary_hotel",
            "adults": [],
            "place": w.busy["hotel"][0],
            "children": [],
            "protective": False,
        }
    )
    if len(w.busy["hotel"]) > 1:
        w.decoys.append(
            {
                "type": "ordinary_hotel",
                "adults": [],
                "place": w.busy["hotel"][1],
                "children": [],
                "protective": False,
            }
        )


def busy_place_decoys(w: World) -> None:
    for kind in (
        "secondary",
        "primary",
        "fast_food",
        "park",
        "station",
        "shop",
        "hospital",
        "clinic",
        "mhu",
        "youth",
        "shelter",
    ):
        for pid in w.busy[kind]:
            w.decoys.append(
                {
                    "type": "busy_place",
                    "adults": [],
                    "place": pid,
                    "children": [],
                    "protective": False,
                    "place_type": w.places[pid]["type"],
                }
            )
    for kind in ("station", "park", "hospital"):
        for pid in w.away[kind]:
            w.decoys.append(
                {
                    "type": "busy_place_out_of_area",
                    "adults": [],
                    "place": pid,
                    "children": [],
                    "protective": False,
                }
            )


def noise_calls(w: World) -> None:
    rng = w.rng
    texts = [
        ("Youths gathering and being noisy, no offences seen.", "park"),
        ("Shoplifting, two teenagers detained by security.", "shop"),
        ("Concern for a man sitting on the platform edge.", "station"),
        ("Fight outside the takeaway, parties gone on arrival.", "fast_food"),
        ("Pupil left the site without permission, school worried.", "secondary"),
        ("Patient absconded from the ward, assessed as vulnerable.", "hospital"),
        ("Guest found unresponsive in room, ambulance called.", "hotel"),
        ("Resident returned intoxicated, staff want advice.", "shelter"),
    ]
    for _ in range(w.n_children // 5):
        narrative, kind = rng.choice(texts)
        w.call(
            w.when(),
            narrative,
            rng.choice(["member of the public", "security officer", "staff", "manager"]),
            place=rng.choice(w.busy[kind]),
        )
    for _ in range(w.n_children // 30):
        home = rng.choice(list(w.care))
        w.call(
            w.when(),
            "Young person not returned by curfew, staff reporting as missing.",
            "care home staff",
            place=home,
        )


CARS = [
    ("Ford Fiesta", "blue"),
    ("Vauxhall Astra", "silver"),
    ("Nissan Qashqai", "grey"),
    ("Toyota Yaris", "red"),
    ("Kia Sportage", "white"),
    ("VW Polo", "black"),
    ("Peugeot 208", "white"),
    ("Toyota Prius", "silver"),
    ("BMW 1 Series", "black"),
    ("Audi A3", "grey"),
]


def ordinary_links(w: World) -> None:
    """Cars, phones and sightings of ordinary people, so none of these kinds marks a network."""
    rng = w.rng
    went = {w.identity[e["person"]] for e in w.episodes}
    for hh in w.households:
        if w.chance(0.3):
            car = w.vehicle(*rng.choice(CARS))
            w.link(hh["parents"][0], "vehicle", car, "in_vehicle", source="vehicle keeper")
            for kid in hh["children"]:
                if w.identity[kid] in went and w.chance(0.12):
                    w.link(kid, "vehicle", car, "in_vehicle", source="stop check with parent")
        sib = hh.get("older_sibling")
        if sib and w.chance(0.35):
            car = w.vehicle(*rng.choice(CARS))
            w.link(sib, "vehicle", car, "in_vehicle", source="vehicle keeper")
            for kid in hh["children"]:
                if w.chance(0.25):
                    w.link(kid, "vehicle", car, "in_vehicle", source="ANPR, with older sibling")
    for pid, home in w.care.items():
        bus = w.vehicle("Ford Transit minibus", "white")
        for staff in home["staff"]:
            if w.chance(0.6):
                w.link(staff, "vehicle", bus, "in_vehicle", source="home minibus")
        for kid in home["residents"]:
            if w.chance(0.4):
                w.link(kid, "vehicle", bus, "in_vehicle", source="home minibus")
        mobile = w.phone()
        users = [k for k in home["residents"] if w.chance(0.45)]
        for kid in users:
            w.link(kid, "phone", mobile, "uses_phone", source="rang the home's mobile")
        for staff in home["staff"][:2]:
            w.link(staff, "phone", mobile, "uses_phone", source="home's mobile")
        w.decoys.append(
            {
                "type": "care_home_phone",
                "adults": [],
                "place": pid,
                "phone": mobile,
                "children": users,
                "protective": True,
            }
        )
    for f in w.fosters:
        if w.chance(0.5):
            car = w.vehicle(*rng.choice(CARS))
            w.link(f["carers"][0], "vehicle", car, "in_vehicle", source="vehicle keeper")
            for kid in f["children"]:
                if w.chance(0.3):
                    w.link(kid, "vehicle", car, "in_vehicle", source="ANPR, with foster carer")
    for pid, info in list(w.info.items()):
        rec = w.people[pid]
        if info["role"] == "missing_adult" and w.chance(0.15):
            car = w.vehicle(*rng.choice(CARS))
            w.link(pid, "vehicle", car, "in_vehicle", source="vehicle keeper")
        if not info["child"] or w.identity[pid] not in went:
            continue
        if rec.get("phones") and w.chance(0.3):
            w.link(pid, "phone", rec["phones"][0], "uses_phone", source="missing person report")
        if info.get("group") is not None and w.chance(0.08):
            friend = rng.choice(w.groups[info["group"]])
            if friend != pid and w.people[friend].get("phones"):
                w.link(
                    pid,
                    "phone",
                    w.people[friend]["phones"][0],
                    "uses_phone",
                    source="borrowed a friend's phone while missing",
                )
        if w.chance(0.3):
            kind = rng.choice(["fast_food", "park", "shop", "station"])
            w.link(pid, "place", rng.choice(w.busy[kind]), "seen_at", source="CCTV or stop check")
