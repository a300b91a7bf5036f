"""Audited appends against plain inserts of the same rows, with 1, 4 and 16 concurrent writers.

Each transaction is what an audited request writes: one small change (a row in `bench_change`)
and its audit event. Three kinds, each run for the same time with the same writers:

- plain: the change and a plain INSERT of the same event row (no chain, no lock), the reference;
- audited: the change and `audit.record`, linked onto the chain as the transaction commits
  (decision 19: the head's lock is held for the commit alone);
- eager: the same, with the head locked at the event as `audit.record` did before decision 19
  (`chain.hold` straight after the event), for comparison; `--think-ms` puts time between the
  event and the commit, as a page that renders after recording its view.

Writers are separate processes, each with its own connection. After each audited run the whole
chain is verified and must hold every event. Prints the machine, the load average before and
after, and a table: transactions/s, p50 and p95 latency, and the ratio to plain inserts.
Usage: python benchmarks/audit/appends.py [--seconds S] [--writers 1 4 16] [--think-ms MS]
       [--postgres URL (a scratch database: dropped and made again)] [--no-sqlite]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import queue
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy
from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    select,
    text,
)
from sqlalchemy.orm import sessionmaker

KINDS = ("plain", "audited", "eager")
START_SECONDS = 120.0  # for every writer to connect, on a busy machine

bench_meta = MetaData()
change = Table(
    "bench_change",
    bench_meta,
    Column("id", Integer, primary_key=True),
    Column("writer", Integer),
    Column("i", Integer),
    Column("note", String(100)),
)
plain_event = Table(
    "bench_plain_event",
    bench_meta,
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


def _transaction(session: Any, kind: str, actor: Any, worker: int, i: int, think: float) -> None:
    from harbour.audit import chain
    from harbour.audit import service as audit

    row_id = session.execute(
        change.insert().values(writer=worker, i=i, note="a small change").returning(change.c.id)
    ).scalar_one()
    after = {"writer": worker, "i": i}
    if kind == "plain":
        session.execute(
            plain_event.insert().values(
                seq=i,
                at=datetime.now(UTC),
                actor_name=actor.display_name,
                action="update",
                subject_type="bench_change",
                subject_id=str(row_id),
                after=after,
                justification="benchmark",
            )
        )
    else:
        audit.record(
            session, actor, "update", "bench_change", row_id, after=after, justification="benchmark"
        )
        if kind == "eager":
            chain.hold(session)
    if think:
        time.sleep(think)


def _writer(
    url: str, kind: str, seconds: float, think: float, worker: int, ready: Any, out: Any
) -> None:
    os.environ["HARBOUR_DATABASE_URL"] = url
    from harbour import db
    from harbour.actor import Channel, system_actor

    engine = db.make_engine(url)
    factory = sessionmaker(bind=engine)
    actor = system_actor(Channel.job, name=f"bench-{worker}")
    try:
        with factory() as warm, warm.begin():
            warm.execute(select(1))
    except BaseException:
        ready.abort()  # the others and the parent stop waiting for this writer
        raise
    latencies: list[float] = []
    ready.wait(START_SECONDS)
    started = time.perf_counter()
    deadline = started + seconds
    i = 0
    while time.perf_counter() < deadline:
        i += 1
        began = time.perf_counter()
        with factory() as session, session.begin():
            _transaction(session, kind, actor, worker, i, think)
        latencies.append(time.perf_counter() - began)
    out.put((time.perf_counter() - started, latencies))
    engine.dispose()


def _percentile(ordered: list[float], p: float) -> float:
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def run(url: str, kind: str, writers: int, seconds: float, think: float) -> dict[str, Any]:
    """Run one kind with this many writers; return its throughput and latencies."""
    ctx = mp.get_context("spawn")  # a writer must not inherit this process's connections
    ready = ctx.Barrier(writers + 1)
    out = ctx.Queue()
    processes = [
        ctx.Process(target=_writer, args=(url, kind, seconds, think, w, ready, out))
        for w in range(writers)
    ]
    for process in processes:
        process.start()
    try:
        ready.wait(START_SECONDS)
        results = [out.get(timeout=seconds + START_SECONDS) for _ in processes]
    except (threading.BrokenBarrierError, queue.Empty):
        for process in processes:
            process.terminate()
            process.join()
        raise SystemExit(f"a {kind} writer failed to start or to finish (see above)") from None
    for process in processes:
        process.join()
        if process.exitcode != 0:
            raise SystemExit(f"a {kind} writer failed (exit code {process.exitcode})")
    wall = max(elapsed for elapsed, _ in results)
    ordered = sorted(lat for _, lats in results for lat in lats)
    return {
        "transactions": len(ordered),
        "per_second": len(ordered) / wall,
        "p50_ms": _percentile(ordered, 0.50) * 1000,
        "p95_ms": _percentile(ordered, 0.95) * 1000,
    }


def _migrate(url: str) -> None:
    env = {**os.environ, "HARBOUR_DATABASE_URL": url}
    subprocess.run(
        [sys.executable, "-m", "harbour.cli", "db", "upgrade"],
        env=env,
        check=True,
        capture_output=True,
    )


def _fresh_postgres(url: str) -> None:
    from sqlalchemy import create_engine, make_url

    target = make_url(url)
    admin_url = target.set(drivername="postgresql+psycopg", database="postgres")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def _prepare(url: str) -> str:
    """Make an empty Harbour database at `url` with the benchmark's own tables; describe it."""
    from harbour import db

    if url.startswith("sqlite"):
        path = Path(url.split("///", 1)[1])
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        _fresh_postgres(url)
    _migrate(url)
    engine = db.make_engine(url)
    bench_meta.create_all(engine)
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            described = f"SQLite {sqlite3.sqlite_version} (WAL, synchronous=NORMAL)"
        else:
            version = connection.execute(text("SHOW server_version")).scalar_one()
            sync = connection.execute(text("SHOW synchronous_commit")).scalar_one()
            described = f"PostgreSQL {version} (synchronous_commit={sync})"
    engine.dispose()
    return described


