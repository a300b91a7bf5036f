"""The national ten-year scale (about 3.3 million episodes) generated as files: time and memory.

Runs the generator in this process and reports wall time and peak resident memory
(`ru_maxrss`). Usage: python benchmarks/simulate/national_files.py [--out DIR] [--years 10]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from harbour.simulate.service import simulate

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--years", type=float, default=10)
    parser.add_argument("--keep", action="store_true", help="keep the files afterwards")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="harbour-national-"))
    started = time.perf_counter()
    result = simulate(
        seed=1, scale="national", years=args.years, as_of=date(2026, 11, 27), out=out,
        on_area=lambda done, total: print(f"\r{done}/{total} areas", end="", flush=True),
    )  # fmt: skip
    took = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size = sum(p.stat().st_size for p in out.iterdir())
    row = {
        "date": datetime.now(UTC).date().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "years": args.years,
        "counts": result.counts,
        "seconds": round(took, 1),
        "records_per_second": round(sum(result.counts.values()) / took),
        "peak_memory_mib": round(peak_mib),
        "bytes_written": size,
    }
    print()
    print(json.dumps(row, indent=2))
    (ROOT / "benchmarks" / "simulate" / "national_files.json").write_text(json.dumps(row, indent=2))
    if not args.keep and not args.out:
        shutil.rmtree(out)


if __name__ == "__main__":
    main()
