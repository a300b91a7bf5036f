"""`harbour import`: each rejection rule, references, idempotency, updates, report, exit codes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from harbour.actor import Channel, system_actor
from harbour.audit.models import AuditEvent
from harbour.calls.models import Call
from harbour.cli import app as cli
from harbour.episodes.models import Episode, EpisodeCompanion, EpisodeStatus
from harbour.interop import importer
from harbour.people.models import Association, DatePrecision, Person, PersonPhone, Place, Vehicle
from harbour.risk.grades import RiskGrade
from tests.factories import make_org

ACTOR = system_actor(Channel.cli, name="import-tests")

GOOD = [
    {
        "kind": "episode",
        "id": "e1",
        "person": "p1",
        "reported_at": "2025-06-01T21:40",
        "last_seen_place": "h1",
        "found_at": "2025-06-02T09:00+01:00",
        "found_place": "hotel",
        "found_with": ["p2"],
        "outcome": "found_safe",
        "risk_grade": "medium",
        "risk_answers": {"looked_after": True, "previous_episodes": 3},
    },
    {
        "kind": "place",
        "id": "h1",
        "type": "care_home",
        "name": "Oak House",
        "postcode": "N1 1AA",
        "borough": "Islington",
        "lat": 51.54,
        "lon": -0.1,
    },
    {"kind": "place", "id": "hotel", "type": "hotel", "address": "1 Station Road"},
    {
        "kind": "person",
        "id": "p1",
        "given_name": "Mia",
        "family_name": "Okoro",
        "date_of_birth": "2010-04",
        "sex": "female",
        "ethnicity": "black_african",
        "home": "h1",
        "phones": ["07700 900123"],
        "looked_after": True,
        "flags": ["cse_risk"],
        "philomena": {"part1_completed_at": "2024-01-01"},
    },
    {"kind": "person", "id": "p2", "family_name": "Stone", "aliases": ["Big D"]},
    {"kind": "vehicle", "id": "v1", "registration": "ab12 cde", "make": "Ford", "colour": "black"},
    {
        "kind": "call",
        "id": "c1",
        "received_at": "2025-06-01T21:30:00Z",
        "narrative": "Care home reports Mia not returned",
        "location": {"place": "h1"},
    },
    {
        "kind": "association",
        "id": "a1",
        "subject": "p1",
        "object": {"vehicle": "v1"},
        "type": "in_vehicle",
        "source": {"episode": "e1"},
        "observed_at": "2025-06-02T08:00",
    },
    {
        "kind": "association",
        "id": "a2",
        "subject": "p2",
        "object": {"phone": "+44 7700 900999"},
        "type": "uses_phone",
        "source": "intelligence report 77",
    },
]


def _write(tmp_path: Path, lines: list[object], name: str = "batch.jsonl") -> Path:
    path = tmp_path / name
    path.write_text(
        "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n"
    )
    return path


def _run(path: Path, org_id: int) -> importer.Summary:
    return importer.run_import(path, ACTOR, organisation_id=org_id)


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_batch_loads_in_any_order_with_references_resolved(
    connection: Connection, session: Session, tmp_path: Path
) -> None:
    org = make_org(session)
    summary = _run(_write(tmp_path, GOOD), org.id)
    assert summary.rejected == []
    assert summary.created == {
        "place": 2,
        "vehicle": 1,
        "person": 2,
        "episode": 1,
        "call": 1,
        "association": 2,
    }
    person = session.scalars(select(Person).where(Person.given_name == "Mia")).one()
    assert person.dob_precision is DatePrecision.month
    assert person.date_of_birth.isoformat() == "2010-04-01"
    assert person.looked_after is True
    assert session.scalars(select(PersonPhone.number)).all() == ["+447700900123"]
    episode = session.scalars(select(Episode)).one()
    assert episode.person_id == person.id
    assert episode.imported is True
    assert episode.status is EpisodeStatus.closed
    assert episode.risk_grade is RiskGrade.medium
    # 21:40 on 1 June without an offset is London time (BST): 20:40 UTC.
    assert episode.reported_at.isoformat() == "2025-06-01T20:40:00+00:00"
    assert _count(session, EpisodeCompanion) == 1
    vehicle = session.scalars(select(Vehicle)).one()
    assert vehicle.registration == "AB12CDE"
    link = session.scalars(
        select(Association).where(Association.object_vehicle_id.is_not(None))
    ).one()
    assert link.source_episode_id == episode.id
    phone_link = session.scalars(
        select(Association).where(Association.object_phone.is_not(None))
    ).one()
    assert phone_link.object_phone == "+447700900999"
    assert session.scalars(select(Call)).one().location_place_id is not None
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "import")).one()
    assert event.after is not None and event.after["rejected"] == 0


def test_importing_twice_changes_nothing(
    connection: Connection, session: Session, tmp_path: Path
) -> None:
    org = make_org(session)
    path = _write(tmp_path, GOOD)
    _run(path, org.id)
    counts = {
        m: _count(session, m) for m in (Place, Person, Episode, Call, Association, PersonPhone)
    }
    versions = dict(session.execute(select(Person.id, Person.version)).all())
    again = _run(path, org.id)
    assert sum(again.created.values()) == 0
    assert sum(again.updated.values()) == 0
    assert sum(again.unchanged.values()) == len(GOOD)
    session.expire_all()
    assert {m: _count(session, m) for m in counts} == counts
    assert dict(session.execute(select(Person.id, Person.version)).all()) == versions


def test_a_changed_line_updates_its_record(
    connection: Connection, session: Session, tmp_path: Path
) -> None:
    org = make_org(session)
    _run(_write(tmp_path, GOOD), org.id)
    changed = [dict(GOOD[4], family_name="Stoner", aliases=[])]
    summary = _run(_write(tmp_path, changed, "update.jsonl"), org.id)
    assert summary.updated == {"person": 1}
    session.expire_all()
    assert session.scalars(
        select(Person.family_name).where(Person.family_name.like("Ston%"))
    ).all() == ["Stoner"]
    assert _count(session, Person) == 2


def test_references_may_name_records_of_earlier_imports(
    connection: Connection, session: Session, tmp_path: Path
) -> None:
    org = make_org(session)
    _run(_write(tmp_path, GOOD), org.id)
    later = [{"kind": "episode", "id": "e2", "person": "p1", "reported_at": "2025-07-01T10:00"}]
    summary = _run(_write(tmp_path, later, "later.jsonl"), org.id)
    assert summary.created == {"episode": 1}
    assert (
        session.scalars(select(Episode).where(Episode.reported_at > GOOD_CUTOFF)).one().status
        is EpisodeStatus.missing
    )


GOOD_CUTOFF = datetime(2025, 6, 20, tzinfo=UTC)

BAD = [
    ("{not json", "not valid JSON"),
    ('["a", "list"]', "must be a JSON object"),
    ({"kind": "spaceship", "id": "x"}, "unknown kind 'spaceship'"),
    ({"kind": "place", "id": "x1", "type": "castle", "name": "Keep"}, "type"),
    ({"kind": "place", "id": "x2", "type": "park"}, "needs a name or an address"),
    ({"kind": "person", "id": "x3"}, "needs a given_name or a family_name"),
    ({"kind": "person", "given_name": "No Id"}, "id: is required"),
    ({"kind": "person", "id": "x4", "given_name": "A", "sex": "dragon"}, "sex"),
    (
        {"kind": "person", "id": "x5", "given_name": "A", "date_of_birth": "14/03/2011"},
        "not a date of birth",
    ),
    (
        {"kind": "person", "id": "x6", "given_name": "A", "date_of_birth": "2999-01-01"},
        "in the future",
    ),
    ({"kind": "person", "id": "x7", "given_name": "A", "ethnicity": "martian"}, "2021 Census"),
    ({"kind": "person", "id": "x8", "given_name": "A", "flags": ["vampire"]}, "unknown flag"),
    (
        {"kind": "person", "id": "x9", "given_name": "A", "givenname": "B"},
        "not a field of this kind",
    ),
    (
        {"kind": "person", "id": "x10", "given_name": "A", "home": "nowhere"},
        "refers to place 'nowhere'",
    ),
    ({"kind": "vehicle", "id": "x11", "registration": "??"}, "not a vehicle registration"),
    ({"kind": "episode", "id": "x12", "person": "p1"}, "reported_at: is required"),
    (
        {"kind": "episode", "id": "x13", "person": "p1", "reported_at": "2999-01-01T00:00"},
        "in the future",
    ),
    (
        {"kind": "episode", "id": "x14", "person": "p1", "reported_at": "yesterday"},
        "not an ISO 8601 time",
    ),
    (
        {"kind": "episode", "id": "x15", "person": "ghost", "reported_at": "2025-01-01T00:00"},
        "refers to person 'ghost'",
    ),
    (
        {
            "kind": "episode",
            "id": "x16",
            "person": "p1",
            "reported_at": "2025-01-01T00:00",
            "risk_grade": "extreme",
        },
        "risk_grade",
    ),
    (
        {
            "kind": "episode",
            "id": "x17",
            "person": "p1",
            "reported_at": "2025-01-01T00:00",
            "outcome": "found_safe",
        },
        "needs found_at",
    ),
    ({"kind": "call", "id": "x18", "received_at": "2025-01-01T00:00"}, "narrative: is required"),
    (
        {
            "kind": "episode",
            "id": "x22",
            "person": "p1",
            "reported_at": "2025-01-01T00:00",
            "risk_answers": {"likes_cats": True},
        },
        "risk_answers.likes_cats",
    ),
    (
        {
            "kind": "association",
            "id": "x19",
            "subject": "p1",
            "object": {"person": "p2", "place": "h1"},
            "type": "associate",
        },
        "exactly one of",
    ),
    (
        {
            "kind": "association",
            "id": "x20",
            "subject": "p1",
            "object": {"place": "h1"},
            "type": "enemy",
        },
        "type",
    ),
    (
        {
            "kind": "association",
            "id": "x21",
            "subject": "p1",
            "object": {"vehicle": "v9"},
            "type": "in_vehicle",
        },
        "refers to vehicle 'v9'",
    ),
    (
        {"kind": "place", "id": "h1", "type": "school", "name": "Duplicate"},
        "appears twice in this batch",
    ),
    (  # longer than E.164 allows (and than the phone column holds)
        {"kind": "person", "id": "x23", "given_name": "Zoe", "phones": ["0044 7700 900123 4567"]},
        "is not a phone number (it needs 6 to 15 digits",
    ),
    (
        {
            "kind": "association",
            "id": "x24",
            "subject": "p1",
            "object": {"phone": "07700 900123 07700 900123"},
            "type": "uses_phone",
        },
        "is not a phone number (it needs 6 to 15 digits",
    ),
]


@pytest.mark.parametrize(("line", "reason"), BAD, ids=[r for _, r in BAD])
def test_each_bad_line_is_rejected_with_a_reason_and_nothing_valid_is_lost(
    connection: Connection, session: Session, tmp_path: Path, line: object, reason: str
) -> None:
    org = make_org(session)
    path = _write(tmp_path, [*GOOD, line])
    summary = _run(path, org.id)
    assert len(summary.rejected) == 1, summary.rejected
    rejected = summary.rejected[0]
    assert rejected.line == len(GOOD) + 1
    assert reason in rejected.reason
    assert sum(summary.created.values()) == len(GOOD)


def test_a_rejected_record_takes_its_dependants_with_it(
    connection: Connection, session: Session, tmp_path: Path
) -> None:
    org = make_org(session)
    lines = [
        {"kind": "person", "id": "kid"},  # no name: rejected
        {"kind": "episode", "id": "ep", "person": "kid", "reported_at": "2025-01-01T10:00"},
    ]
    summary = _run(_write(tmp_path, lines), org.id)
    assert [r.line for r in summary.rejected] == [1, 2]
    assert "refers to person 'kid'" in summary.rejected[1].reason
    assert _count(session, Episode) == 0


def test_cli_exit_codes_and_the_report(
    connection: Connection, session: Session, tmp_path: Path
) -> None:
    make_org(session, name="Only Force")
    session.commit()
    runner = CliRunner()
    good = _write(tmp_path, GOOD, "good.jsonl")
    result = runner.invoke(cli, ["import", str(good)])
    assert result.exit_code == 0, result.output
    assert "Every line loaded" in result.output
    bad = _write(tmp_path, [GOOD[1], "{oops", {"kind": "person", "id": "q"}], "bad.jsonl")
    result = runner.invoke(cli, ["import", str(bad)])
    assert result.exit_code == 3
    report = tmp_path / "bad.jsonl.rejected.jsonl"
    rows = [json.loads(line) for line in report.read_text().splitlines()]
    assert [r["line"] for r in rows] == [2, 3]
    assert rows[0]["record"] == "{oops"
    missing = runner.invoke(cli, ["import", str(tmp_path / "nothing-here.jsonl")])
    assert missing.exit_code == 1
    assert "does not exist" in missing.output


def test_a_folder_is_read_file_by_file(
    connection: Connection, session: Session, tmp_path: Path
) -> None:
    org = make_org(session)
    folder = tmp_path / "batch"
    folder.mkdir()
    _write(folder, GOOD[:4], "1.jsonl")
    _write(folder, GOOD[4:], "2.jsonl")
    summary = _run(folder, org.id)
    assert summary.rejected == []
    assert len(summary.files) == 2
    assert sum(summary.created.values()) == len(GOOD)


def test_only_administrators_import(
    connection: Connection, session: Session, tmp_path: Path
) -> None:
    from harbour.actor import Role
    from harbour.errors import Forbidden
    from tests.factories import actor_of, make_user

    officer = actor_of(make_user(session, Role.hub_officer))
    with pytest.raises(Forbidden):
        importer.run_import(_write(tmp_path, GOOD), officer, organisation_id=1)


def test_the_ids_an_import_holds_stay_out_of_the_garbage_collectors_way() -> None:
    """A national load holds some 13 million ids; a container the collector tracks (tuples as
    keys) is walked at every full collection, and the load slowed threefold as it grew."""
    import gc

    from harbour.interop.importer import Refs

    refs = Refs()
    refs.add("person", "p1", 1, "digest")
    assert refs.id("person", "p1") == 1
    assert not gc.is_tracked(refs.ids["person"]) and not gc.is_tracked(refs.digests["person"])


def test_the_withdrawn_absent_category_is_kept_as_history_not_as_very_low(
    connection: Connection, session: Session, tmp_path: Path
) -> None:
    from harbour.episodes import service as episodes

    org = make_org(session)
    lines = [
        {"kind": "person", "id": "p1", "family_name": "Okoro", "date_of_birth": "2011-02"},
        {
            "kind": "episode",
            "id": "old",
            "person": "p1",
            "reported_at": "2019-03-01T20:00",
            "found_at": "2019-03-02T08:00",
            "outcome": "returned",
            "risk_grade": "absent",
        },
        {
            "kind": "episode",
            "id": "open",
            "person": "p1",
            "reported_at": "2025-06-01T21:40",
            "risk_grade": "absent",
        },
    ]
    summary = _run(_write(tmp_path, lines), org.id)
    assert summary.rejected == []
    rows = {e.status: e for e in session.scalars(select(Episode))}
    for episode in rows.values():
        assert episode.risk_grade is None and episode.legacy_grade == "absent"
    # Still missing under a withdrawn category: it needs a grade, and its clock has started.
    kinds = [r.kind for r in episodes.open_reviews(session, rows[EpisodeStatus.missing])]
    assert kinds == ["grading"]
    refused = _run(
        _write(
            tmp_path,
            [lines[0] | {"id": "p9"}, lines[2] | {"id": "x", "person": "p9", "risk_grade": "none"}],
            "bad.jsonl",
        ),
        org.id,
    )
    assert [r.line for r in refused.rejected] == [2]
