"""The entity network at scale (issue 6): a full rebuild's time and peak memory, the browser's
network view, and the same graph in igraph and in rustworkx side by side.

Needs a PostgreSQL database holding the simulator's data, loaded through the bulk path:

    createdb -h 127.0.0.1 -U postgres harbour_network
    export HARBOUR_DATABASE_URL=postgresql://postgres@127.0.0.1/harbour_network
    harbour db upgrade && harbour orgs create "Benchmark Force"
    harbour simulate --scale london --years 10 --as-of 2026-11-27 --out /tmp/netbench/london10
    harbour import --bulk /tmp/netbench/london10
    python benchmarks/network/scale.py --database $HARBOUR_DATABASE_URL \
        --truth /tmp/netbench/london10/truth.json

Each part runs in its own child process, so that its peak resident memory (VmHWM) is its own:

- rebuild: `network.analyse` (graph.build, detection, naming) then `alerts.store` and commit,
  twice (the first run opens every alert, the second refreshes them); the alerts of the first
  are scored against truth.json with `quality.score`;
- view: `view.walk(..., steps=2)` and `view.elements(...)` around random children, as the
  network page asks for them (an exploitation investigator of the force), one session each;
- graph libraries: the edge list of `graph.build`, as a ready list of tuples, loaded into
  python-igraph and into rustworkx (each in a fresh process): build, connected components and
  the memory the graph adds; then the same with `--copies` disjoint copies of it, to reach the
  national ten-year size (~10 million links) that the London data cannot.
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
import time
from array import array
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
AS_OF = datetime(2026, 11, 27, tzinfo=UTC)
EDGES = Path("/tmp/netbench/edges.bin")


def _memory() -> dict[str, float]:
    """This process's resident and peak resident memory, in MiB."""
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = round(int(value.split()[0]) / 1024, 1)
    return out


def _child(part: str, args: argparse.Namespace, *extra: str) -> dict[str, Any]:
    command = [sys.executable, __file__, "--part", part, "--database", args.database, *extra]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{part} failed:\n{done.stdout}\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _engine(url: str) -> Any:
    from harbour.db import make_engine

    return make_engine(url)


def part_rebuild(url: str, truth: Path | None) -> dict[str, Any]:
    from collections import Counter

    from sqlalchemy.orm import Session

    from harbour.network import alerts
    from harbour.network import detect as detection
    from harbour.network import graph as entity
    from harbour.network import service as network
    from harbour.network.service import Analysis
    from harbour.settings import get_settings

    engine = _engine(url)
    runs = []
    listed: list[dict[str, Any]] = []
    for _ in range(2):
        with Session(engine) as session:
            # One force: network.analyse_organisation, one step at a time.
            (org,) = network.organisations(session)
            t0 = time.perf_counter()
            g = entity.build(session, AS_OF, organisation=org)
            t1 = time.perf_counter()
            # As network.analyse does: the alerts, and the baselines kept for the view (a tree
            # from before issue 19, run for comparison, computes them apart).
            if hasattr(detection, "detect_with_baseline"):
                found, base = detection.detect_with_baseline(g, get_settings())
            else:
                base = getattr(detection, "baseline")(g)  # noqa: B009 (only the older tree has it)
                found = detection.detect(g, get_settings(), base)
            t2 = time.perf_counter()
            analysis = Analysis(session, g, found, base, organisation=org)
            t3 = time.perf_counter()
            summary = alerts.store(session, analysis)
            session.commit()
            t4 = time.perf_counter()
            if not listed:
                listed = analysis.listed()
            kinds = Counter(n.kind for n in g.nodes)
            runs.append(
                {
                    "nodes": len(g.nodes),
                    "nodes_by_kind": dict(sorted(kinds.items())),
                    "links": len(g.links),
                    "links_by_type": dict(sorted(Counter(x.type for x in g.links).items())),
                    "alerts": len(found),
                    "alerts_at_min_score": len(listed),
                    "alerts_by_kind": dict(sorted(Counter(a["kind"] for a in listed).items())),
                    "records_named": len(analysis.external),
                    "stored": vars(summary),
                    "seconds": {
                        "graph_build": round(t1 - t0, 2),
                        "detect": round(t2 - t1, 2),
                        "name_alerts": round(t3 - t2, 2),
                        "analyse": round(t3 - t0, 2),
                        "store_and_commit": round(t4 - t3, 2),
                        "total": round(t4 - t0, 2),
                    },
                    "memory_mib_after": _memory(),
                }
            )
            if not EDGES.exists() or EDGES.stat().st_size != 8 * len(g.links) + 8:
                flat = array("i", [len(g.nodes), len(g.links)])
                for link in g.links:
                    flat.append(link.a)
                    flat.append(link.b)
                EDGES.parent.mkdir(parents=True, exist_ok=True)
                EDGES.write_bytes(flat.tobytes())
            del g, found, analysis
    out: dict[str, Any] = {"first": runs[0], "second": runs[1], "peak_memory": _memory()}
    if truth is not None:
        sys.path.insert(0, str(HERE))
        from quality import score

        out["quality"] = score(listed, json.loads(truth.read_text()))
    return out


