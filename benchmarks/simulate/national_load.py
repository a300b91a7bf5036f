"""Load the national files into PostgreSQL through the bulk path, timed, beside a raw COPY.

Usage: python benchmarks/simulate/national_load.py FOLDER --postgres URL
The database named by URL is dropped and re-created. The reference, in the same run, is
PostgreSQL's own `COPY` of the same lines into a one-column table: the floor for any loader.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from london_year import _harbour, fresh_postgres

ROOT = Path(__file__).resolve().parents[2]


def raw_copy(url: str, folder: Path) -> tuple[float, int]:
    import psycopg

    lines = 0
    with psycopg.connect(url) as connection:
        connection.execute("CREATE TABLE raw_line (line text)")
        started = time.perf_counter()
        with connection.cursor().copy("COPY raw_line (line) FROM STDIN") as copy:
            for path in sorted(folder.glob("*.jsonl")):
                with path.open(encoding="utf-8") as handle:
                    for line in handle:
                        copy.write_row((line.rstrip("\n"),))
                        lines += 1
        connection.commit()
        return time.perf_counter() - started, lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--postgres", required=True)
    args = parser.parse_args()
    fresh_postgres(args.postgres)
    _harbour(args.postgres, "db", "upgrade")
    _harbour(args.postgres, "orgs", "create", "National Benchmark Force", "--kind", "force")
    took = _harbour(args.postgres, "import", "--bulk", str(args.folder))
    floor, lines = raw_copy(args.postgres, args.folder)
    row = {
        "date": datetime.now(UTC).date().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "lines": lines,
        "bulk_import_seconds": round(took, 1),
        "lines_per_second": round(lines / took),
        "reference_raw_copy_seconds": round(floor, 1),
    }
    print(json.dumps(row, indent=2))
    (ROOT / "benchmarks" / "simulate" / "national_load.json").write_text(json.dumps(row, indent=2))


if __name__ == "__main__":
    main()
