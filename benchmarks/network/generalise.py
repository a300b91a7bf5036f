"""Does the exploitation detector find what it was not shaped on? (issue 19)

For each generator and seed: generate, import into a fresh SQLite file with the real importer,
run `network.analyse` as of the generator's end date, and score the alerts against the
generator's truth:

- recall of the planted adults (common_associate subjects) and places (hotspot subjects);
- precision in the top k: of the k highest-scored adult and place alerts, k being the number of
  planted adults and places, the share that are planted;
- decoys in the top k: protective adults (care staff, foster carers, parents, friends' house
  hosts, youth workers, relatives) and busy or ordinary places named as subject there.

Generators:
- `simulator`: `harbour simulate` (Harbour's own, which the detector was first written on);
- `independent`: `benchmarks/network/independent/generate.py` (written by a helper who had not
  read the detector; the detector's structural rules were developed on its seeds 11 to 13, so
  report it on other seeds);
- `blind`: `benchmarks/network/blind/generate.py` (written by a second helper who had read
  neither the detector nor the other generators; never tuned on at any seed).

Usage (from the repository root):
    .venv/bin/python benchmarks/network/generalise.py --generator independent --seeds 1 2 3 \
        --generator blind --seeds 1 2 3 --out benchmarks/network/generalise.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from quality import _alerts, score

ROOT = Path(__file__).resolve().parents[2]
WORK = Path(os.environ.get("HARBOUR_BENCH_WORK", "/tmp/netbench/generalise"))
END = datetime(2026, 11, 27, 23, 0, tzinfo=UTC)
# Decoy types of the generators that are people who look after or are related to children.
PROTECTIVE = (
    "care_home_staff", "parents_of_siblings", "foster_carer", "social_worker",
    "friends_house_parent", "older_sibling", "cousin", "grandparent", "parent_out_of_area",
    "separated_parent_out_of_area", "youth_worker", "sexual_health_worker",
)  # fmt: skip
BUSY = ("busy_place", "busy_place_out_of_area", "ordinary_hotel")


def _run(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


def prepare(generator: str, seed: int) -> tuple[Path, dict[str, Any]]:
    """A fresh SQLite database holding the generator's data for this seed, and its truth."""
    folder = WORK / f"{generator}-{seed}"
    data, db = folder / "data", folder / "harbour.db"
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("harbour.db*"):
        stale.unlink()
    env = {
        **os.environ,
        "HARBOUR_DATABASE_URL": f"sqlite:///{db}",
        "HARBOUR_LOG_JSON": "false",
        "HARBOUR_IDENTITY_MODEL_PATH": str(folder / "model.json"),
    }
    harbour = [sys.executable, "-m", "harbour.cli"]
    if generator == "simulator":
        simulate = ["simulate", "--scale", "borough", "--seed", str(seed), "--as-of", "2026-11-27"]
        _run([*harbour, *simulate, "--out", str(data)], env)
    else:
        script = ROOT / "benchmarks" / "network" / generator / "generate.py"
        _run([sys.executable, str(script), "--seed", str(seed), "--out", str(data)], env)
    _run([*harbour, "db", "upgrade"], env)
    _run([*harbour, "orgs", "create", "Synthetic Constabulary"], env)
    _run([*harbour, "import", str(data), "--report", str(folder / "rejected.jsonl")], env)
    return db, json.loads((data / "truth.json").read_text())


def top_k(alerts: list[dict[str, Any]], truth: dict[str, Any]) -> dict[str, Any]:
    planted = {a for n in truth["networks"] for a in n["adults"]} | {
        p for n in truth["networks"] for p in n["places"]
    }
    ranked = [a for a in alerts if a["kind"] in ("common_associate", "hotspot")]
    head = ranked[: len(planted)]
    named = [a["subject"]["external_id"] for a in head]
    decoy_of: dict[str, str] = {}
    for decoy in truth["decoys"]:
        for record in [decoy.get("place"), *decoy.get("adults", [])]:
            if record:
                decoy_of.setdefault(record, decoy["type"])
    decoys = sorted(f"{decoy_of[n]}:{n}" for n in named if n in decoy_of)
    carers = set(truth.get("protective_adults", []))
    protective = [n for n in named if decoy_of.get(n) in PROTECTIVE or n in carers]
    busy = [n for n in named if decoy_of.get(n) in BUSY]
    return {
        "k": len(planted),
        "precision_top_k": round(sum(n in planted for n in named) / len(head), 3) if head else None,
        "decoys_top_k": decoys,
        "care_or_parent_decoys_top_k": len(protective),
        "busy_place_decoys_top_k": len(busy),
    }


def run_one(generator: str, seed: int) -> dict[str, Any]:
    db, truth = prepare(generator, seed)
    started = time.perf_counter()
    alerts, took, links = _alerts(db, END)
    scored = score(alerts, truth)
    return {
        "generator": generator,
        "seed": seed,
        "links": links,
        "analyse_seconds": round(took, 2),
        "seconds": round(time.perf_counter() - started, 1),
        "adult_recall": scored["adult_recall"],
        "place_recall": scored["place_recall"],
        "recall": scored["recall"],
        **top_k(alerts, truth),
        "false_subjects": len(scored["false_subjects"]),
        "networks_found_as_cluster": f"{scored['networks_found_as_cluster']}"
        f"/{scored['networks_planted']}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generator", action="append", required=True,
                        choices=["simulator", "independent", "blind"])  # fmt: skip
    parser.add_argument("--seeds", action="append", type=int, nargs="+", required=True)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if len(args.generator) != len(args.seeds):
        parser.error("give --seeds after each --generator")
    load = os.getloadavg()
    runs = []
    for generator, seeds in zip(args.generator, args.seeds, strict=True):
        for seed in seeds:
            run = run_one(generator, seed)
            print(json.dumps(run), flush=True)
            runs.append(run)
    result = {
        "benchmark": "network/generalise",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count()},
        "loadavg_start": load,
        "loadavg_end": os.getloadavg(),
        "runs": runs,
    }
    if args.out:
        args.out.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
