"""The import format records the legal basis for care (issue 15): `care_basis` on a person line
is loaded on both paths, decides whether the child is in care for a CAWN (s49 Children Act 1989),
and a line with a basis that is not one, or that contradicts `looked_after`, is refused with a
reason in the import report."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from harbour.actor import Channel, system_actor
from harbour.interop import bulk, importer
from harbour.people.models import CareBasis, Person
from tests.factories import make_org

ACTOR = system_actor(Channel.cli, name="care-basis-tests")
LINES = [
    {"kind": "person", "id": "order", "given_name": "Ava", "looked_after": True,
     "care_basis": "care_order", "local_authority": "Islington Council"},
    {"kind": "person", "id": "s20", "given_name": "Ben", "looked_after": True,
     "care_basis": "s20_accommodation"},
    {"kind": "person", "id": "epo", "given_name": "Cal",
     "care_basis": "emergency_protection_order"},
    {"kind": "person", "id": "unknown", "given_name": "Dee", "looked_after": True},
    {"kind": "person", "id": "home", "given_name": "Eve", "looked_after": False},
]  # fmt: skip
Run = Callable[[Path, int], importer.Summary]


@pytest.fixture(params=["row", "bulk"])
def run(request: pytest.FixtureRequest, connection: Connection) -> Run:
    if request.param == "row":
        return lambda path, org: importer.run_import(path, ACTOR, organisation_id=org)
    if connection.dialect.name != "postgresql":
        pytest.skip("the bulk path is PostgreSQL's (run with HARBOUR_TEST_DATABASE_URL)")
    return lambda path, org: bulk.run_bulk_import(path, ACTOR, organisation_id=org)


def _file(tmp_path: Path, lines: list[dict[str, object]]) -> Path:
    path = tmp_path / "people.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def test_the_legal_basis_is_loaded_and_decides_who_is_in_care(
    session: Session, tmp_path: Path, run: Run
) -> None:
    summary = run(_file(tmp_path, LINES), make_org(session).id)
    assert summary.rejected == []
    people = {p.given_name: p for p in session.scalars(select(Person))}
    facts = {
        name: (p.looked_after, p.care_basis, p.in_care)
        for name, p in people.items()
        if name in ("Ava", "Ben", "Cal", "Dee", "Eve")
    }
    assert facts == {
        "Ava": (True, CareBasis.care_order, True),
        "Ben": (True, CareBasis.s20_accommodation, False),  # looked after, not in care
        "Cal": (True, CareBasis.emergency_protection_order, True),  # a basis means looked after
        "Dee": (True, None, False),
        "Eve": (False, None, False),
    }


def test_a_line_is_refused_for_a_basis_that_is_not_one_or_contradicts_looked_after(
    session: Session, tmp_path: Path, run: Run
) -> None:
    bad = [
        {"kind": "person", "id": "x1", "given_name": "Fay", "care_basis": "section_20"},
        {"kind": "person", "id": "x2", "given_name": "Gus", "looked_after": False,
         "care_basis": "care_order"},
    ]  # fmt: skip
    path = _file(tmp_path, [LINES[0], *bad])
    summary = run(path, make_org(session).id)
    reasons = {r.line: r.reason for r in summary.rejected}
    assert sorted(reasons) == [2, 3]
    assert "care_basis 'section_20' is not one of care_order, interim_care_order" in reasons[2]
    assert "s20_accommodation" in reasons[2]
    assert "care_basis is given but looked_after is false" in reasons[3]
    report = tmp_path / "report.jsonl"
    importer.write_report(summary, report)
    rows = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert [row["line"] for row in rows] == [2, 3]
    assert "is not one of" in rows[0]["reason"]
    assert summary.created["person"] == 1