def part_view(url: str, samples: int, seed: int) -> dict[str, Any]:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from harbour.actor import Actor, Channel, Role
    from harbour.auth.models import Organisation
    from harbour.episodes.models import Episode
    from harbour.network import view
    from harbour.people.models import Person

    engine = _engine(url)
    adult_born = date(AS_OF.year - 18, AS_OF.month, AS_OF.day)
    with Session(engine) as session:
        org = session.scalar(select(Organisation.id).order_by(Organisation.id))
        children = list(
            session.scalars(
                select(Person.id)
                .where(Person.date_of_birth > adult_born, Person.merged_into_id.is_(None))
                .where(Person.id.in_(select(Episode.person_id)))
                .order_by(Person.id)
            )
        )
    actor = Actor(
        id=None, username="bench", display_name="Benchmark investigator",
        role=Role.exploitation_investigator, organisation_id=org, team_id=None,
        channel=Channel.web,
    )  # fmt: skip
    chosen = random.Random(seed).sample(children, min(samples, len(children)))
    times, walk_times, nodes, edges, truncated = [], [], [], [], 0
    for pid in [chosen[0], *chosen]:  # the first once more, to warm the connection pool
        with Session(engine) as session:
            t0 = time.perf_counter()
            centres = {f"person:{pid}"}
            result = view.walk(session, actor, centres, steps=2)
            t1 = time.perf_counter()
            view.elements(session, result, as_of=AS_OF.date(), centres=centres)
            t2 = time.perf_counter()
        times.append((t2 - t0) * 1000)
        walk_times.append((t1 - t0) * 1000)
        nodes.append(len(result.nodes))
        edges.append(len(result.edges))
        truncated += result.truncated
    times, walk_times, nodes, edges = times[1:], walk_times[1:], nodes[1:], edges[1:]

    def pct(values: list[float], q: int) -> float:
        return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1], 1)

    slowest = sorted(zip(times, chosen, nodes, strict=True), reverse=True)[:5]
    return {
        "children_with_episodes": len(children),
        "samples": len(chosen),
        "ms": {"p50": pct(times, 50), "p95": pct(times, 95), "max": round(max(times), 1)},
        "walk_only_ms": {"p50": pct(walk_times, 50), "p95": pct(walk_times, 95)},
        "nodes": {"p50": statistics.median(nodes), "max": max(nodes)},
        "edges": {"p50": statistics.median(edges), "max": max(edges)},
        "truncated": truncated,
        "slowest": [{"ms": round(t, 1), "person": p, "nodes": n} for t, p, n in slowest],
        "peak_memory": _memory(),
    }


