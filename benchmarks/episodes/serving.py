"""What the episode benchmarks share: start a real server and wait until it answers, choose
episodes from the database, sign officers in and give their justifications.

`load.py` (Locust) and `ceiling.py` (wrk) both serve through `serve`, so the server under test
is started one way: `harbour serve --workers N` as shipped, or the same uvicorn settings from
uvicorn's own command line when the benchmark asks for another event loop or HTTP parser (or
serves one of the ceiling's pages in `bare.py`).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PASSWORD = "harbour-demo-password"  # the demo users' password (harbour.demo)
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
SESSION_COOKIE = "harbour_session"  # harbour.web.SESSION_COOKIE


@dataclass
class Server:
    """A server process under test and the address it answers on."""

    name: str
    process: subprocess.Popen[bytes]
    base: str

    def stop(self) -> None:
        """Stop it as an operator would (SIGTERM), and make sure it has gone."""
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(
    name: str,
    *,
    workers: int,
    env: Mapping[str, str],
    app: str | None = None,
    loop: str = "auto",
    http: str = "auto",
    ready: str = "/readyz",
) -> Server:
    """Start a server and wait for `ready` to answer 200.

    With `app` unset and the default loop and parser, this is `harbour serve --workers N`. For
    any other app or loop, uvicorn's command line with the options `harbour serve` passes to
    `uvicorn.run` (factory, workers, proxy headers, no access log), so both sides of a
    comparison are served alike.
    """
    port = free_port()
    if app is None and loop == "auto" and http == "auto":
        command = [
            sys.executable,
            "-m",
            "harbour.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ]
    else:
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            app or "harbour.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--proxy-headers",
            "--no-access-log",
            "--loop",
            loop,
            "--http",
            http,
            "--app-dir",
            str(HERE),
        ]
    process = subprocess.Popen(
        command,
        env={**os.environ, **env},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        if process.poll() is not None:
            raise SystemExit(f"{name} exited with {process.returncode} before answering")
        try:
            if httpx.get(f"{base}{ready}", timeout=1).status_code == 200:
                return Server(name, process, base)
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit(f"{name} did not start")


def episodes(database: str, count: int) -> tuple[list[tuple[int, int]], dict[str, int]]:
    """Choose `count` episodes at random (id, person id), and count what the database holds."""
    engine = create_engine(database)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT id, person_id FROM episode ORDER BY random() LIMIT :n"), {"n": count}
        ).all()
        totals = connection.execute(
            text(
                "SELECT (SELECT count(*) FROM episode), (SELECT count(*) FROM person),"
                " (SELECT count(*) FROM episode WHERE status = 'missing')"
            )
        ).one()
    engine.dispose()
    counts = {"episodes": totals[0], "people": totals[1], "open": totals[2]}
    return [(int(r[0]), int(r[1])) for r in rows], counts


def sign_in(base: str, username: str = "inspector") -> httpx.Client:
    """Sign a browser in as a demo user; return its client (holding the session cookie)."""
    client = httpx.Client(base_url=base, timeout=30)
    page = client.get("/sign-in")
    found = TOKEN.search(page.text)
    if found is None:
        raise SystemExit("the sign-in page has no CSRF token")
    form = {"username": username, "password": PASSWORD, "csrf_token": found.group(1), "next": "/"}
    client.post("/sign-in", data=form)
    home = client.get("/")
    if "Sign out" not in home.text:
        raise SystemExit(f"could not sign in as the demo {username} (run harbour demo setup)")
    return client


def justify(client: httpx.Client, mine: list[tuple[int, int]]) -> None:
    """Give the reason for each episode's person once, as an officer does once per sign-in."""
    found = TOKEN.search(client.get("/").text)
    if found is None:
        raise SystemExit("the home page has no CSRF token")
    for episode_id, person_id in mine:
        answer = client.post(
            f"/people/{person_id}/justify",
            data={
                "reason": "risk_assessment",
                "next": f"/episodes/{episode_id}",
                "csrf_token": found.group(1),
            },
        )
        if answer.status_code != 303:
            raise SystemExit(f"the justification for episode {episode_id} was refused")
