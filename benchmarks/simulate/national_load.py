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
import threading
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


def cpu_seconds(match: str) -> dict[int, float]:
    """CPU seconds (user + system) used so far by each process whose command line holds `match`.

    Read from Linux's /proc, so the benchmark needs nothing beyond Harbour's own dependencies.
    """
    tick = os.sysconf("SC_CLK_TCK")
    found: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            stat = (entry / "stat").read_text()
        except OSError:  # the process ended meanwhile
            continue
        if match in command:
            fields = stat.rpartition(")")[2].split()  # fields from the third (state) on
            found[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    return found


def sample(url: str, every: float, timeline: list[dict[str, float]], stop: threading.Event) -> None:
    """Every `every` seconds: records loaded so far, and the CPU the importer and PostgreSQL used
    (in cores), so that the timeline shows where a slowdown comes from."""
    import psycopg

    started = time.perf_counter()
    seen: dict[int, float] = {}

    def cpu(match: str) -> float:
        total = 0.0
        for pid, used in cpu_seconds(match).items():
            total += used - seen.get(pid, used)  # first sighting counts nothing
            seen[pid] = used
        return total

    cpu("import --bulk"), cpu("postgres: ")
    while not stop.wait(every):
        with psycopg.connect(url) as connection:
            loaded = connection.execute("SELECT last_value FROM import_ref_id_seq").fetchone()
        timeline.append(
            {
                "seconds": round(time.perf_counter() - started),
                "records": int(loaded[0]) if loaded else 0,
                "importer_cores": round(cpu("import --bulk") / every, 2),
                "postgres_cores": round(cpu("postgres: ") / every, 2),
            }
        )


def per_kind(url: str) -> list[dict[str, object]]:
    """Records of each kind and the time from its first chunk to its last (`import_ref`)."""
    import psycopg

    with psycopg.connect(url) as connection:
        rows = connection.execute(
            "SELECT kind, count(*), extract(epoch FROM max(imported_at) - min(imported_at)) "
            "FROM import_ref GROUP BY kind ORDER BY min(imported_at)"
        ).fetchall()
    return [
        {
            "kind": kind,
            "records": count,
            "seconds": round(float(seconds), 1),
            "per_second": round(count / float(seconds)) if seconds else None,
        }
        for kind, count, seconds in rows
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--postgres", required=True)
    parser.add_argument("--every", type=float, default=30.0, help="seconds between samples")
    parser.add_argument("--out", type=Path, help="where to write the result (default beside)")
    args = parser.parse_args()
    fresh_postgres(args.postgres)
    _harbour(args.postgres, "db", "upgrade")
    _harbour(args.postgres, "orgs", "create", "National Benchmark Force", "--kind", "force")
    timeline: list[dict[str, float]] = []
    stop = threading.Event()
    sampler = threading.Thread(target=sample, args=(args.postgres, args.every, timeline, stop))
    sampler.start()
    try:
        took = _harbour(args.postgres, "import", "--bulk", str(args.folder))
    finally:
        stop.set()
        sampler.join()
    kinds = per_kind(args.postgres)
    floor, lines = raw_copy(args.postgres, args.folder)
    row = {
        "date": datetime.now(UTC).date().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "lines": lines,
        "bulk_import_seconds": round(took, 1),
        "lines_per_second": round(lines / took),
        "per_kind": kinds,
        "reference_raw_copy_seconds": round(floor, 1),
        "timeline": timeline,
    }
    print(json.dumps(row, indent=2))
    out = args.out or ROOT / "benchmarks" / "simulate" / "national_load.json"
    out.write_text(json.dumps(row, indent=2) + "\n")


if __name__ == "__main__":
    main()