def _edges(copies: int) -> tuple[int, list[tuple[int, int]]]:
    flat = array("i")
    flat.frombytes(EDGES.read_bytes())
    n, m = flat[0], flat[1]
    pairs = list(zip(flat[2::2], flat[3::2], strict=True))
    assert len(pairs) == m
    if copies > 1:
        pairs = [(a + k * n, b + k * n) for k in range(copies) for a, b in pairs]
    return n * copies, pairs


def part_library(library: str, copies: int) -> dict[str, Any]:
    import igraph as ig
    import rustworkx as rx

    n, pairs = _edges(copies)
    # A first tiny graph, so that neither library's one-off set-up counts against it.
    ig.Graph(n=2, edges=[(0, 1)]).connected_components()
    rx.connected_components(rx.PyGraph())
    before = _memory()
    if library == "igraph":
        t0 = time.perf_counter()
        graph = ig.Graph(n=n, edges=pairs)
        t1 = time.perf_counter()
        components = graph.connected_components()
        count, largest = len(components), max(components.sizes())
        version = ig.__version__
    elif library == "rustworkx":
        t0 = time.perf_counter()
        graph = rx.PyGraph(multigraph=True, node_count_hint=n, edge_count_hint=len(pairs))
        graph.add_nodes_from(range(n))
        graph.add_edges_from_no_data(pairs)
        t1 = time.perf_counter()
        parts = rx.connected_components(graph)
        count, largest = len(parts), max(len(p) for p in parts)
        version = rx.__version__
    else:
        raise ValueError(library)
    t2 = time.perf_counter()
    after = _memory()
    return {
        "library": library,
        "version": version,
        "copies": copies,
        "nodes": n,
        "edges": len(pairs),
        "build_s": round(t1 - t0, 2),
        "components_s": round(t2 - t1, 2),
        "components": count,
        "largest_component": largest,
        "graph_and_components_mib": round(after["VmRSS"] - before["VmRSS"], 1),
        "peak_process_mib": after["VmHWM"],
        "edge_list_mib": before["VmRSS"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="PostgreSQL URL holding the data")
    parser.add_argument("--truth", type=Path, help="truth.json of the simulated data")
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--copies", type=int, default=0, help="0: enough for ~10 million links")
    parser.add_argument("--note", default="", help="what was different about the database")
    parser.add_argument(
        "--no-libraries", action="store_true", help="skip the igraph/rustworkx comparison"
    )
    parser.add_argument("--part", help=argparse.SUPPRESS)
    parser.add_argument("--library", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=HERE / "scale.json")
    args = parser.parse_args()
    if args.part == "rebuild":
        print(json.dumps(part_rebuild(args.database, args.truth)))
        return
    if args.part == "view":
        print(json.dumps(part_view(args.database, args.samples, args.seed)))
        return
    if args.part == "library":
        print(json.dumps(part_library(args.library, args.copies)))
        return
    load_start = os.getloadavg()
    started = time.perf_counter()
    EDGES.unlink(missing_ok=True)
    extra = ["--truth", str(args.truth)] if args.truth else []
    rebuild = _child("rebuild", args, *extra)
    print("rebuild", json.dumps(rebuild["first"]["seconds"]), rebuild["peak_memory"], flush=True)
    view = _child("view", args, "--samples", str(args.samples), "--seed", str(args.seed))
    print("view", view["ms"], flush=True)
    links = rebuild["first"]["links"]
    copies = args.copies or max(2, round(10_000_000 / links))
    libraries = []
    for n in () if args.no_libraries else (1, copies):
        for library in ("igraph", "rustworkx"):
            row = _child("library", args, "--library", library, "--copies", str(n))
            print(json.dumps(row), flush=True)
            libraries.append(row)
    result = {
        "benchmark": "network/scale",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
        },
        "database": args.database.rsplit("@", 1)[-1],
        "note": args.note,
        "loadavg_start": load_start,
        "loadavg_end": os.getloadavg(),
        "seconds": round(time.perf_counter() - started, 1),
        "rebuild": rebuild,
        "view": view,
        "libraries": libraries,
    }
    args.out.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
