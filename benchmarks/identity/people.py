"""Identity at a million persons (issue 5): Harbour's batch resolution and intake look-up.

The simulator's national scale is generated (`harbour simulate`), the first N person records in
file order are kept with the places they live at, loaded into a fresh SQLite database (`harbour
import`), and then, each in its own process so that peak memory (VmHWM) is per side:

- **Harbour**: `resolution.batch.resolve_people`, the full batch resolution of the person table
  (read every person, train Harbour's model without labels, score the blocked pairs, save the
  model, write the pairs at or above the review threshold into the review queue, commit).
  Harbour's clusters are the connected components of the queued pairs at or above the match
  threshold (setting `identity_match_threshold`, 0.95).
- **Plain Splink**, built the way Splink's tutorials build a model, on the same records: the
  comparison library's standard comparison for each column (`NameComparison` for both names,
  `DateOfBirthComparison`, `ExactMatch` for sex and phone, `PostcodeComparison`,
  `JaroWinklerAtThresholds` for the address), the prior from deterministic rules at recall 0.7,
  u by random sampling (the same number of pairs and seed as Harbour), m by EM blocked on names
  and then on the date of birth, predictions and clusters at 0.95. It reads the same lines
  through Harbour's cleaning (`identity.prepare`) so that both sides see the same values and the
  same derived blocking keys (Soundex codes, year of birth), and it uses Harbour's blocking
  rules: what differs is the comparisons and the training.
- **Intake look-up**: `resolution.candidates.find` against the loaded person table with the
  model Harbour's batch saved, for queries drawn with a fixed seed (see `child_lookup`).

F1 is pairwise: every pair of records inside a predicted cluster against every pair inside a true
cluster (counted from cluster sizes, so a large cluster costs nothing to score).

The simulation is `harbour simulate --scale national --years 5.5 --seed 5 --as-of 2026-11-27`
(run here unless `--skip-generate`; `--sim` names a folder that holds one already).

Usage: python benchmarks/identity/people.py --work /tmp/identity-bench [--persons 1000000]
       [--sim FOLDER] [--queries 1000] [--skip-generate] [--skip-load] [--load-only] [--no-plain]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "benchmarks" / "identity" / "people.json"
HARBOUR = ROOT / ".venv" / "bin" / "harbour"
ANALYST = "identity-bench-analyst"


# -- measuring ----------------------------------------------------------------------------------


def peak_gib() -> float:
    """Return this process's peak resident memory (VmHWM) in GiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024**2, 3)
    return 0.0


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def pairwise(clusters: dict[str, Any], truth: dict[str, str]) -> dict[str, Any]:
    """Score predicted clusters against true identities, pair by pair (records not in `clusters`
    are taken as clusters of their own)."""

    def pairs(sizes: Iterable[int]) -> int:
        return sum(n * (n - 1) // 2 for n in sizes)

    predicted = {record: clusters.get(record, ("alone", record)) for record in truth}
    got = pairs(Counter(predicted.values()).values())
    want = pairs(Counter(truth.values()).values())
    hits = pairs(Counter((predicted[r], truth[r]) for r in truth).values())
    precision = hits / got if got else 1.0
    recall = hits / want if want else 1.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "true_pairs": want,
        "predicted_pairs": got,
        "correct_pairs": hits,
        "largest_cluster": max(Counter(predicted.values()).values(), default=0),
    }


