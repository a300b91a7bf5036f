"""Episode pages under load: 50 simulated officers, then the most requests a second the machine
sustains with p95 under 500 ms. Locust drives a real `harbour serve` over HTTP, started by
`serving.py` as `ceiling.py` starts it (wrk against the bare-page ceiling).

Needs the simulator's London 10-year data in PostgreSQL (issue 4's acceptance) and Locust:

    pip install -e '.[bench]'
    createdb harbour_bench
    HARBOUR_DATABASE_URL=postgresql://postgres@127.0.0.1/harbour_bench harbour db upgrade
    HARBOUR_DATABASE_URL=... harbour demo setup
    harbour simulate --scale london --years 10 --out /tmp/london10
    HARBOUR_DATABASE_URL=... harbour import /tmp/london10 --bulk
    python benchmarks/episodes/load.py --database postgresql://postgres@127.0.0.1/harbour_bench

Each simulated user signs in as the demo inspector (who may see, grade and review), gives a
justification for each of its episodes once (as an officer does once per record per sign-in),
then, pausing 1 to 3 seconds between requests, opens an episode page, the review board, or a
grading screen (the whole page, so the force-data panel's time is inside it). The reference in
the same run is the service's own floor: `/healthz`, which touches nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
from datetime import UTC, datetime
from typing import Any

import gevent
import serving
from locust import HttpUser, between, constant, events, task
from locust.env import Environment

ROOT = serving.ROOT
PASSWORD = serving.PASSWORD
TOKEN = serving.TOKEN
NAMES = {
    "episode": "episode page",
    "board": "review board",
    "grade": "grading screen (with the force-data panel)",
    "health": "/healthz (reference)",
}


class Officer(HttpUser):
    """A supervisor working a handful of episodes."""

    wait_time = between(1, 3)
    episodes: list[tuple[int, int]] = []
    per_user = 8

    def on_start(self) -> None:
        page = self.client.get("/sign-in", name="sign in")
        self.client.post(
            "/sign-in",
            data={
                "username": "inspector",
                "password": PASSWORD,
                "csrf_token": TOKEN.search(page.text).group(1),  # type: ignore[union-attr]
                "next": "/",
            },
            name="sign in",
        )
        home = self.client.get("/", name="sign in")
        found = TOKEN.search(home.text)
        if found is None or "Sign out" not in home.text:
            raise RuntimeError("could not sign in as the demo inspector (run harbour demo setup)")
        token = found.group(1)
        self.mine = random.sample(self.episodes, self.per_user)
        for episode_id, person_id in self.mine:
            self.client.post(
                f"/people/{person_id}/justify",
                data={
                    "reason": "risk_assessment",
                    "next": f"/episodes/{episode_id}",
                    "csrf_token": token,
                },
                name="justify",
                allow_redirects=False,
            )

    def _page(self, url: str, name: str, marker: str) -> None:
        """Fetch a page and count it a failure unless it is the page itself (not a redirect)."""
        with self.client.get(url, name=name, catch_response=True, allow_redirects=False) as got:
            if got.status_code != 200 or marker not in got.text:
                got.failure(f"{got.status_code}: not the expected page")

    @task(3)
    def episode_page(self) -> None:
        episode_id, _ = random.choice(self.mine)
        self._page(f"/episodes/{episode_id}", NAMES["episode"], 'data-testid="status"')

    @task(2)
    def review_board(self) -> None:
        self._page("/reviews", NAMES["board"], '<h1 class="govuk-heading-l">Reviews due</h1>')

    @task(2)
    def grading_screen(self) -> None:
        episode_id, _ = random.choice(self.mine)
        self._page(f"/episodes/{episode_id}/grade", NAMES["grade"], 'data-testid="force-data"')

    @task(1)
    def health(self) -> None:
        self.client.get("/healthz", name=NAMES["health"])


class BusyOfficer(Officer):
    """The same work with no pause, to find the most the machine sustains."""

    wait_time = constant(0)


def _run(user: type[HttpUser], base: str, users: int, warm: float, seconds: float) -> Any:
    env = Environment(user_classes=[user], host=base, events=events)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=max(5, users // 5))
    gevent.sleep(warm)
    env.stats.reset_all()
    gevent.sleep(seconds)
    runner.quit()
    return env.stats


def _summary(stats: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for label in NAMES.values():
        entry = stats.get(label, "GET")
        if entry.num_requests == 0:
            continue
        out[label] = {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "p50_ms": entry.get_response_time_percentile(0.5),
            "p95_ms": entry.get_response_time_percentile(0.95),
            "p99_ms": entry.get_response_time_percentile(0.99),
        }
    total = stats.total
    out["all"] = {
        "requests": total.num_requests,
        "failures": total.num_failures,
        "rps": round(total.total_rps, 1),
        "p95_ms": total.get_response_time_percentile(0.95),
    }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="PostgreSQL URL holding London data")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--steps", default="2,4,8,16", help="busy users per throughput step")
    args = parser.parse_args()
    Officer.episodes, counts = serving.episodes(args.database, 5000)
    print("data: {episodes:,} episodes, {people:,} people, {open:,} open".format(**counts))
    BusyOfficer.episodes = Officer.episodes
    env = {"HARBOUR_DATABASE_URL": args.database, "HARBOUR_LOG_JSON": "true"}
    server = serving.serve("harbour", workers=args.workers, env=env)
    base = server.base
    try:
        print(f"== {args.users} officers pausing 1-3 s, {args.seconds:g} s measured")
        steady = _summary(_run(Officer, base, args.users, 30, args.seconds))
        print(json.dumps(steady, indent=2))
        ramp = []
        for busy in (int(n) for n in args.steps.split(",")):
            print(f"== {busy} officers with no pause")
            result = _summary(_run(BusyOfficer, base, busy, 15, 45))
            ramp.append({"users": busy, **result["all"]})
            print(json.dumps(result["all"]))
    finally:
        server.stop()
    sustained = max((r for r in ramp if r["p95_ms"] < 500), key=lambda r: r["rps"], default=None)
    results = {
        "date": datetime.now(UTC).date().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "python": platform.python_version(),
        "server": f"harbour serve --workers {args.workers}; PostgreSQL on the same machine",
        "steady": {"users": args.users, "pause_s": "1-3", "seconds": args.seconds, **steady},
        "ramp": ramp,
        "max_rps_with_p95_under_500ms": sustained,
    }
    out = ROOT / "benchmarks" / "episodes" / "load.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written to {out}")


if __name__ == "__main__":
    main()
