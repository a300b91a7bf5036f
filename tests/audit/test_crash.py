"""Kill -9 at any point (issue 16): writer processes making audited changes are killed at random
moments, again and again; afterwards the chain verifies, no acknowledged event is missing, and no
change is without its events nor any event without its change."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from harbour import db
from harbour.audit import service as audit
from harbour.audit.models import AuditEvent, ViewJustification

WRITER = Path(__file__).with_name("crash_writer.py")
SUBJECT = "crash_test"
ROUNDS = 6
WRITERS = 3
# Each writer is killed at a random moment up to this long after its first acknowledged write.
KILL_WITHIN_SECONDS = 1.5
START_SECONDS = 60.0


class Writer:
    """One writer process, and the lines it has acknowledged so far."""

    def __init__(self, url: str, name: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(WRITER), url, name],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "HARBOUR_DATABASE_URL": url},
        )
        self.lines: list[str] = []
        self.first = threading.Event()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if not line.endswith("\n"):
                break  # cut off by the kill: never acknowledged
            if line != "ready\n":
                self.lines.append(line)
                self.first.set()
        self.first.set()

    def kill(self) -> None:
        still_running = self.process.poll() is None
        if still_running:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.reader.join()
        stderr = self.process.stderr.read() if self.process.stderr else ""
        assert still_running, f"the writer stopped before it was killed:\n{stderr[-3000:]}"


def _round(url: str, number: int, rng: random.Random) -> list[str]:
    writers = [Writer(url, f"writer-{number}-{w}") for w in range(WRITERS)]
    for writer in writers:
        assert writer.first.wait(START_SECONDS), "a writer acknowledged nothing"
    moments = sorted((rng.uniform(0, KILL_WITHIN_SECONDS), i) for i in range(WRITERS))
    started = time.monotonic()
    for moment, i in moments:
        time.sleep(max(0.0, moment - (time.monotonic() - started)))
        writers[i].kill()
    return [line for writer in writers for line in writer.lines]


@pytest.mark.slow
def test_kill_9_of_writers_at_random_moments_loses_nothing_acknowledged(
    own_database: Engine,
) -> None:
    url = own_database.url.render_as_string(hide_password=False)
    rng = random.Random(os.getpid())
    acknowledged: list[str] = []
    for number in range(ROUNDS):
        acknowledged += _round(url, number, rng)
        with db.unit_of_work() as session:
            verdict = audit.verify(session)
            assert verdict.ok, f"after kill round {number + 1}: {verdict.problem}"
    with db.unit_of_work() as session:
        events = session.execute(
            select(AuditEvent.seq, AuditEvent.subject_id, AuditEvent.after).where(
                AuditEvent.subject_type == SUBJECT
            )
        ).all()
        rows = set(
            session.scalars(
                select(ViewJustification.id).where(ViewJustification.subject_type == SUBJECT)
            )
        )
    subject_of = {seq: int(subject) for seq, subject, _ in events}
    for line in acknowledged:
        row, *seqs = (int(part) for part in line.split())
        assert row in rows, f"acknowledged change {row} is missing"
        for seq in seqs:
            assert subject_of.get(seq) == row, f"acknowledged event {seq} is missing"
    assert len(acknowledged) >= ROUNDS * WRITERS
    # All or nothing: every change has all its events, and every event has its change.
    per_row = Counter(int(subject) for _, subject, _ in events)
    expected = {int(subject): after["of"] for _, subject, after in events}
    assert set(per_row) == rows
    assert per_row == expected