def components(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Return each record's cluster (a representative record) from linked pairs (union-find)."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {x: root(x) for x in list(parent)}


# -- the data -----------------------------------------------------------------------------------


class Paths:
    def __init__(self, work: Path, persons: int, sim: Path | None = None) -> None:
        self.work = work
        self.sim = sim or work / "sim"
        self.base = work / f"n{persons}"
        self.input = self.base / "input"
        self.truth = self.base / "truth.json"
        self.loaded = self.base / "loaded.db"
        self.run = self.base / "run.db"
        self.model = self.base / "model.json"
        self.plain_clusters = self.base / "plain-clusters.csv"

    def env(self, database: Path) -> dict[str, str]:
        return os.environ | {
            "HARBOUR_DATABASE_URL": f"sqlite:///{database}",
            "HARBOUR_IDENTITY_MODEL_PATH": str(self.model),
        }


def lines(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for text in handle:
            yield json.loads(text)


def sim_file(paths: Paths, stem: str) -> Path:
    return next(paths.sim.glob(f"*-{stem}.jsonl"))


def generate(paths: Paths, years: float, seed: int, as_of: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [str(HARBOUR), "simulate", "--scale", "national", "--years", str(years),
         "--seed", str(seed), "--as-of", as_of, "--out", str(paths.sim)],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return round(time.perf_counter() - started, 1)


def select(paths: Paths, persons: int) -> dict[str, Any]:
    """Keep the first `persons` person lines and the places they live at; restrict the truth."""
    paths.input.mkdir(parents=True, exist_ok=True)
    kept = []
    for record in lines(sim_file(paths, "people")):
        if record["kind"] == "person":
            kept.append(record)
            if len(kept) == persons:
                break
    if len(kept) < persons:
        raise SystemExit(f"the simulation holds only {len(kept):,} persons: raise --years")
    homes = {r["home"] for r in kept if r.get("home")}
    places = [p for p in lines(sim_file(paths, "places")) if p["id"] in homes]
    for name, records in (("1-places.jsonl", places), ("2-people.jsonl", kept)):
        with (paths.input / name).open("w", encoding="utf-8") as handle:
            handle.writelines(json.dumps(r, separators=(",", ":")) + "\n" for r in records)
    identities = json.loads((paths.sim / "truth.json").read_text())["identities"]
    truth = {r["id"]: identities[r["id"]] for r in kept}
    paths.truth.write_text(json.dumps(truth), encoding="utf-8")
    sizes = Counter(Counter(truth.values()).values())
    return {
        "persons": len(kept),
        "places": len(places),
        "true_identities": len(set(truth.values())),
        "identities_by_records": {str(k): v for k, v in sorted(sizes.items())},
        "last_person": kept[-1]["id"],
    }


def load(paths: Paths) -> float:
    paths.loaded.unlink(missing_ok=True)
    env = paths.env(paths.loaded)

    def harbour(*args: str) -> None:
        subprocess.run([str(HARBOUR), *args], check=True, env=env, stdout=subprocess.DEVNULL)

    harbour("db", "upgrade")
    harbour("orgs", "create", "Benchmark Police")
    started = time.perf_counter()
    harbour("import", str(paths.input))
    seconds = round(time.perf_counter() - started, 1)
    harbour("users", "create", ANALYST, "--role", "analyst", "--password", "bench-Password-9")
    return seconds


def person_records(paths: Paths) -> list[Any]:
    """Read the kept person lines as the model's records, as `resolution.records` reads them."""
    from harbour.linkage.schemas import PersonRecord
    from harbour.people.models import normalise_phone

    places = {p["id"]: p for p in lines(paths.input / "1-places.jsonl")}
    records = []
    for r in lines(paths.input / "2-people.jsonl"):
        home = places.get(r.get("home") or "", {})
        phones = sorted(normalise_phone(p) for p in r.get("phones") or [])
        records.append(
            PersonRecord.model_construct(
                id=r["id"],
                given_name=r.get("given_name"),
                family_name=r.get("family_name"),
                aliases=r.get("aliases") or [],
                date_of_birth=r.get("date_of_birth"),
                sex=r.get("sex"),
                postcode=home.get("postcode"),
                address=home.get("address"),
                town=None,
                phone=phones[0] if phones else None,
                email=None,
            )
        )
    return records


# -- the three sides, each run in a fresh process -------------------------------------------------


def child_harbour(paths: Paths) -> dict[str, Any]:
    import harbour.models  # noqa: F401  (every table known to the session)
    from harbour import db
    from harbour.actor import Channel, system_actor
    from harbour.identity.batch import resolve_people

    actor = system_actor(Channel.cli, name="identity-bench")
    started = time.perf_counter()
    with db.unit_of_work() as session:
        summary = resolve_people(session, actor, save_to=paths.model)
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 2), "peak_gib": peak_gib(), "summary": vars(summary)}


def child_plain(paths: Paths) -> dict[str, Any]:
    import logging

    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from harbour.identity.records import PERSON_FIELDS
    from harbour.linkage import model, prepare
    from harbour.linkage.schemas import IdentityField as F
    from harbour.settings import get_settings

    settings = get_settings()
    started = time.perf_counter()
    records = person_records(paths)
    fields = list(PERSON_FIELDS)
    columns = prepare.table(records, fields)
    columns["unique_id"] = [r.id for r in records]
    del records
    standard = {
        F.given_name: cl.NameComparison("given_name"),
        F.family_name: cl.NameComparison("family_name"),
        F.date_of_birth: cl.DateOfBirthComparison("dob", input_is_string=True),
        F.sex: cl.ExactMatch("sex"),
        F.postcode: cl.PostcodeComparison("postcode"),
        F.address: cl.JaroWinklerAtThresholds("address"),
        F.phone: cl.ExactMatch("phone"),
    }
    db_api = DuckDBAPI()
    table = db_api.register(columns, dataset_display_name="people")
    del columns
    linker = Linker(
        table,
        SettingsCreator(
            link_type="dedupe_only",
            comparisons=[standard[f] for f in fields],
            blocking_rules_to_generate_predictions=model.blocking_rules(fields),
        ),
        log_level=logging.ERROR,
    )
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "family_name", "dob")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(
        max_pairs=settings.identity_u_max_pairs, seed=settings.identity_seed
    )
    for rule in (block_on("given_name", "family_name"), block_on("dob")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_probability=0.95)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.95)
    seconds = time.perf_counter() - started
    peak = peak_gib()
    pairs = db_api._con.execute(f"SELECT count(*) FROM {predictions.physical_name}").fetchone()
    target = str(paths.plain_clusters).replace("'", "''")
    db_api._con.execute(
        f"COPY (SELECT unique_id, cluster_id FROM {clusters.physical_name}) TO '{target}'"
    )
    return {"seconds": round(seconds, 2), "peak_gib": peak, "pairs_scored": pairs[0]}


