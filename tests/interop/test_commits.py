"""What an import commits is what its audit events and counts say: stopped part-way, or run
twice at once."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from harbour import db
from harbour.actor import Channel, system_actor
from harbour.audit import service as audit
from harbour.audit.models import AuditEvent
from harbour.interop import bulk, importer
from harbour.people.models import Person, Place
from tests.factories import make_org

ACTOR = system_actor(Channel.cli, name="commit-tests")
LINES = [{"kind": "place", "id": f"h{i}", "type": "park", "name": f"Park {i}"} for i in range(25)]
LINES += [
    {"kind": "person", "id": f"p{i}", "given_name": "Ava", "home": f"h{i}"} for i in range(25)
]


class Stop(Exception):
    """The operator pressed Ctrl-C, the machine went down: the import stops where it is."""


def _write(tmp_path: Path, lines: list[dict[str, object]]) -> Path:
    path = tmp_path / "batch.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def _audited(session: Session) -> dict[str, set[int]]:
    """The record ids the import_records events name, kind by kind."""
    ids: dict[str, set[int]] = {"place": set(), "person": set()}
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "import_records"))
    for event in events:
        assert event.after is not None
        for first, last in event.after["created_ids"] + event.after["updated_ids"]:
            ids[event.subject_type].update(range(first, last + 1))
    return ids


def _in_database(session: Session) -> dict[str, set[int]]:
    return {
        "place": set(session.scalars(select(Place.id))),
        "person": set(session.scalars(select(Person.id))),
    }


def _stop_at_people(kind: str, done: int, total: int) -> None:
    if kind == "person":
        raise Stop


def test_a_stopped_import_leaves_audit_events_for_exactly_what_it_committed(
    connection: object, session: Session, tmp_path: Path
) -> None:
    org = make_org(session)
    with pytest.raises(Stop):  # after the first chunk of people
        importer.run_import(
            _write(tmp_path, LINES),
            ACTOR,
            organisation_id=org.id,
            on_progress=_stop_at_people,
            chunk_size=10,
        )
    committed = _in_database(session)
    assert (len(committed["place"]), len(committed["person"])) == (25, 10)
    assert _audited(session) == committed
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "import")) is None
    # Finished the second time: the rest is created and audited, the first part unchanged.
    again = importer.run_import(_write(tmp_path, LINES), ACTOR, organisation_id=org.id)
    assert (again.created, again.unchanged) == ({"person": 15}, {"place": 25, "person": 10})
    assert _audited(session) == _in_database(session)
    changed = [dict(LINES[0], name="Renamed Park")]
    updated = importer.run_import(_write(tmp_path, changed), ACTOR, organisation_id=org.id)
    assert updated.updated == {"place": 1}
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "import_records").order_by(AuditEvent.seq)
    ).all()[-1]
    assert event.after is not None
    assert (event.after["created"], event.after["updated"]) == (0, 1)
    assert audit.verify(session, check_signature=False).ok


def test_a_stopped_bulk_import_leaves_audit_events_for_exactly_what_it_committed(
    connection: object, session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("the bulk path is PostgreSQL's (run with HARBOUR_TEST_DATABASE_URL)")
    monkeypatch.setattr(bulk, "BULK_CHUNK", 10)
    org = make_org(session)
    with pytest.raises(Stop):  # in the third chunk: five places, then five people
        bulk.run_bulk_import(
            _write(tmp_path, LINES), ACTOR, organisation_id=org.id, on_progress=_stop_at_people
        )
    committed = _in_database(session)
    assert (len(committed["place"]), len(committed["person"])) == (25, 5)
    assert _audited(session) == committed


@pytest.mark.parametrize("path", ["row", "bulk"])
def test_two_imports_of_one_file_at_once_count_what_they_created(
    own_database: Engine, tmp_path: Path, path: str
) -> None:
    """The second found the records there: it counted them created (and rejected them as
    'the database refused it'), though it had loaded nothing."""
    if path == "bulk" and own_database.dialect.name != "postgresql":
        pytest.skip("the bulk path is PostgreSQL's (run with HARBOUR_TEST_DATABASE_URL)")
    with db.unit_of_work() as session:
        org_id = make_org(session).id
    lines = [
        {"kind": "place", "id": f"h{i}", "type": "park", "name": f"Park {i}"} for i in range(300)
    ]
    lines += [
        {"kind": "person", "id": f"p{i}", "given_name": "Ava", "home": f"h{i}"} for i in range(300)
    ]
    batch = _write(tmp_path, lines)
    start = threading.Barrier(2)
    summaries: list[importer.Summary] = []
    failures: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            if path == "bulk":
                summaries.append(bulk.run_bulk_import(batch, ACTOR, organisation_id=org_id))
            else:
                summaries.append(
                    importer.run_import(batch, ACTOR, organisation_id=org_id, chunk_size=10)
                )
        except BaseException as exc:  # reported below, not lost in the thread
            failures.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert [s.rejected for s in summaries] == [[], []]
    with db.unit_of_work() as session:
        stored = _in_database(session)
        assert (len(stored["place"]), len(stored["person"])) == (300, 300)
        for kind in ("place", "person"):
            assert sum(s.created[kind] for s in summaries) == 300
            assert sum(s.created[kind] + s.unchanged[kind] for s in summaries) == 600
        assert _audited(session) == stored
        imports = session.scalars(select(AuditEvent).where(AuditEvent.action == "import"))
        created = [e.after["created"] for e in imports if e.after is not None]
        assert sum(c.get("place", 0) for c in created) == 300
