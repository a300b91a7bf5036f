"""One London year (about 30,000 child episodes): generate it, then import it, timed.

Imports into a scratch SQLite file and, with --postgres, a scratch PostgreSQL database (dropped
and re-created). The reference, in the same run, is the floor any importer must stand on: the raw
lines copied into a one-column table with no validation (PostgreSQL `COPY`, SQLite
`executemany`). Usage:
    python benchmarks/simulate/london_year.py [--postgres postgresql://postgres@127.0.0.1/harbour_bench]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AS_OF = date(2026, 11, 27)


def _env(url: str) -> dict[str, str]:
    return {**os.environ, "HARBOUR_DATABASE_URL": url, "HARBOUR_LOG_JSON": "false"}


def _harbour(url: str, *args: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "harbour.cli", *args], env=_env(url), check=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    return time.perf_counter() - started


def _lines(folder: Path) -> list[str]:
    return [
        line.rstrip("\n")
        for path in sorted(folder.glob("*.jsonl"))
        for line in path.open(encoding="utf-8")
    ]


def reference_sqlite(url: str, lines: list[str]) -> float:
    import sqlite3

    connection = sqlite3.connect(url.split("///", 1)[1])
    started = time.perf_counter()
    connection.execute("CREATE TABLE IF NOT EXISTS raw_line (line TEXT)")
    connection.executemany("INSERT INTO raw_line VALUES (?)", ((line,) for line in lines))
    connection.commit()
    took = time.perf_counter() - started
    connection.close()
    return took


def reference_postgres(url: str, lines: list[str]) -> float:
    import psycopg

    with psycopg.connect(url) as connection:
        started = time.perf_counter()
        connection.execute("CREATE TABLE IF NOT EXISTS raw_line (line text)")
        with connection.cursor().copy("COPY raw_line (line) FROM STDIN") as copy:
            for line in lines:
                copy.write_row((line,))
        connection.commit()
        return time.perf_counter() - started


def fresh_postgres(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", help="scratch PostgreSQL database URL (dropped!)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="harbour-london-"))
    out = scratch / "files"
    sqlite_url = f"sqlite:///{scratch / 'harbour.db'}"
    generate = _harbour(
        sqlite_url, "simulate", "--scale", "london", "--seed", str(args.seed),
        "--as-of", AS_OF.isoformat(), "--out", str(out),
    )  # fmt: skip
    lines = _lines(out)
    results = {"generate_seconds": round(generate, 1), "lines": len(lines), "imports": []}
    print(f"generated {len(lines):,} lines in {generate:.1f} s")
    targets = [("SQLite", sqlite_url)]
    if args.postgres:
        fresh_postgres(args.postgres)
        targets.append(("PostgreSQL", args.postgres))
    for label, url in targets:
        _harbour(url, "db", "upgrade")
        _harbour(url, "orgs", "create", "Benchmark Force", "--kind", "force")
        took = _harbour(url, "import", str(out))
        again = _harbour(url, "import", str(out))
        if url.startswith("sqlite"):
            floor = reference_sqlite(url, lines)
        else:
            floor = reference_postgres(url.replace("postgresql+psycopg", "postgresql"), lines)
        row = {
            "database": label,
            "import_seconds": round(took, 1),
            "lines_per_second": round(len(lines) / took),
            "reimport_unchanged_seconds": round(again, 1),
            "reference_raw_copy_seconds": round(floor, 2),
            "generate_plus_import_seconds": round(generate + took, 1),
        }
        results["imports"].append(row)
        print(json.dumps(row))
    results |= {
        "date": datetime.now(UTC).date().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "python": platform.python_version(),
    }
    (ROOT / "benchmarks" / "simulate" / "london_year.json").write_text(
        json.dumps(results, indent=2)
    )


if __name__ == "__main__":
    main()
