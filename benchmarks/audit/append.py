"""What the audit log's hash chain and head lock cost, against a plain INSERT of the same row.

Each writer process opens its own engine and appends N events, one transaction per event (as a
request does). The reference writes the same row into a table with no chain and no lock.
Usage: python benchmarks/audit/append.py [--events N] [--writers 1 4] [--postgres URL]
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
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import JSON, BigInteger, Column, DateTime, Integer, MetaData, String, Table, Text
from sqlalchemy.orm import sessionmaker

ROOT = Path(__file__).resolve().parents[2]

plain_meta = MetaData()
plain = Table(
    "bench_plain_event",
    plain_meta,
    Column("id", Integer, primary_key=True),
    Column("seq", BigInteger),
    Column("at", DateTime(timezone=True)),
    Column("actor_name", String(200)),
    Column("action", String(40)),
    Column("subject_type", String(40)),
    Column("subject_id", String(64)),
    Column("after", JSON),
    Column("justification", Text),
)


def _migrate(url: str) -> None:
    env = {**os.environ, "HARBOUR_DATABASE_URL": url}
    subprocess.run(
        [sys.executable, "-m", "harbour.cli", "db", "upgrade"],
        env=env,
        check=True,
        capture_output=True,
    )


def _writer(url: str, kind: str, events: int, worker: int) -> float:
    os.environ["HARBOUR_DATABASE_URL"] = url
    from harbour import db
    from harbour.actor import Channel, system_actor
    from harbour.audit import service as audit

    engine = db.make_engine(url)
    factory = sessionmaker(bind=engine)
    actor = system_actor(Channel.job, name=f"bench-{worker}")
    started = time.perf_counter()
    for i in range(events):
        with factory() as session, session.begin():
            if kind == "chain":
                audit.record(
                    session, actor, "view", "person", i, after={"i": i}, justification="benchmark"
                )
            else:
                session.execute(
                    plain.insert().values(
                        seq=i,
                        at=datetime.now(UTC),
                        actor_name=actor.display_name,
                        action="view",
                        subject_type="person",
                        subject_id=str(i),
                        after={"i": i},
                        justification="benchmark",
                    )
                )
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed


def run(url: str, kind: str, events: int, writers: int) -> dict[str, float]:
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=writers) as pool:
        list(
            pool.map(_writer, [url] * writers, [kind] * writers, [events] * writers, range(writers))
        )
    wall = time.perf_counter() - started
    total = events * writers
    return {"events": total, "seconds": round(wall, 3), "per_second": round(total / wall, 1)}


def _verify(url: str) -> tuple[bool, int]:
    os.environ["HARBOUR_DATABASE_URL"] = url
    from harbour import db
    from harbour.audit import service as audit

    engine = db.make_engine(url)
    with sessionmaker(bind=engine)() as session:
        started = time.perf_counter()
        verdict = audit.verify(session)
        took = time.perf_counter() - started
    engine.dispose()
    print(f"    verify: {verdict.checked} events in {took:.2f} s ({verdict.checked / took:,.0f}/s)")
    return verdict.ok, verdict.checked


def _prepare_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    base, _, name = url.rpartition("/")
    admin = create_engine(
        base.replace("postgresql://", "postgresql+psycopg://") + "/postgres",
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=2000, help="events per writer")
    parser.add_argument("--writers", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--postgres", help="URL of a scratch PostgreSQL database (dropped!)")
    args = parser.parse_args()
    targets: list[tuple[str, str]] = []
    scratch = Path(tempfile.mkdtemp(prefix="harbour-bench-"))
    targets.append(("SQLite (WAL)", f"sqlite:///{scratch / 'bench.db'}"))
    if args.postgres:
        targets.append(("PostgreSQL", args.postgres))
    results = []
    print(f"{platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()}")
    for label, url in targets:
        for writers in args.writers:
            if url.startswith("sqlite"):
                path = Path(url.split("///", 1)[1])
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
            else:
                _prepare_postgres(url)
            _migrate(url)
            from harbour import db

            engine = db.make_engine(url)
            plain_meta.create_all(engine)
            engine.dispose()
            for kind in ("plain", "chain"):
                result = run(url, kind, args.events, writers)
                row = {"database": label, "writers": writers, "kind": kind, **result}
                results.append(row)
                print(f"  {label:14} writers={writers} {kind:5} {result['per_second']:>9,.1f}/s")
            ok, checked = _verify(url)
            assert ok, "the chain written concurrently does not verify"
            assert checked == args.events * writers, "events were lost"
    out = ROOT / "benchmarks" / "audit" / "results.json"
    out.write_text(
        json.dumps(
            {
                "date": datetime.now(UTC).date().isoformat(),
                "machine": f"{platform.machine()}, {os.cpu_count()} cores",
                "python": platform.python_version(),
                "events_per_writer": args.events,
                "results": results,
            },
            indent=2,
        )
    )
    print(f"written {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
