"""Kill -9 of the importer mid-write (issue 16, the fault suite): `harbour import` is killed at
random moments while it commits, again and again, then run to the end. Nothing is duplicated,
every record loaded has its audit event, and the chain verifies after every kill."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import Engine, func, select

from harbour import db
from harbour.audit import service as audit
from harbour.audit.models import AuditEvent
from harbour.people.models import Person, Place
from tests.factories import make_org

PEOPLE = 2500
KILLS = 3
HARBOUR = Path(sys.executable).with_name("harbour")


def _batch(tmp_path: Path) -> Path:
    lines = [
        {"kind": "place", "id": f"h{i}", "type": "park", "name": f"Park {i}"} for i in range(PEOPLE)
    ]
    lines += [
        {"kind": "person", "id": f"p{i}", "given_name": "Ava", "family_name": f"Kill{i}",
         "home": f"h{i}"}
        for i in range(PEOPLE)
    ]  # fmt: skip
    path = tmp_path / "batch.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def _counts() -> tuple[int, int]:
    with db.unit_of_work() as session:
        places = session.scalar(select(func.count()).select_from(Place)) or 0
        people = session.scalar(select(func.count()).select_from(Person)) or 0
    return places, people


def _import(url: str, path: Path, org: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(HARBOUR), "import", str(path), "--organisation", org],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "HARBOUR_DATABASE_URL": url},
    )


def _audited() -> dict[str, set[int]]:
    ids: dict[str, set[int]] = {"place": set(), "person": set()}
    with db.unit_of_work() as session:
        for event in session.scalars(
            select(AuditEvent).where(AuditEvent.action == "import_records")
        ):
            assert event.after is not None
            for first, last in event.after["created_ids"] + event.after["updated_ids"]:
                ids[event.subject_type].update(range(first, last + 1))
    return ids


def test_kill_9_of_the_importer_loses_and_duplicates_nothing(
    own_database: Engine, tmp_path: Path
) -> None:
    url = own_database.url.render_as_string(hide_password=False)
    with db.unit_of_work() as session:
        org = make_org(session, "Kill Test Force").name
    path = _batch(tmp_path)
    rng = random.Random(os.getpid())
    killed_mid_way = 0
    for number in range(KILLS):
        before = _counts()
        process = _import(url, path, org)
        deadline = time.monotonic() + 120
        while _counts() == before and process.poll() is None:
            assert time.monotonic() < deadline, "the import committed nothing in two minutes"
            time.sleep(0.05)
        time.sleep(rng.uniform(0.0, 0.6))  # somewhere in the middle of its commits
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            killed_mid_way += 1
        process.wait(timeout=30)
        with db.unit_of_work() as session:
            verdict = audit.verify(session)
            assert verdict.ok, f"after kill {number + 1}: {verdict.problem}"
        places, people = _counts()
        assert places <= PEOPLE and people <= PEOPLE, "a record was loaded twice"
    assert killed_mid_way, "every import finished before it was killed: nothing was tested"

    finished = _import(url, path, org)
    _, err = finished.communicate(timeout=300)
    assert finished.returncode == 0, err.decode()[-2000:]
    assert _counts() == (PEOPLE, PEOPLE)
    with db.unit_of_work() as session:
        held = {
            "place": set(session.scalars(select(Place.id))),
            "person": set(session.scalars(select(Person.id))),
        }
        assert audit.verify(session).ok
        names = session.scalars(select(Person.family_name)).all()
    assert len(set(names)) == PEOPLE
    assert _audited() == held, "a record loaded without its audit event (or an event without one)"
