"""The episode page beside the bare-page ceiling, in one run on PostgreSQL (issue 16's acceptance:
episode page throughput at least half the ceiling's at 50 connections, p95 under 30 ms for 50
users who pause between pages).

Serves Harbour (`harbour serve --workers N`, as shipped) and, with the same uvicorn settings and
worker count, the ceiling's pages of `bare.py`; then drives each with `wrk` from this machine:

1. ceiling: the most requests a second of a bare FastAPI route answering a static page of the
   episode page's size (its very bytes), 50 connections, no pause;
2. reference: the same for the reference page of `../shared/performance-notes.md` (one row by
   primary key, ten related rows, a small Jinja2 template, over the same database), the model
   the issue names for the comparison;
3. episode page: the most requests a second of `GET /episodes/{id}`, 50 connections, no pause,
   each request one of 50 officers signed in as the demo inspector with the justification for
   each of their episodes given once (as `load.py` does);
4. the episode page and the static page with 50 users pausing 1 to 3 s before each request:
   p50, p95, p99.

Each measurement is repeated (`--repeat`, in turn, so a burst of load elsewhere falls on all of
them alike) and the median kept. `--plain-uvicorn` adds the static and episode pages served by
uvicorn on asyncio and h11 (uvicorn without its `standard` extra), for the gain of uvloop and
httptools measured in the same run.

Why wrk and not Locust: the load generator shares the machine's two cores with the server and
PostgreSQL. wrk is compiled and event-driven, so at a few thousand requests a second it takes a
few percent of a core, where Locust (Python and gevent) needs most of one and caps what it can
measure; with a ceiling of thousands of requests a second, Locust would measure itself. wrk's
Lua script sets each request's session cookie, checks that the answer is the page, and pauses
in `delay()` (outside the latency it records). `load.py` (Locust) stays for the mixed workload.

Needs wrk (`apt-get install -y wrk`) and a PostgreSQL database holding the demo users and
simulated episodes (London 10-year data for the acceptance figure, see `load.py`; any scale
answers the question of cost per page):

    HARBOUR_DATABASE_URL=postgresql://postgres@127.0.0.1/harbour_bench harbour db upgrade
    HARBOUR_DATABASE_URL=... harbour demo setup
    HARBOUR_DATABASE_URL=... harbour simulate --scale borough --years 2 --load
    .venv/bin/python benchmarks/episodes/ceiling.py \\
        --database postgresql://postgres@127.0.0.1/harbour_bench --workers 2

Run it on a quiet machine: the load average is printed before and after, and figures taken
while anything else runs are not Harbour's.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import serving

HERE = Path(__file__).resolve().parent
MARKER = 'data-testid="status"'  # on every episode page (as load.py checks)
TARGET_RATIO, TARGET_P95_MS = 0.5, 30.0


def wrk(
    base: str, targets: Path, *, connections: int, seconds: float, think: bool, marker: str = ""
) -> dict[str, Any]:
    """Run wrk against `base` with the request lines in `targets`; return its JSON summary."""
    command = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{seconds:g}s",
        "--timeout",
        "10s",
        "-s",
        str(HERE / "pages.lua"),
        base,
        "--",
        str(targets),
        "1" if think else "0",
        marker,
    ]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    result["rps"] = result["requests"] / result["seconds"]
    return result


def _median(runs: list[dict[str, Any]]) -> dict[str, Any]:
    keys = ("rps", "p50_ms", "p95_ms", "p99_ms", "bad", "socket_errors", "timeouts")
    out: dict[str, Any] = {k: statistics.median(r[k] for r in runs) for k in keys}
    out["runs"] = [round(r["rps"], 1) for r in runs]
    return out


def _targets(folder: Path, name: str, lines: list[tuple[str, str]]) -> Path:
    path = folder / f"{name}.txt"
    path.write_text("".join(f"{cookie}\t{url}\n" for cookie, url in lines))
    return path


def _machine() -> str:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.machine()}, {os.cpu_count()} cores ({model}), {memory:.0f} GiB"


def _loops() -> str:
    found = []
    for module in ("uvloop", "httptools"):
        try:
            __import__(module)
            found.append(module)
        except ImportError:
            pass
    return " + ".join(found) or "asyncio + h11 (no uvicorn[standard])"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="PostgreSQL URL with demo users and data")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--users", type=int, default=50, help="officers signed in")
    parser.add_argument("--per-user", type=int, default=8, help="episodes each officer opens")
    parser.add_argument("--seconds", type=float, default=20, help="each no-pause measurement")
    parser.add_argument("--think-seconds", type=float, default=60, help="each paused measurement")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--warm", type=float, default=5, help="seconds of load before measuring")
    parser.add_argument("--pool", type=int, help="HARBOUR_DATABASE_POOL_SIZE for every server")
    parser.add_argument(
        "--plain-uvicorn",
        action="store_true",
        help="also serve on asyncio + h11, for uvloop and httptools' gain",
    )
    parser.add_argument("--out", type=Path, help="also write the results here as JSON")
    args = parser.parse_args()
    if not args.database.startswith("postgresql"):
        raise SystemExit("the acceptance figure is on PostgreSQL: give a postgresql:// URL")

    load_before = os.getloadavg()
    started = datetime.now(UTC)
    env = {"HARBOUR_DATABASE_URL": args.database, "HARBOUR_LOG_JSON": "true"}
    if args.pool:
        env["HARBOUR_DATABASE_POOL_SIZE"] = str(args.pool)
    chosen, counts = serving.episodes(args.database, args.users * args.per_user)
    servers: list[serving.Server] = []
    folder = Path(tempfile.mkdtemp(prefix="harbour-ceiling-"))
    try:
        harbour = serving.serve("harbour", workers=args.workers, env=env)
        servers.append(harbour)
        lines = []
        for n in range(args.users):
            mine = chosen[n * args.per_user : (n + 1) * args.per_user]
            client = serving.sign_in(harbour.base)
            serving.justify(client, mine)
            cookie = client.cookies[serving.SESSION_COOKIE]
            lines += [(cookie, f"/episodes/{episode_id}") for episode_id, _ in mine]
            client.close()
        page = httpx.get(harbour.base + lines[0][1], cookies={"harbour_session": lines[0][0]})
        if page.status_code != 200 or MARKER not in page.text:
            raise SystemExit(f"the episode page answered {page.status_code}, not the page")
        (folder / "page.html").write_bytes(page.content)
        bare_env = {**env, "BARE_PAGE_FILE": str(folder / "page.html")}
        static = serving.serve("static", workers=args.workers, env=bare_env, app="bare:static_app")
        reference = serving.serve(
            "reference", workers=args.workers, env=bare_env, app="bare:reference_app"
        )
        servers += [static, reference]
        episode_targets = _targets(folder, "episodes", lines)
        static_targets = _targets(folder, "static", [("", "/page")])
        reference_targets = _targets(
            folder, "reference", [("", f"/episodes/{e}") for e, _ in chosen]
        )
        busy: list[tuple[str, serving.Server, Path, str]] = [
            ("ceiling: static page", static, static_targets, ""),
            ("reference page (notes)", reference, reference_targets, ""),
            ("episode page", harbour, episode_targets, MARKER),
        ]
        if args.plain_uvicorn:
            plain_harbour = serving.serve(
                "harbour-plain", workers=args.workers, env=env, loop="asyncio", http="h11"
            )
            plain_static = serving.serve(
                "static-plain",
                workers=args.workers,
                env=bare_env,
                app="bare:static_app",
                loop="asyncio",
                http="h11",
            )
            servers += [plain_harbour, plain_static]
            busy += [
                ("static page, asyncio + h11", plain_static, static_targets, ""),
                ("episode page, asyncio + h11", plain_harbour, episode_targets, MARKER),
            ]
        paused = [
            ("episode page, 1-3 s pauses", harbour, episode_targets, MARKER),
            ("static page, 1-3 s pauses", static, static_targets, ""),
        ]
        runs: dict[str, list[dict[str, Any]]] = {}
        for _ in range(args.repeat):
            for label, server, targets, marker in busy:
                wrk(
                    server.base,
                    targets,
                    connections=args.connections,
                    seconds=args.warm,
                    think=False,
                    marker=marker,
                )
                result = wrk(
                    server.base,
                    targets,
                    connections=args.connections,
                    seconds=args.seconds,
                    think=False,
                    marker=marker,
                )
                runs.setdefault(label, []).append(result)
                print(f"  {label}: {result['rps']:.0f} requests/s", flush=True)
        for label, server, targets, marker in paused:
            result = wrk(
                server.base,
                targets,
                connections=args.users,
                seconds=args.think_seconds,
                think=True,
                marker=marker,
            )
            runs[label] = [result]
            print(f"  {label}: p95 {result['p95_ms']:.1f} ms", flush=True)
    finally:
        for server in reversed(servers):
            server.stop()
    load_after = os.getloadavg()
    results = {label: _median(r) for label, r in runs.items()}
    _report(args, results, counts, len(page.content), started, load_before, load_after)
    if args.out:
        report = {
            "date": started.isoformat(timespec="seconds"),
            "machine": _machine(),
            "load_average_before": load_before,
            "load_average_after": load_after,
            "server": f"{args.workers} workers, {_loops()}",
            "data": counts,
            "results": results,
        }
        args.out.write_text(json.dumps(report, indent=2) + "\n")


def _report(
    args: argparse.Namespace,
    results: dict[str, dict[str, Any]],
    counts: dict[str, int],
    page_bytes: int,
    started: datetime,
    before: tuple[float, float, float],
    after: tuple[float, float, float],
) -> None:
    def load(avg: tuple[float, float, float]) -> str:
        return ", ".join(f"{x:.2f}" for x in avg)

    print()
    print(f"date        {started:%Y-%m-%d %H:%M} UTC")
    print(f"machine     {_machine()}; Python {platform.python_version()}")
    print(f"load avg    before {load(before)}; after {load(after)} (1, 5, 15 min)")
    pool = args.pool or "default"
    print(f"server      {args.workers} workers, {_loops()}, database pool {pool}; PostgreSQL")
    print(
        f"data        {counts['episodes']:,} episodes, {counts['people']:,} people; "
        f"episode page {page_bytes:,} bytes; {args.users} officers"
    )
    print(
        f"load        wrk, {args.connections} connections, {args.seconds:g} s x {args.repeat} "
        f"(median); pauses: {args.users} users, {args.think_seconds:g} s"
    )
    print()
    print(f"{'':34} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'bad':>5}  runs")
    for label, r in results.items():
        bad = int(r["bad"] + r["socket_errors"] + r["timeouts"])
        print(
            f"{label:34} {r['rps']:8.0f} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} "
            f"{r['p99_ms']:8.1f} {bad:5d}  {r['runs']}"
        )
    episode = results["episode page"]["rps"]
    ceiling = results["ceiling: static page"]["rps"]
    reference = results["reference page (notes)"]["rps"]
    paused_p95 = results["episode page, 1-3 s pauses"]["p95_ms"]
    print()
    verdict = "met" if episode / ceiling >= TARGET_RATIO else "not met"
    print(
        f"episode / ceiling (static)  {episode / ceiling:.3f}  (target >= {TARGET_RATIO}: "
        f"{verdict})"
    )
    print(f"episode / reference page    {episode / reference:.3f}")
    verdict = "met" if paused_p95 < TARGET_P95_MS else "not met"
    print(
        f"episode p95 with pauses     {paused_p95:.1f} ms  (target < {TARGET_P95_MS:g} ms: "
        f"{verdict})"
    )
    if "episode page, asyncio + h11" in results:
        for label, plain in (
            ("static", "static page, asyncio + h11"),
            ("episode", "episode page, asyncio + h11"),
        ):
            fast = results["ceiling: static page" if label == "static" else "episode page"]
            print(
                f"uvloop + httptools, {label:8} {fast['rps'] / results[plain]['rps']:.2f}x "
                "the requests/s of asyncio + h11"
            )
    if max(before[0], after[0]) > 0.5:
        print(
            "\nThe machine was not quiet (load average above 0.5): these figures are not "
            "Harbour's; do not publish them."
        )


if __name__ == "__main__":
    main()
