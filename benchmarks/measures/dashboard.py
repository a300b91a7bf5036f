"""The measures dashboard at scale (issue 18's acceptance: every dashboard page under 1 s at the
simulator's national ten-year scale on PostgreSQL), beside the reference in the same run: the
same headline counts by one plain SQL GROUP BY over the records themselves.

For each period (the default 90 days, a year, the whole ten years) it times, in this process
and against the given database:

1. the dashboard page, `GET /measures?from=..&to=..` through the real application (sign-in
   cookie, access policy, audit, every query, the template), and with a borough filter;
2. a CSV download (`/measures/breakdown.csv` by borough);
   and once, the other pages of the hub's leaders: the workload and the decision-quality reviews;
3. the reference: one GROUP BY over `episode` joined to `person` and the home `place` counting
   each borough's episodes and those found harmed in the period;
4. the same counts by one GROUP BY over `measure_episode`, the table the dashboard reads.

Each is run `--repeat` times in turn and the median kept; the load average is printed before
and after. The data (as in `docs/performance.md`):

    harbour simulate --scale national --years 10 --as-of 2026-11-30 --out var/simulate/national
    HARBOUR_DATABASE_URL=postgresql://postgres@127.0.0.1/harbour_national harbour db upgrade
    HARBOUR_DATABASE_URL=... harbour import var/simulate/national --bulk
    .venv/bin/python benchmarks/measures/dashboard.py \\
        --database postgresql://postgres@127.0.0.1/harbour_national --as-of 2026-11-30
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--as-of", default=date.today().isoformat())
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("dashboard.json"))
    args = parser.parse_args()
    os.environ["HARBOUR_DATABASE_URL"] = args.database
    os.environ.setdefault("HARBOUR_ENV", "test")  # no second-reader warm-up thread
    os.environ["HARBOUR_LOG_LEVEL"] = "WARNING"

    from fastapi.testclient import TestClient
    from sqlalchemy import case, func, select

    from harbour import db
    from harbour.actor import Channel, Role, system_actor
    from harbour.app import create_app
    from harbour.auth import service as auth
    from harbour.auth.models import Organisation, Team
    from harbour.episodes.models import Episode
    from harbour.measures import service
    from harbour.measures.models import EpisodeFactRow as F
    from harbour.people.models import Person, Place

    end = date.fromisoformat(args.as_of)
    periods = {
        "90 days": end - timedelta(days=89),
        "1 year": end - timedelta(days=364),
        "10 years": end - timedelta(days=3649),
    }
    with db.unit_of_work() as session:
        org = session.scalars(
            select(Organisation).join(Episode, Episode.organisation_id == Organisation.id).limit(1)
        ).one()
        team = session.scalars(select(Team).where(Team.organisation_id == org.id)).first()
        if team is None:
            team = auth.ensure_team(session, system_actor(Channel.cli), org, "Benchmark team")
        username = "measures-bench"
        from harbour.auth.models import User

        if session.scalar(select(User).where(User.username == username)) is None:
            auth.create_user(
                session,
                system_actor(Channel.cli),
                username=username,
                role=Role.inspector,
                organisation=org,
                team=team,
                password="measures-bench-password-1",
                display_name="Benchmark Inspector",
            )
        episodes = session.scalar(select(func.count()).select_from(Episode)) or 0
        facts = session.scalar(select(func.count()).select_from(F)) or 0
        borough = session.scalar(
            select(F.borough).where(F.borough != "unknown").group_by(F.borough).limit(1)
        )
    client = TestClient(create_app())
    page = client.get("/sign-in")
    token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    signed = client.post(
        "/sign-in",
        data={
            "username": username,
            "password": "measures-bench-password-1",
            "csrf_token": token,
        },
    )
    assert signed.status_code in (200, 303), signed.status_code

    def timed(fn: Any) -> float:
        runs = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            fn()
            runs.append(time.perf_counter() - started)
        return statistics.median(runs)

    def get(url: str) -> None:
        answer = client.get(url)
        assert answer.status_code == 200, (url, answer.status_code)

    def reference(first: date) -> None:
        start, stop = service.bounds(first, end)
        with db.reading() as s:
            list(
                s.execute(
                    select(
                        Place.borough,
                        func.count(),
                        func.sum(case((Episode.outcome == "found_harmed", 1), else_=0)),
                    )
                    .join(Person, Person.id == Episode.person_id)
                    .outerjoin(Place, Place.id == Person.home_place_id)
                    .where(Episode.reported_at >= start, Episode.reported_at < stop)
                    .group_by(Place.borough)
                )
            )

    def facts_group_by(first: date) -> None:
        start, stop = service.bounds(first, end)
        with db.reading() as s:
            list(
                s.execute(
                    select(
                        F.borough,
                        func.count(),
                        func.sum(case((F.outcome == "found_harmed", 1), else_=0)),
                    )
                    .where(F.reported_at >= start, F.reported_at < stop)
                    .group_by(F.borough)
                )
            )

    print(f"load average before: {_load()}")
    results: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}",
        "episodes": episodes,
        "fact_rows": facts,
        "load_before": _load(),
        "repeat": args.repeat,
        "periods": {},
    }
    for label, first in periods.items():
        query = f"from={first.isoformat()}&to={end.isoformat()}"
        row = {
            "page": timed(lambda q=query: get(f"/measures?{q}")),
            "page_borough": timed(lambda q=query: get(f"/measures?{q}&borough={borough}")),
            "csv_breakdown": timed(lambda q=query: get(f"/measures/breakdown.csv?{q}&by=borough")),
            "reference_group_by": timed(lambda f=first: reference(f)),
            "facts_group_by": timed(lambda f=first: facts_group_by(f)),
        }
        row["page_to_reference"] = row["page"] / row["reference_group_by"]
        results["periods"][label] = row
        print(label, json.dumps({k: round(v, 3) for k, v in row.items()}))
    other = {
        "workload": timed(lambda: get("/casework/workload")),
        "qa": timed(lambda: get("/measures/qa")),
    }
    results["other_pages"] = other
    print("other pages", json.dumps({k: round(v, 3) for k, v in other.items()}))
    results["load_after"] = _load()
    print(f"load average after: {_load()}")
    args.out.write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
