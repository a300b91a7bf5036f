"""The network rebuild's read paths before and after they were split into a function per entity
kind (issue 13): `graph.build` over the whole network and `view.walk` two steps around random
children, timed on the same database in the same run, each source tree in its own process.

    git worktree add /tmp/harbour-before d1f0dd4   # the commit before the split
    python benchmarks/network/split_check.py --database postgresql://.../harbour_network \
        --before /tmp/harbour-before/src --after src

Only what both trees read the same way is timed (the tables of people, places, phones,
associations, episodes and companions); storing alerts changed on purpose (rows, not JSON).
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
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
AS_OF = datetime(2026, 11, 27, tzinfo=UTC)


def part(url: str, builds: int, walks: int, seed: int) -> dict[str, Any]:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from harbour.db import make_engine
    from harbour.episodes.models import Episode
    from harbour.network import graph, view
    from harbour.network import service as network

    engine = make_engine(url)
    build_seconds = []
    for _ in range(builds):
        with Session(engine) as session:
            (org,) = network.organisations(session)  # one force
            started = time.perf_counter()
            g = graph.build(session, AS_OF, organisation=org)
            build_seconds.append(time.perf_counter() - started)
            links = len(g.links)
            del g
    with Session(engine) as session:
        children = list(session.scalars(select(Episode.person_id).distinct()))
    random.Random(seed).shuffle(children)
    walk_ms = []
    nodes = 0
    for pid in children[:walks]:
        with Session(engine) as session:
            started = time.perf_counter()
            found = view.walk(session, None, {f"person:{pid}"}, steps=2, busy=())
            walk_ms.append((time.perf_counter() - started) * 1000)
            nodes += len(found.nodes)
    walk_ms.sort()
    import harbour

    return {
        # Relative to the checkout, so the results name no machine's own paths.
        "source": os.path.relpath(Path(harbour.__file__).parent, HERE.parents[1]),
        "links": links,
        "graph_build_seconds": [round(s, 2) for s in build_seconds],
        "graph_build_median": round(statistics.median(build_seconds), 2),
        "walk_ms_p50": round(walk_ms[len(walk_ms) // 2], 1),
        "walk_ms_p95": round(walk_ms[int(len(walk_ms) * 0.95) - 1], 1),
        "walk_nodes": nodes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--before", type=Path, help="src folder of the tree before the split")
    parser.add_argument("--after", type=Path, help="src folder of the tree after it")
    parser.add_argument("--builds", type=int, default=3)
    parser.add_argument("--walks", type=int, default=100)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--part", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=HERE / "split_check.json")
    args = parser.parse_args()
    if args.part:
        result = part(args.database, args.builds, args.walks, args.seed)
        print(json.dumps(result))
        return
    out: dict[str, Any] = {
        "date": date.today().isoformat(),
        "machine": f"{platform.node()} {platform.machine()}, {os.cpu_count()} cores",
        "load_average_before": os.getloadavg(),
    }
    # Alternate the trees so that neither gets a warmer cache throughout.
    for label, src in (("before", args.before), ("after", args.after)) * 2:
        env = {**os.environ, "PYTHONPATH": str(src.resolve())}
        command = [sys.executable, __file__, "--part", str(src), "--database", args.database,
                   "--builds", str(args.builds), "--walks", str(args.walks)]  # fmt: skip
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
        out.setdefault(label, []).append(json.loads(done.stdout.strip().splitlines()[-1]))
    out["load_average_after"] = os.getloadavg()
    args.out.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
