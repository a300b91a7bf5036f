"""The blind sets are frozen: a change to a case must be a deliberate, reviewed commit that
updates FROZEN.sha256 with a reason, never a quiet edit to make Harbour pass."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

HERE = Path(__file__).parent


def test_the_blind_sets_are_as_they_were_frozen() -> None:
    for line in (HERE / "FROZEN.sha256").read_text().splitlines():
        digest, name = line.split()
        assert hashlib.sha256((HERE / name).read_bytes()).hexdigest() == digest, name


def test_every_case_reads_as_json_with_its_acceptable_outcomes() -> None:
    for name, key in (("calls.jsonl", "acceptable"), ("risk_cases.jsonl", "acceptable")):
        rows = [json.loads(line) for line in (HERE / name).read_text().splitlines() if line]
        assert rows
        assert all(row[key] for row in rows), name
        assert len({row["id"] for row in rows}) == len(rows), name
