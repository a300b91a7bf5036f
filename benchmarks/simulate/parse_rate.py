"""How fast one line of the import format is parsed and validated, in a fresh process.

The reference point for the bulk importer's per-line cost at scale: the same function
(`importer.parse_or_reject`) on the same lines, with nothing else in memory. With --hold N, as
inside a bulk load: each chunk of parsed lines is kept until the chunk is done, and N ids are held
with each parsed line's id added, as the bulk path keeps the ids it has seen and written — as it
holds them now (`--held-as refs`) or as a set and a dict keyed by (kind, id) tuples, as it held
them before 2026-11-27 (`--held-as tuples`). Usage:
    python benchmarks/simulate/parse_rate.py FILE.jsonl [--skip N] [--lines N] [--hold N]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import time
from datetime import UTC, datetime
from pathlib import Path

from harbour.interop import bulk, importer
from harbour.interop.schemas import KINDS

ROOT = Path(__file__).resolve().parents[2]


class Held:
    """Ids held the way the bulk path holds them, or the way it held them before."""

    def __init__(self, count: int, held_as: str) -> None:
        self.as_tuples = held_as == "tuples"
        self.seen_tuples: set[tuple[str, str]] = set()
        self.known_tuples: dict[tuple[str, str], tuple[int, str]] = {}
        self.seen: dict[str, dict[str, None]] = {kind: {} for kind in KINDS}
        self.refs = importer.Refs()
        for n in range(count):
            self.add("person", f"held-{n:09d}", n)

    def add(self, kind: str, external: str, record_id: int) -> None:
        if self.as_tuples:
            self.seen_tuples.add((kind, external))
            self.known_tuples[(kind, external)] = (record_id, "")
        else:
            self.seen[kind][external] = None
            self.refs.add(kind, external, record_id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--skip", type=int, default=0, help="lines to skip first")
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--hold", type=int, default=0, help="ids held meanwhile")
    parser.add_argument("--held-as", choices=("refs", "tuples"), default="refs")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/simulate/parse_rate.json")
    args = parser.parse_args()
    with args.file.open(encoding="utf-8") as handle:
        lines = [
            line.rstrip("\n")
            for line in itertools.islice(handle, args.skip, args.skip + args.lines)
        ]
    held = Held(args.hold, args.held_as) if args.hold else None
    summary = importer.Summary(files=[str(args.file)])
    started = time.perf_counter()
    chunk: list[importer.Parsed] = []
    for number, line in enumerate(lines, start=1):
        item = importer.parse_or_reject(summary, str(args.file), number, line)
        if held and item:
            held.add(item.record.kind, item.record.id, number)
            chunk = chunk if len(chunk) < bulk.BULK_CHUNK else []
            chunk.append(item)
    took = time.perf_counter() - started
    result = {
        "date": datetime.now(UTC).date().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "file": args.file.name,
        "lines": len(lines),
        "mean_line_chars": sum(map(len, lines)) // max(1, len(lines)),
        "rejected": len(summary.rejected),
        "ids_held": args.hold,
        "held_as": args.held_as if args.hold else None,
        "seconds": round(took, 2),
        "lines_per_second": round(len(lines) / took),
    }
    print(json.dumps(result, indent=2))
    args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
