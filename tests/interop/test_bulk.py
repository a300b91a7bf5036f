"""The PostgreSQL bulk path: same validation, same records, COPY underneath."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Connection, func, select, text
from sqlalchemy.orm import Session

from harbour.actor import Channel, system_actor
from harbour.episodes.models import Episode, EpisodeCompanion
from harbour.interop import bulk, importer
from harbour.people.models import Association, Person, PersonPhone, Place
from harbour.simulate.service import simulate
from tests.factories import make_org

ACTOR = system_actor(Channel.cli, name="bulk-tests")
MODELS = (Place, Person, PersonPhone, Episode, EpisodeCompanion, Association)


def _counts(session: Session) -> dict[str, int]:
    return {m.__name__: session.scalar(select(func.count()).select_from(m)) or 0 for m in MODELS}


@pytest.fixture
def postgres(connection: Connection) -> Connection:
    if connection.dialect.name != "postgresql":
        pytest.skip("the bulk path is PostgreSQL's (run with HARBOUR_TEST_DATABASE_URL)")
    return connection


def test_sqlite_is_told_to_use_the_ordinary_path(
    connection: Connection, session: Session, tmp_path: Path
) -> None:
    if connection.dialect.name != "sqlite":
        pytest.skip("checks the SQLite refusal")
    (tmp_path / "x.jsonl").write_text('{"kind": "place", "id": "a", "type": "park", "name": "P"}\n')
    with pytest.raises(bulk.BulkUnavailable, match="needs PostgreSQL"):
        bulk.run_bulk_import(tmp_path, ACTOR, organisation_id=make_org(session).id)


def test_bulk_loads_what_the_ordinary_path_loads(
    postgres: Connection, session: Session, tmp_path: Path
) -> None:
    out = tmp_path / "demo"
    simulate(seed=4, scale="demo", years=1, as_of=date(2026, 11, 27), out=out)
    org = make_org(session)
    summary = bulk.run_bulk_import(out, ACTOR, organisation_id=org.id)
    assert summary.rejected == [], {r.reason for r in summary.rejected[:50]}
    assert sum(summary.created.values()) == summary.lines
    loaded = _counts(session)
    truth = json.loads((out / "truth.json").read_text())
    assert loaded["Person"] == truth["counts"]["person"]
    assert loaded["Episode"] == truth["counts"]["episode"]
    assert loaded["PersonPhone"] > 0
    assert loaded["EpisodeCompanion"] > 0
    # The planner's statistics were refreshed (reltuples is -1 until a table is analysed).
    analysed = session.execute(
        text("SELECT relname, reltuples FROM pg_class WHERE relname IN ('episode', 'person')")
    ).all()
    assert {name: tuples >= 1 for name, tuples in analysed} == {"episode": True, "person": True}
    # Ids came from the tables' own sequences: the ordinary path can go on adding records.
    again = importer.run_import(out, ACTOR, organisation_id=org.id)
    assert sum(again.unchanged.values()) == again.lines
    assert _counts(session) == loaded
    extra = tmp_path / "extra.jsonl"
    extra.write_text('{"kind": "place", "id": "new-place", "type": "park", "name": "New Park"}\n')
    assert importer.run_import(extra, ACTOR, organisation_id=org.id).created == {"place": 1}


def test_bulk_rejects_bad_lines_and_forward_references(
    postgres: Connection, session: Session, tmp_path: Path
) -> None:
    org = make_org(session)
    (tmp_path / "1.jsonl").write_text(
        "\n".join(
            [
                json.dumps(
                    {
                        "kind": "episode",
                        "id": "e1",
                        "person": "later",
                        "reported_at": "2025-01-01T10:00",
                    }
                ),
                json.dumps({"kind": "person", "id": "bad", "sex": "dragon", "given_name": "X"}),
                json.dumps({"kind": "person", "id": "ok", "given_name": "Fine"}),
            ]
        )
        + "\n"
    )
    (tmp_path / "2.jsonl").write_text(
        json.dumps({"kind": "person", "id": "later", "given_name": "L"}) + "\n"
    )
    summary = bulk.run_bulk_import(tmp_path, ACTOR, organisation_id=org.id)
    reasons = {r.line: r.reason for r in summary.rejected}
    assert "not on an earlier line" in reasons[1]
    assert "sex" in reasons[2]
    assert summary.created == {"person": 2}


def test_a_value_the_database_refuses_costs_only_its_own_line(
    postgres: Connection, session: Session, tmp_path: Path
) -> None:
    """A line the bulk path cannot load costs only itself: a NUL (which no PostgreSQL text
    column holds, and which once reached COPY) is refused as the line is read, as it is on the
    row path and on SQLite, and a phone that is not one by validation."""
    lines = [
        {"kind": "place", "id": "p1", "type": "park", "name": "Victoria Park"},
        {"kind": "place", "id": "p2", "type": "park", "name": "Nul\u0000Park"},  # text has no NUL
        {"kind": "place", "id": "p3", "type": "park", "name": "Mile End Park"},
        {"kind": "person", "id": "c1", "given_name": "Ava", "phones": ["07700 900123"]},
        {"kind": "person", "id": "c2", "given_name": "Zoe", "phones": ["0" * 25]},
    ]
    (tmp_path / "batch.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    summary = bulk.run_bulk_import(tmp_path, ACTOR, organisation_id=make_org(session).id)
    rejected = {r.line: r.reason for r in summary.rejected}
    assert set(rejected) == {2, 5}, rejected
    assert "contains a NUL character" in rejected[2]
    assert "is not a phone number" in rejected[5]
    assert summary.created["place"] == 2 and summary.created["person"] == 1
    names = set(session.scalars(select(Place.name)))
    assert names == {"Victoria Park", "Mile End Park"}
    assert session.scalar(select(func.count()).select_from(PersonPhone)) == 1
