"""Save-time network alerts (issue 6): how long a saved link's check adds to its commit.

Loads a simulated force area (once) into a database, runs the full rebuild (which keeps the
place medians the check needs), then saves links one transaction at a time, as an officer would:
a child linked to an adult, a place or a phone drawn at random (fixed seed). Each save is timed
from the first statement to the end of the commit, with the check on and, in the same run, with
it off (the reference: what the save costs without it). The target is a raised or updated alert
within one second of the save, so the check's p95 must stay under 1,000 ms.

Usage: python benchmarks/network/incremental.py [--scale borough] [--years 1] [--saves 200]
       [--database-url URL] [--work DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "benchmarks" / "network"  # incremental-<database>-<scale>.json


def _ms(samples: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {
        "n": len(samples),
        "p50_ms": round(cuts[49] * 1000, 1),
        "p95_ms": round(cuts[94] * 1000, 1),
        "max_ms": round(max(samples) * 1000, 1),
    }


def _cli(url: str, *args: str) -> None:
    env = {**os.environ, "HARBOUR_DATABASE_URL": url}
    subprocess.run([sys.executable, "-m", "harbour.cli", *args], env=env, check=True)


def prepare(url: str, work: Path, scale: str, years: int) -> None:
    """Simulate and import the area, unless the database already holds an import."""
    os.environ["HARBOUR_DATABASE_URL"] = url
    _cli(url, "db", "upgrade")
    _cli(url, "demo", "setup")  # the force (whose records the import loads) and its users
    from sqlalchemy import func, select

    from harbour import db
    from harbour.people.models import ImportRef

    with db.unit_of_work() as session:
        if session.scalar(select(func.count()).select_from(ImportRef)):
            return
    out = work / f"{scale}-{years}"
    if not (out / "truth.json").exists():
        _cli(url, "simulate", "--scale", scale, "--years", str(years), "--out", str(out))
    _cli(url, "import", str(out))


def run(url: str, saves: int, seed: int) -> dict[str, Any]:
    os.environ["HARBOUR_DATABASE_URL"] = url
    from sqlalchemy import func, select

    from harbour import db, startup
    from harbour.network import alerts, incremental
    from harbour.network import service as network
    from harbour.network.models import NetworkAlert
    from harbour.people.models import Association, AssociationType, Person, PersonPhone, Place

    startup.start()  # every table, and the save-time check

    started = time.perf_counter()
    with db.unit_of_work() as session:
        stored = alerts.store(session, network.analyse(session))
    rebuild = time.perf_counter() - started
    with db.unit_of_work() as session:
        children = list(
            session.scalars(select(Person.id).where(Person.date_of_birth > date(2009, 1, 1)))
        )
        adults = list(
            session.scalars(select(Person.id).where(Person.date_of_birth < date(2000, 1, 1)))
        )
        places = list(session.scalars(select(Place.id)))
        phones = list(session.scalars(select(PersonPhone.number)))
        org = session.scalar(select(Person.organisation_id).limit(1))
        alerts_before = session.scalar(select(func.count()).select_from(NetworkAlert))
    rng = random.Random(seed)
    timings: dict[str, list[float]] = {"with_check": [], "without_check": []}
    for i in range(saves * 2):
        mode = "with_check" if i % 2 == 0 else "without_check"
        kind = rng.choice(("associate", "seen_at", "uses_phone"))
        link = Association(
            subject_id=rng.choice(children),
            type=AssociationType(kind),
            organisation_id=org,
            source_text="benchmark",
            observed_at=datetime.now(UTC),
        )
        if kind == "associate":
            link.object_person_id = rng.choice(adults)
        elif kind == "seen_at":
            link.object_place_id = rng.choice(places)
        else:
            link.object_phone = rng.choice(phones)
        begun = time.perf_counter()
        with db.unit_of_work() as session:
            if mode == "without_check":
                session.info[incremental.OFF] = True
            session.add(link)
        timings[mode].append(time.perf_counter() - begun)
    with db.unit_of_work() as session:
        alerts_after = session.scalar(select(func.count()).select_from(NetworkAlert))
        counts = {
            "people": session.scalar(select(func.count()).select_from(Person)),
            "links": session.scalar(select(func.count()).select_from(Association)),
        }
    return {
        "rebuild_seconds": round(rebuild, 2),
        "alerts_kept_by_rebuild": stored.new + stored.refreshed,
        "alerts_before_saves": alerts_before,
        "alerts_after_saves": alerts_after,
        "save": {mode: _ms(samples) for mode, samples in timings.items()},
        "counts": counts,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="borough")
    parser.add_argument("--years", type=int, default=1)
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--work", type=Path, default=Path(tempfile.gettempdir()) / "harbour-incremental"
    )
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    url = args.database_url or f"sqlite:///{args.work / 'harbour.db'}"
    load = os.getloadavg()
    prepare(url, args.work, args.scale, args.years)
    result = run(url, args.saves, args.seed)
    result |= {
        "database": url.split(":", 1)[0],
        "scale": args.scale,
        "years": args.years,
        "date": datetime.now(UTC).date().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "python": platform.python_version(),
        "load_average_start": [round(x, 2) for x in load],
        "load_average_end": [round(x, 2) for x in os.getloadavg()],
        "target_p95_ms": 1000,
    }
    out = OUT / f"incremental-{result['database']}-{args.scale}.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