def _audited_events(url: str) -> tuple[bool, int, str | None]:
    from harbour import db
    from harbour.audit import service as audit
    from harbour.audit.models import AuditEvent

    engine = db.make_engine(url)
    with sessionmaker(bind=engine)() as session:
        verdict = audit.verify(session)
        count = session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.subject_type == "bench_change")
        )
    engine.dispose()
    return verdict.ok, count or 0, verdict.problem


def _machine() -> list[str]:
    model = "unknown CPU"
    memory = "unknown memory"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    return [
        f"machine: {platform.node()} · {platform.machine()} · {model} · {os.cpu_count()} cores "
        f"· {memory}",
        f"software: Python {platform.python_version()} · SQLAlchemy {sqlalchemy.__version__} "
        f"· {platform.system()} {platform.release()}",
    ]


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0, help="run time of each cell")
    parser.add_argument("--writers", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--think-ms", type=float, default=0.0, help="time from event to commit")
    parser.add_argument("--postgres", help="URL of a scratch PostgreSQL database (dropped!)")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS))
    args = parser.parse_args()
    targets: list[tuple[str, str]] = []
    if args.postgres:
        targets.append(("PostgreSQL", args.postgres))
    if not args.no_sqlite:
        scratch = Path(tempfile.mkdtemp(prefix="harbour-bench-"))
        targets.append(("SQLite", f"sqlite:///{scratch / 'bench.db'}"))
    if not targets:
        parser.error("nothing to run: give --postgres or leave out --no-sqlite")
    kinds = ["plain", *(k for k in args.kinds if k != "plain")]  # plain first: the reference
    print(*_machine(), sep="\n")
    print(
        f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {args.seconds:g} s a cell · "
        f"think {args.think_ms:g} ms"
    )
    rows: list[tuple[str, int, str, dict[str, Any], float]] = []
    for label, url in targets:
        described = _prepare(url)
        print(f"\n{described}; load average before: {_load()}")
        expected = 0
        for writers in args.writers:
            reference = 0.0
            for kind in kinds:
                result = run(url, kind, writers, args.seconds, args.think_ms / 1000)
                if kind == "plain":
                    reference = result["per_second"]
                else:
                    expected += result["transactions"]
                    ok, count, problem = _audited_events(url)
                    if not ok or count != expected:
                        raise SystemExit(
                            f"the chain is broken ({problem}) or lost events: {count} of {expected}"
                        )
                ratio = result["per_second"] / reference if reference else float("nan")
                rows.append((label, writers, kind, result, ratio))
                print(f"  {label} writers={writers:<2} {kind:7} {result['per_second']:9.1f} tx/s")
        print(f"{label}: chain verified, {expected} audited events; load average after: {_load()}")
    print()
    print("| database | writers | kind | tx/s | p50 ms | p95 ms | vs plain |")
    print("|---|---|---|---|---|---|---|")
    for label, writers, kind, result, ratio in rows:
        print(
            f"| {label} | {writers} | {kind} | {result['per_second']:,.0f} "
            f"| {result['p50_ms']:.1f} | {result['p95_ms']:.1f} | {ratio:.2f} |"
        )
    print(f"\nload average at the end: {_load()}")


if __name__ == "__main__":
    main()
