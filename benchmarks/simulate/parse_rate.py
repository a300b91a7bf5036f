"""How fast one line of the import format is parsed and validated, in a fresh process.

The reference point for the bulk importer's per-line cost at scale: the same function
(`importer.parse_or_reject`) on the same lines, with nothing else in memory. Usage:
    python benchmarks/simulate/parse_rate.py FILE.jsonl [--skip N] [--lines N]
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

from harbour.interop import importer

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--skip", type=int, default=0, help="lines to skip first")
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/simulate/parse_rate.json")
    args = parser.parse_args()
    with args.file.open(encoding="utf-8") as handle:
        lines = [
            line.rstrip("\n")
            for line in itertools.islice(handle, args.skip, args.skip + args.lines)
        ]
    summary = importer.Summary(files=[str(args.file)])
    started = time.perf_counter()
    for number, line in enumerate(lines, start=1):
        importer.parse_or_reject(summary, str(args.file), number, line)
    took = time.perf_counter() - started
    result = {
        "date": datetime.now(UTC).date().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "file": args.file.name,
        "lines": len(lines),
        "mean_line_chars": sum(map(len, lines)) // max(1, len(lines)),
        "rejected": len(summary.rejected),
        "seconds": round(took, 2),
        "lines_per_second": round(len(lines) / took),
    }
    print(json.dumps(result, indent=2))
    args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
