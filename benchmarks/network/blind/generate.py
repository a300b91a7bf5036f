"""Blind scenario generator for Harbour's exploitation-network detector (synthetic data only).

    python benchmarks/network/blind/generate.py --seed 1 --out /tmp/blind-1/data [--children 1200]

Writes Harbour import files (JSON lines, in dependency order) and truth.json. Standard library
only; written without reading Harbour's detector, simulator or the other generator (README.md).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import plant
import population as pop

from world import END, World


def build(seed: int, children: int) -> World:
    w = World(seed, children)
    pop.build_places(w)
    pop.build_care(w)
    have = sum(1 for i in w.info.values() if i["child"])
    pop.build_families(w, max(0, children - have))
    pop.build_friends(w)
    pop.youth_and_transport(w)
    pop.ordinary_episodes(w)
    pop.friend_outings(w)
    pop.missing_adults(w)
    plant.plant_all(w)
    pop.household_decoys(w)
    pop.ordinary_links(w)
    pop.busy_place_decoys(w)
    pop.noise_calls(w)
    _previous_episodes(w)
    return w


def _previous_episodes(w: World) -> None:
    """Count earlier episodes in time order (they were generated in another order)."""
    by_identity: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in w.episodes:
        by_identity[w.identity[e["person"]]].append(e)
    for eps in by_identity.values():
        eps.sort(key=lambda e: e["last_seen_at"])
        for n, e in enumerate(eps):
            e["risk_answers"]["previous_episodes"] = n


def _links(w: World) -> dict[str, set[tuple[str, str]]]:
    """Everything each person record touches: people, places, phones, vehicles."""
    out: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for pid, rec in w.people.items():
        if rec.get("home"):
            out[pid].add(("place", rec["home"]))
        for number in rec.get("phones", []):
            out[pid].add(("phone", _e164(number)))
    for a in w.assocs:
        ((kind, target),) = a["object"].items()
        target = _e164(target) if kind == "phone" else target
        out[a["subject"]].add((kind, target))
        if kind == "person":
            out[target].add(("person", a["subject"]))
    for e in w.episodes:
        for key in ("last_seen_place", "found_place"):
            if e.get(key):
                out[e["person"]].add(("place", e[key]))
        for other in e.get("found_with", []):
            out[e["person"]].add(("person", other))
            out[other].add(("person", e["person"]))
    return out


def _e164(number: str) -> str:
    return "+44" + number[1:] if number.startswith("0") else number


def truth(w: World) -> dict[str, Any]:
    episodes: Counter[str] = Counter(w.identity[e["person"]] for e in w.episodes)
    child_ids = {w.identity[p] for p, i in w.info.items() if i["child"]}
    records: dict[str, list[str]] = defaultdict(list)
    for rec, ident in w.identity.items():
        records[ident].append(rec)
    links = _links(w)
    networks = []
    for n in w.networks:
        kids = {w.identity[c] for c in n["children"] if episodes[w.identity[c]]}
        kid_records = {r for k in kids for r in records[k]}
        touched = set().union(*(links[r] for r in kid_records)) if kid_records else set()
        shared = {t for t in touched if t[0] != "person"}
        adults = [a for a in n["adults"] if ("person", a) in touched or links[a] & shared]
        places = [p for p in n["places"] if ("place", p) in touched]
        networks.append(
            {
                "id": n["id"],
                "type": n["type"],
                "county_lines": n["county_lines"],
                "adults": adults,
                "places": places,
                "children": sorted(kids),
                "child_records": sorted(kid_records),
                "phones": [_e164(p) for p in n["phones"]],
                "vehicles": n["vehicles"],
                "roles": {
                    k: v
                    for k, v in n["roles"].items()
                    if k in adults or k in places or k in n["children"]
                },
                "active": [n["lo"].date().isoformat(), n["hi"].date().isoformat()],
                "adults_direct": [a for a in adults if ("person", a) in touched],
            }
        )
    missing_child_records = [
        r for r in w.identity if w.identity[r] in child_ids and episodes[w.identity[r]]
    ]
    decoys = []
    for d in w.decoys:
        d = dict(d)
        kids = set(d["children"])
        if not kids and d["adults"]:  # the children the adult is linked to, by any record
            kids = {
                r
                for r in missing_child_records
                if any(("person", a) in links[r] for a in d["adults"])
            }
        d["children"] = sorted({w.identity[c] for c in kids if episodes[w.identity[c]]})
        decoys.append(d)
    protective = sorted({a for d in decoys if d.get("protective") for a in d["adults"]})
    return {
        "generator": "benchmarks/network/blind",
        "seed": w.seed,
        "end": END.date().isoformat(),
        "identities": dict(sorted(w.identity.items())),
        "networks": networks,
        "decoys": decoys,
        "protective_adults": protective,
        "child_episode_counts": {k: v for k, v in sorted(episodes.items()) if k in child_ids},
        "adult_episode_counts": {k: v for k, v in sorted(episodes.items()) if k not in child_ids},
    }


def write(w: World, out: Path) -> dict[str, int]:
    out.mkdir(parents=True, exist_ok=True)
    # Shuffled within each file so that the order records were made in tells nothing.
    places, vehicles, people, assocs = (
        list(w.places.values()),
        list(w.vehicles.values()),
        list(w.people.values()),
        list(w.assocs),
    )
    for rows in (places, vehicles, people, assocs):
        w.rng.shuffle(rows)
    files = [
        ("1-places.jsonl", places),
        ("2-vehicles.jsonl", vehicles),
        ("3-people.jsonl", people),
        ("4-episodes.jsonl", sorted(w.episodes, key=lambda e: e["reported_at"])),
        ("5-calls.jsonl", sorted(w.calls, key=lambda c: c["received_at"])),
        ("6-associations.jsonl", assocs),
    ]
    sizes = {}
    for name, rows in files:
        with (out / name).open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
        sizes[name] = len(rows)
    with (out / "truth.json").open("w", encoding="utf-8") as fh:
        json.dump(truth(w), fh, ensure_ascii=False, indent=1, sort_keys=True)
        fh.write("\n")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--children", type=int, default=1200)
    args = parser.parse_args(argv)
    w = build(args.seed, args.children)
    sizes = write(w, args.out)
    t = json.loads((args.out / "truth.json").read_text(encoding="utf-8"))
    kids = len(t["child_episode_counts"])
    print(
        json.dumps(
            {
                "seed": args.seed,
                **sizes,
                "children_missing": kids,
                "child_episodes": sum(t["child_episode_counts"].values()),
                "networks": [
                    (n["type"], len(n["adults"]), len(n["places"]), len(n["children"]))
                    for n in t["networks"]
                ],
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
