"""Call triage (issue 7): agreement on the vignettes, deflections, and how fast `suggest` answers.

Quality: the outcome (and partner) suggested for every vignette in tests/calls/vignettes.jsonl
against its label; separately for the calls written before the rules ("pre") and the two batches
written later with the rules frozen ("ho-", "h2-"; their first-sight scores, before the rules
were changed again, are in docs/performance.md); and the share of calls with a risk to life or a
missing child that were not sent to police. Speed: `suggest` in process (per call, after the
rules are loaded), with the phrase rules alone and with the second reader (decision 20: its
model's load, the first pass over sentences it has not seen, and passes it has cached), then
`POST /api/v1/triage/suggest` through the FastAPI TestClient and through a real uvicorn server
on 127.0.0.1, one request at a time, with a bearer token against a scratch SQLite database.
The reference for speed is the issue's target: p95 under 50 ms.
Usage: python benchmarks/triage/suggest.py [--rounds N] [--requests N] [--no-uvicorn]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
VIGNETTES = ROOT / "tests" / "calls" / "vignettes.jsonl"
OUT = ROOT / "benchmarks" / "triage" / "suggest.json"


def _rows() -> list[dict[str, Any]]:
    return [json.loads(line) for line in VIGNETTES.read_text(encoding="utf-8").splitlines()]


def _ms(samples: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {
        "n": len(samples),
        "p50_ms": round(cuts[49] * 1000, 3),
        "p95_ms": round(cuts[94] * 1000, 3),
        "max_ms": round(max(samples) * 1000, 3),
    }


def quality(rows: list[dict[str, Any]]) -> dict[str, Any]:
    from harbour.calls.policy import suggest
    from harbour.calls.rules import current_rules
    from harbour.calls.schemas import CallerType

    rules = current_rules()
    groups: dict[str, list[bool]] = {"all": [], "pre": [], "held_out_1": [], "held_out_2": []}
    categories = []
    at_risk = 0
    deflected = []
    misses = []
    for row in rows:
        caller = CallerType(row["caller_type"]) if row.get("caller_type") else None
        got = suggest(rules, row["narrative"], caller)
        want = row["expected"]
        ok = got.outcome == want["outcome"] and got.partner == want.get("partner")
        groups["all"].append(ok)
        batch = {"ho-": "held_out_1", "h2-": "held_out_2"}.get(row["id"][:3], "pre")
        groups[batch].append(ok)
        categories.append(got.category == want["category"])
        if not ok:
            misses.append(f"{row['id']}: got {got.outcome} {got.partner or ''}, want {want}")
        if row["risk_to_life"] or row["missing_child"]:
            at_risk += 1
            if not got.police_attend:
                deflected.append(row["id"])

    def share(values: list[bool]) -> dict[str, Any]:
        rate = round(sum(values) / len(values), 4)
        return {"agree": sum(values), "of": len(values), "rate": rate}

    return {
        "rules_version": rules.version,
        "outcome_agreement": {k: share(v) for k, v in groups.items()},
        "category_agreement": share(categories),
        "risk_or_missing_child_calls": at_risk,
        "deflected": deflected,
        "deflection_rate": round(len(deflected) / at_risk, 4),
        "misses": misses,
    }


def in_process(rows: list[dict[str, Any]], rounds: int) -> dict[str, Any]:
    from harbour.calls import second_reader
    from harbour.calls.policy import suggest
    from harbour.calls.rules import load_rules
    from harbour.calls.schemas import CallerType

    started = time.perf_counter()
    rules = load_rules()
    load_seconds = time.perf_counter() - started
    reader = second_reader.current_reader()
    calls = [
        (r["narrative"], CallerType(r["caller_type"]) if r.get("caller_type") else None)
        for r in rows
    ]

    def passes(second: bool) -> tuple[list[float], list[float]]:
        first, repeat = [], []
        for number in range(rounds):
            for narrative, caller in calls:
                t0 = time.perf_counter()
                suggest(rules, narrative, caller, second=second)
                (first if number == 0 else repeat).append(time.perf_counter() - t0)
        return first, repeat

    alone_first, alone_repeat = passes(second=False)
    reader.forget()
    reader_first, reader_repeat = passes(second=True)  # the first pass: sentences not yet seen
    joined = " ".join(r["narrative"] for r in rows)
    by_length = {}
    for size in (500, 2_000, 5_000, 20_000):  # 20,000: the longest narrative the API takes
        text = (joined * (size // len(joined) + 1))[:size]
        times = []
        first = time.perf_counter()
        suggest(rules, text, None)  # its sentences not yet seen by the second reader
        first = time.perf_counter() - first
        for _ in range(20):
            t0 = time.perf_counter()
            suggest(rules, text, None)
            times.append(time.perf_counter() - t0)
        by_length[str(size)] = _ms(times) | {"first_ms": round(first * 1000, 1)}
    return {
        "load_rules_ms": round(load_seconds * 1000, 1),
        "per_call_rules_alone": _ms(alone_first + alone_repeat),
        "per_call_with_reader_first_pass": _ms(reader_first),
        "per_call_with_reader_cached": _ms(reader_repeat),
        "narrative_chars_median": int(statistics.median(len(n) for n, _ in calls)),
        "by_narrative_length_chars_cached": by_length,
    }


def _prepare(url: str) -> str:
    """Migrate a scratch database and return a bearer token for a call handler."""
    env = {**os.environ, "HARBOUR_DATABASE_URL": url}
    subprocess.run(
        [sys.executable, "-m", "harbour.cli", "db", "upgrade"], env=env, check=True,
        capture_output=True,
    )  # fmt: skip
    from sqlalchemy.orm import sessionmaker

    from harbour import db
    from harbour.actor import Channel, Role, system_actor
    from harbour.auth import credentials
    from harbour.auth import service as auth
    from harbour.auth.models import OrganisationKind

    engine = db.make_engine(url)
    admin = system_actor(Channel.job, name="benchmark")
    with sessionmaker(bind=engine)() as session, session.begin():
        org = auth.ensure_organisation(session, admin, "Bench Force", OrganisationKind.force)
        team = auth.ensure_team(session, admin, org, "Control Room")
        user = auth.create_user(
            session, admin, username="bench-handler", role=Role.call_handler,
            organisation=org, team=team, password="bench-password-123",
        )  # fmt: skip
        actor = auth.actor_for(user, channel=Channel.api, session_id=None)
        _, token = credentials.create_token(session, actor, user, name="benchmark")
    engine.dispose()
    return token


def _bodies(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"narrative": r["narrative"], "caller_type": r["caller_type"]} for r in rows]


def through_testclient(rows: list[dict[str, Any]], token: str, requests: int) -> dict[str, Any]:
    from fastapi.testclient import TestClient

    from harbour.app import create_app

    bodies = _bodies(rows)
    headers = {"Authorization": f"Bearer {token}"}
    samples = []
    with TestClient(create_app()) as client:
        for i in range(requests + 20):
            t0 = time.perf_counter()
            response = client.post(
                "/api/v1/triage/suggest", json=bodies[i % len(bodies)], headers=headers
            )
            elapsed = time.perf_counter() - t0
            assert response.status_code == 200, response.text
            if i >= 20:  # the first requests warm the app up
                samples.append(elapsed)
    return _ms(samples)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def through_uvicorn(
    rows: list[dict[str, Any]], token: str, requests: int, url: str
) -> dict[str, Any]:
    import httpx

    port = _free_port()
    env = {**os.environ, "HARBOUR_DATABASE_URL": url}
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "harbour.app:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--no-access-log", "--log-level", "warning"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=10) as client:
            for _ in range(100):
                try:
                    if client.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            bodies = _bodies(rows)
            headers = {"Authorization": f"Bearer {token}"}
            samples = []
            for i in range(requests + 20):
                t0 = time.perf_counter()
                response = client.post(
                    "/api/v1/triage/suggest", json=bodies[i % len(bodies)], headers=headers
                )
                elapsed = time.perf_counter() - t0
                assert response.status_code == 200, response.text
                if i >= 20:
                    samples.append(elapsed)
    finally:
        server.terminate()
        server.wait(timeout=10)
    return _ms(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20, help="in-process passes over the set")
    parser.add_argument("--requests", type=int, default=1000, help="HTTP requests per client")
    parser.add_argument("--no-uvicorn", action="store_true", help="skip the real server")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="harbour-triage-bench-"))
    url = f"sqlite:///{scratch / 'bench.db'}"
    os.environ["HARBOUR_DATABASE_URL"] = url
    os.environ.setdefault("HARBOUR_LOG_LEVEL", "WARNING")  # one log line a request is not measured
    rows = _rows()
    load = round(os.getloadavg()[0], 2)
    from harbour.calls import second_reader

    started = time.perf_counter()
    second_reader.current_reader()  # the model, loaded once a process
    reader_seconds = round(time.perf_counter() - started, 2)
    print(f"{platform.machine()} · {os.cpu_count()} cores · Python {platform.python_version()}")
    result: dict[str, Any] = {"load_second_reader_s": reader_seconds, "quality": quality(rows)}
    q = result["quality"]
    print(f"agreement {q['outcome_agreement']}; deflected {q['deflected']} of "
          f"{q['risk_or_missing_child_calls']}")  # fmt: skip
    result["in_process"] = in_process(rows, args.rounds)
    print(f"in process: {result['in_process']}")
    token = _prepare(url)
    result["http_testclient"] = through_testclient(rows, token, args.requests)
    print(f"TestClient: {result['http_testclient']}")
    if not args.no_uvicorn:
        result["http_uvicorn"] = through_uvicorn(rows, token, args.requests, url)
        print(f"uvicorn: {result['http_uvicorn']}")
    result |= {
        "date": datetime.now(UTC).date().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "python": platform.python_version(),
        "load_average_1m_at_start": load,  # another process may share the cores
        "vignettes": len(rows),
    }
    OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"written {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