def perturb(rng: random.Random, record: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Return one change an officer might make and the record's details as typed with it: a
    nickname (only for a given name that has one), day and month swapped (only where both
    could be either), or else two adjacent letters of the family name swapped."""
    from harbour.simulate import names

    typed = dict(record)
    given, family, born = record.get("given_name"), record.get("family_name"), record.get("dob")
    kinds = ["typo"]
    if given in names.NICKNAMES:
        kinds.append("nickname")
    if born and int(born[8:10]) <= 12 and born[5:7] != born[8:10]:
        kinds.append("day_month_swap")
    kind = rng.choice(kinds)
    if kind == "nickname":
        typed["given_name"] = rng.choice(names.NICKNAMES[given])
    elif kind == "day_month_swap":
        typed["dob"] = f"{born[:4]}-{born[8:10]}-{born[5:7]}"
    else:
        name = "family_name" if family and len(family) > 3 else "given_name"
        text = typed[name] or ""
        if len(text) < 3 or len(set(text[1:])) < 2:
            return "verbatim", typed
        i = rng.choice([k for k in range(1, len(text) - 1) if text[k] != text[k + 1]])
        typed[name] = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return kind, typed


def child_lookup(paths: Paths, queries: int, seed: int) -> dict[str, Any]:
    from sqlalchemy import select as sql_select

    import harbour.models  # noqa: F401
    from harbour import db
    from harbour.actor import Actor, Channel
    from harbour.auth.models import User
    from harbour.identity.candidates import Typed, find
    from harbour.people.models import ImportRef
    from harbour.settings import get_settings

    truth: dict[str, str] = json.loads(paths.truth.read_text())
    places = {p["id"]: p for p in lines(paths.input / "1-places.jsonl")}
    people = {}
    for r in lines(paths.input / "2-people.jsonl"):
        home = places.get(r.get("home") or "", {})
        people[r["id"]] = {
            "given_name": r.get("given_name"),
            "family_name": r.get("family_name"),
            "dob": r.get("date_of_birth"),
            "sex": r.get("sex"),
            "postcode": home.get("postcode"),
            "phone": (r.get("phones") or [None])[0],
        }
    members: dict[str, list[str]] = {}
    for record, identity in truth.items():
        members.setdefault(identity, []).append(record)
    shared = sorted(i for i, m in members.items() if len(m) > 1)
    with db.unit_of_work() as session:
        user = session.scalar(sql_select(User).where(User.username == ANALYST))
        assert user is not None
        actor = Actor(user.id, user.username, user.display_name, user.role,
                      user.organisation_id, user.team_id, Channel.web)  # fmt: skip
        external = dict(
            session.execute(
                sql_select(ImportRef.record_id, ImportRef.external_id).where(
                    ImportRef.kind == "person"
                )
            ).all()
        )
    rng = random.Random(seed)
    limit = get_settings().identity_intake_limit
    timings, rows, misses = [], [], []
    for n, identity in enumerate(rng.sample(shared, min(queries + 1, len(shared)))):
        source = rng.choice(members[identity])
        kind, typed = perturb(rng, people[source])
        query = Typed(typed["given_name"], typed["family_name"], typed["dob"], typed["sex"],
                      typed["postcode"], typed["phone"])  # fmt: skip
        with db.unit_of_work() as session:
            started = time.perf_counter()
            # One more than an officer sees: the record typed from is left out of the ranking.
            found = find(session, actor, query, justification="benchmark", limit=limit + 1)
            ms = (time.perf_counter() - started) * 1000
        shown = [external[c.person_id] for c in found.candidates]
        # (a) the officer's view: the first `limit` shown, the record typed from counting too;
        # (b) left out: as if the record typed from were not held, the next `limit` others.
        same = [truth[record] == identity for record in shown[:limit]]
        others = [truth[record] == identity for record in shown if record != source][:limit]
        if n == 0:
            warm_up = round(ms, 1)
            continue  # the first look-up loads the model and builds Splink's SQL
        timings.append(ms)
        rows.append(
            {
                "kind": kind,
                "ms": round(ms, 2),
                "blocked": found.blocked,
                "hit_at_1": bool(same) and same[0],
                "hit_at_8": any(same),
                "left_out_hit_at_1": bool(others) and others[0],
                "left_out_hit_at_8": any(others),
                "records_of_identity": len(members[identity]),
            }
        )
        if not any(others) and len(misses) < 20:  # kept in the raw results to read, not scored
            misses.append(
                {
                    "typed": vars(query),
                    "from": source,
                    "others": {r: people[r] for r in members[identity] if r != source},
                    "shown": [
                        (record, round(c.probability or 0, 4), truth[record] == identity)
                        for record, c in zip(shown, found.candidates, strict=True)
                    ],
                    "blocked": found.blocked,
                }
            )

    def share(key: str, subset: list[dict[str, Any]] | None = None) -> float:
        chosen = rows if subset is None else subset
        return round(sum(r[key] for r in chosen) / len(chosen), 4) if chosen else 0.0

    kinds = sorted({r["kind"] for r in rows})
    return {
        "queries": len(rows),
        "warm_up_ms": warm_up,
        "p50_ms": round(percentile(timings, 0.5), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
        "max_ms": round(max(timings), 1),
        "mean_blocked": round(sum(r["blocked"] for r in rows) / len(rows), 1),
        "recall_at_1": share("hit_at_1"),
        "recall_at_8": share("hit_at_8"),
        "left_out_recall_at_1": share("left_out_hit_at_1"),
        "left_out_recall_at_8": share("left_out_hit_at_8"),
        "by_change": {
            k: {"queries": sum(r["kind"] == k for r in rows)}
            | {
                key: share(key, [r for r in rows if r["kind"] == k])
                for key in ("hit_at_1", "hit_at_8", "left_out_hit_at_1", "left_out_hit_at_8")
            }
            for k in kinds
        },
        "load_average_1m": load_average(),
        "misses": misses,
    }


def in_child(side: str, paths: Paths, args: argparse.Namespace, database: Path) -> dict[str, Any]:
    result = paths.base / f"{side}.result.json"
    result.unlink(missing_ok=True)
    before = load_average()
    proc_before = Path("/proc/loadavg").read_text().strip()
    subprocess.run(
        [sys.executable, __file__, "--work", str(args.work), "--persons", str(args.persons),
         "--queries", str(args.queries), "--seed", str(args.seed), "--child", side],
        check=True, env=paths.env(database),
    )  # fmt: skip
    out: dict[str, Any] = json.loads(result.read_text())
    return out | {
        "load_average_1m_at_start": before,
        "load_average_1m_at_end": load_average(),
        "proc_loadavg_at_start": proc_before,
        "proc_loadavg_at_end": Path("/proc/loadavg").read_text().strip(),
    }


# -- the run ------------------------------------------------------------------------------------


def copy_database(source: Path, target: Path) -> None:
    """Copy a SQLite database with what its write-ahead log still holds."""
    for stale in (target, target.with_name(target.name + "-wal")):
        stale.unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def harbour_clusters(paths: Paths, threshold: float) -> dict[str, Any]:
    """Return Harbour's clusters from the queued pairs at the match threshold, and, as a
    diagnostic only, the clusters without the pairs whose dates of birth are at the comparison's
    last level (more than two years apart and none of the known errors)."""
    with sqlite3.connect(paths.run) as con:
        sql = "SELECT record_id, external_id FROM import_ref WHERE kind = 'person'"
        external = dict(con.execute(sql))
        pairs = con.execute(
            "SELECT low_id, high_id, levels FROM candidate_pair WHERE probability >= ?",
            (threshold,),
        ).fetchall()
    linked = [(external[a], external[b]) for a, b, _ in pairs]
    near = [
        (external[a], external[b])
        for a, b, levels in pairs
        if json.loads(levels).get("dob", {}).get("level") != 0
    ]
    return {
        "clusters": components(linked),
        "pairs": len(linked),
        "without_far_dob": components(near),
        "far_dob_pairs": len(linked) - len(near),
    }


def plain_clusters(paths: Paths) -> dict[str, str]:
    with paths.plain_clusters.open(encoding="utf-8") as handle:
        next(handle)
        return dict(line.rstrip("\n").split(",", 1) for line in handle)


def show(name: str, r: dict[str, Any]) -> None:
    print(f"{name:13} {r['seconds']:8.1f} s {r['peak_gib']:6.2f} GiB  P {r['precision']:.4f} "
          f"R {r['recall']:.4f} F1 {r['f1']:.4f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--work", type=Path, required=True, help="scratch folder (kept for reruns)")
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--years", type=float, default=5.5, help="years of national history")
    parser.add_argument("--seed", type=int, default=5, help="simulator and query seed")
    parser.add_argument("--as-of", default="2026-11-27", help="the simulation's last day")
    parser.add_argument("--sim", type=Path, help="the simulation's folder (default WORK/sim)")
    parser.add_argument("--skip-generate", action="store_true", help="reuse the simulation")
    parser.add_argument("--load-only", action="store_true", help="select and load, then stop")
    parser.add_argument("--skip-load", action="store_true", help="reuse the loaded database")
    parser.add_argument("--no-plain", action="store_true", help="skip the plain Splink side")
    parser.add_argument(
        "--reuse-harbour",
        action="store_true",
        help="score the Harbour batch already run in WORK (its result file and database)",
    )
    parser.add_argument(
        "--lookup-only",
        type=Path,
        metavar="MODEL",
        help="run only the intake look-up, on a copy of the loaded database, with this saved model",
    )
    parser.add_argument("--child", choices=("harbour", "plain", "lookup"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.work = args.work.resolve()
    paths = Paths(args.work, args.persons, args.sim.resolve() if args.sim else None)
    if args.child:
        run = {"harbour": lambda: child_harbour(paths), "plain": lambda: child_plain(paths),
               "lookup": lambda: child_lookup(paths, args.queries, args.seed)}  # fmt: skip
        out = run[args.child]()
        (paths.base / f"{args.child}.result.json").write_text(json.dumps(out, default=str))
        return

    from harbour.linkage import service as identity_service
    from harbour.linkage import training as identity_model
    from harbour.settings import get_settings

    settings = get_settings()
    machine = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 1024**3:.0f} GiB",
        "python": platform.python_version(),
        "splink": version("splink"),
        "duckdb": version("duckdb"),
        "match_threshold": settings.identity_match_threshold,
        "review_threshold": settings.identity_review_threshold,
        "u_max_pairs": settings.identity_u_max_pairs,
        "duckdb_memory_limit_gib": round(
            min(
                identity_service.DUCKDB_MEMORY_MAX_GIB,
                os.sysconf("SC_PAGE_SIZE")
                * os.sysconf("SC_PHYS_PAGES")
                / 1024**3
                * identity_service.DUCKDB_MEMORY_SHARE,
            ),
            2,
        ),
        "em_max_pairs": identity_model.EM_MAX_PAIRS,
    }
    result: dict[str, Any] = {
        "date": datetime.now(UTC).date().isoformat(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "simulation": {
            "scale": "national",
            "years": args.years,
            "seed": args.seed,
            "as_of": args.as_of,
        },
    }
    print(f"{machine['machine']} · Python {machine['python']} · Splink {machine['splink']} · "
          f"load {result['load_average_at_start']}")  # fmt: skip
    if not args.skip_generate:
        result["simulation"]["seconds"] = generate(paths, args.years, args.seed, args.as_of)
    if not args.skip_load:
        result["data"] = select(paths, args.persons)
        result["data"]["import_seconds"] = load(paths)
        (paths.base / "data.json").write_text(json.dumps(result["data"]))
        if args.load_only:
            return
    else:
        result["data"] = json.loads((paths.base / "data.json").read_text())
    print(f"{result['data']['persons']:,} persons, {result['data']['true_identities']:,} true "
          f"identities, {result['data']['places']:,} homes")  # fmt: skip
    truth: dict[str, str] = json.loads(paths.truth.read_text())

    if args.lookup_only:
        os.environ["HARBOUR_IDENTITY_MODEL_PATH"] = str(args.lookup_only.resolve())
        paths.model = args.lookup_only.resolve()
        paths.run = paths.base / "lookup.db"
        copy_database(paths.loaded, paths.run)
        result["intake"] = in_child("lookup", paths, args, paths.run) | {"model": str(paths.model)}
        samples = paths.base / "harbour-samples.log"
        if samples.exists():  # a batch stopped before it finished: its last sample of VmHWM
            last = [x for x in samples.read_text().splitlines() if "VmHWM" in x][-1].split()
            result["harbour_unfinished"] = {
                "stopped_after_seconds": int(last[1]),
                "peak_gib_so_far": round(int(last[3]) / 1024**2, 2),
                "samples": str(samples),
            }
        result["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        write(machine, args.persons, result)
        return
    if args.reuse_harbour:
        harbour = json.loads((paths.base / "harbour.result.json").read_text())
        harbour["reused"] = "batch run earlier in WORK, scored now"
    else:
        copy_database(paths.loaded, paths.run)  # every run starts from the freshly loaded table
        paths.model.unlink(missing_ok=True)
        harbour = in_child("harbour", paths, args, paths.run)
    found = harbour_clusters(paths, settings.identity_match_threshold)
    harbour |= pairwise(found["clusters"], truth) | {"pairs_at_match_threshold": found["pairs"]}
    harbour["diagnostic_without_far_dob"] = pairwise(found["without_far_dob"], truth) | {
        "pairs_dropped": found["far_dob_pairs"]
    }
    result["harbour"] = harbour
    show("Harbour", harbour)
    if not args.no_plain:
        plain = in_child("plain", paths, args, paths.run)
        plain |= pairwise(plain_clusters(paths), truth)
        result["plain_splink"] = plain
        show("plain Splink", plain)
    if args.queries:
        lookup = in_child("lookup", paths, args, paths.run)
        result["intake"] = lookup
        print(f"intake look-up  p50 {lookup['p50_ms']} ms  p95 {lookup['p95_ms']} ms  "
              f"max {lookup['max_ms']} ms  recall@1 {lookup['recall_at_1']}  "
              f"recall@8 {lookup['recall_at_8']}  left out: recall@1 "
              f"{lookup['left_out_recall_at_1']} recall@8 {lookup['left_out_recall_at_8']}  "
              f"({lookup['queries']} queries)")  # fmt: skip
    result["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    if args.persons == 1_000_000:
        result["targets"] = {
            "batch_under_60_s": harbour["seconds"] < 60,
            "batch_under_6_gib": harbour["peak_gib"] < 6,
            "intake_p95_under_100_ms": result.get("intake", {}).get("p95_ms", 1e9) < 100,
        }
    write(machine, args.persons, result)


def write(machine: dict[str, Any], persons: int, result: dict[str, Any]) -> None:
    # One file for every size run: each run replaces its own entry.
    document = json.loads(OUT.read_text()) if OUT.exists() else {}
    runs = document.get("runs", {}) if isinstance(document.get("runs"), dict) else {}
    runs[str(persons)] = result
    document = machine | {"runs": dict(sorted(runs.items(), key=lambda kv: int(kv[0])))}
    OUT.write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"written {OUT.relative_to(ROOT)} (run of {persons:,} persons)")


if __name__ == "__main__":
    main()
