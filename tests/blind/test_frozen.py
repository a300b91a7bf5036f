"""The blind sets are frozen: a change to a case must be a deliberate, reviewed commit that
updates FROZEN.sha256 with a reason, never a quiet edit to make Harbour pass."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

HERE = Path(__file__).parent
# tests/blind2: a second blind calls set, written after the second call reader was built;
# tests/blind3: a third, written for judging the reader once it had been trained on tests/world3.
FOLDERS = [HERE, HERE.parent / "blind2", HERE.parent / "blind3"]


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda f: f.name)
def test_the_blind_sets_are_as_they_were_frozen(folder: Path) -> None:
    for line in (folder / "FROZEN.sha256").read_text().splitlines():
        digest, name = line.split()
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda f: f.name)
def test_every_case_reads_as_json_with_its_acceptable_outcomes(folder: Path) -> None:
    for name in ("calls.jsonl", "risk_cases.jsonl"):
        if not (folder / name).exists():
            continue
        rows = [json.loads(line) for line in (folder / name).read_text().splitlines() if line]
        assert rows
        assert all(row["acceptable"] for row in rows), name
        assert len({row["id"] for row in rows}) == len(rows), name
