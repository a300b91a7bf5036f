"""Lines that once aborted a whole import now cost only themselves, on the row and bulk paths.

Each bad line below used to stop `harbour import` with a traceback (nothing loaded, no report)
or made its whole file unreadable; a byte-order mark rejected line 1 and all that referred to it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from harbour.actor import Channel, system_actor
from harbour.cli import app as cli
from harbour.episodes.models import Episode
from harbour.interop import bulk, importer
from harbour.people.models import Person, Place
from tests.factories import make_org

ACTOR = system_actor(Channel.cli, name="bad-input-tests")

# In reference order, so that the bulk path (earlier lines only) loads them all too.
BASE = [
    {"kind": "place", "id": "h1", "type": "care_home", "name": "Oak House"},
    {"kind": "person", "id": "p1", "given_name": "Mia", "home": "h1"},
    {"kind": "episode", "id": "e1", "person": "p1", "reported_at": "2025-06-01T21:40"},
]
PERSON = '{"kind": "person", "id": "x", "given_name": "Ava", "philomena": %s}'

BAD: list[tuple[str, bytes, str]] = [
    ("deep object", (PERSON % ('{"a": ' * 1500 + "1" + "}" * 1500)).encode(), "nested more"),
    ("deep array", b"[" * 100_000 + b"]" * 100_000, "nested more than 20 levels deep"),
    ("kind not text", b'{"kind": ["person"], "id": "x"}', "unknown kind (not text)"),
    ("kind an object", b'{"kind": {}, "id": "x"}', "unknown kind (not text)"),
    (
        "time before year 1 in UTC",
        json.dumps(
            {"kind": "episode", "id": "x", "person": "p1", "reported_at": "0001-01-01T00:00+01:00"}
        ).encode(),
        "outside the years 1 to 9999",
    ),
    (
        "time in year 1",
        b'{"kind": "episode", "id": "x", "person": "p1", "reported_at": "0001-01-01T12:00Z"}',
        "is before 1900",
    ),
    (
        "local time the autumn change repeats",
        b'{"kind": "episode", "id": "x", "person": "p1", "reported_at": "2025-10-26T01:30"}',
        "happened twice in local time",
    ),
    (
        "local time the spring change skipped",
        b'{"kind": "episode", "id": "x", "person": "p1", "reported_at": "2025-03-30T01:30"}',
        "did not happen in local time",
    ),
    (
        "NUL in a name",
        b'{"kind": "person", "id": "x", "given_name": "A\\u0000va"}',
        "contains a NUL character",
    ),
    ("NUL in a profile", (PERSON % '{"note": "a\\u0000b"}').encode(), "contains a NUL"),
    ("NaN", (PERSON % '{"score": NaN}').encode(), "NaN is not a JSON number"),
    ("Infinity", (PERSON % '{"score": -Infinity}').encode(), "-Infinity is not a JSON number"),
    ("float overflow", (PERSON % '{"score": 1e999}').encode(), "a number is out of range"),
    ("long integer", (PERSON % ('{"n": ' + "9" * 5000 + "}")).encode(), "more than 4300 digits"),
    ("lone surrogate", (PERSON % '{"note": "\\ud800"}').encode(), "\\ud800 is half of"),
    (
        "lone surrogate in a name",
        b'{"kind": "person", "id": "x", "given_name": "A\\udc00"}',
        "\\udc00 is half of a surrogate pair",
    ),
    (
        "Latin-1 byte",
        '{"kind": "place", "id": "x", "type": "park", "name": "Café"}'.encode("latin-1"),
        "not UTF-8 text: byte 0xe9 at column 58",
    ),
]

Run = Callable[[Path, int], importer.Summary]


@pytest.fixture(params=["row", "bulk"])
def run(request: pytest.FixtureRequest, connection: Connection) -> Run:
    """Import with the ordinary path, or the bulk COPY path where the database has it."""
    if request.param == "row":
        return lambda path, org: importer.run_import(path, ACTOR, organisation_id=org)
    if connection.dialect.name != "postgresql":
        pytest.skip("the bulk path is PostgreSQL's (run with HARBOUR_TEST_DATABASE_URL)")
    return lambda path, org: bulk.run_bulk_import(path, ACTOR, organisation_id=org)


def _file(tmp_path: Path, *lines: bytes, start: bytes = b"") -> Path:
    path = tmp_path / "batch.jsonl"
    path.write_bytes(start + b"\n".join(lines) + b"\n")
    return path


def _base() -> list[bytes]:
    return [json.dumps(line).encode() for line in BASE]


def _loaded(session: Session) -> tuple[int, int, int]:
    return tuple(  # type: ignore[return-value]
        session.scalar(select(func.count()).select_from(m)) or 0 for m in (Place, Person, Episode)
    )


@pytest.mark.parametrize(("bad", "reason"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_a_bad_line_costs_only_itself_and_is_reported(
    session: Session, tmp_path: Path, run: Run, bad: bytes, reason: str
) -> None:
    base = _base()
    path = _file(tmp_path, base[0], bad, *base[1:])
    summary = run(path, make_org(session).id)
    assert [(r.line, reason in r.reason) for r in summary.rejected] == [(2, True)], [
        (r.line, r.reason[:120]) for r in summary.rejected
    ]
    assert sum(summary.created.values()) == len(BASE)
    assert _loaded(session) == (1, 1, 1)
    report = tmp_path / "report.jsonl"
    importer.write_report(summary, report)
    (row,) = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert (row["line"], reason in row["reason"]) == (2, True)
    assert row["record"] == bad.decode("utf-8", "replace")  # bytes not UTF-8 shown as U+FFFD


def test_a_byte_order_mark_is_accepted(session: Session, tmp_path: Path, run: Run) -> None:
    """Line 1 (the place) was 'not valid JSON', and so every line that refers to it was too."""
    path = _file(tmp_path, *_base(), start=b"\xef\xbb\xbf")
    summary = run(path, make_org(session).id)
    assert summary.rejected == []
    assert _loaded(session) == (1, 1, 1)


def test_a_byte_order_mark_where_files_were_joined_is_accepted(
    session: Session, tmp_path: Path, run: Run
) -> None:
    base = _base()
    path = _file(tmp_path, base[0], b"\xef\xbb\xbf" + base[1], base[2])
    assert run(path, make_org(session).id).rejected == []
    assert _loaded(session) == (1, 1, 1)


def test_a_bad_byte_keeps_the_line_numbers_of_the_file(
    session: Session, tmp_path: Path, run: Run
) -> None:
    base = _base()
    bad = b'{"kind": "person", "id": "q", "given_name": "\xff\xfe"}'
    path = _file(tmp_path, base[0], b"", bad, b"\r", *base[1:])  # blank lines still count
    summary = run(path, make_org(session).id)
    assert [(r.line, r.reason) for r in summary.rejected] == [
        (3, "not UTF-8 text: byte 0xff at column 46 (save the file as UTF-8)")
    ]
    assert _loaded(session) == (1, 1, 1)


def test_the_command_prints_reasons_that_look_like_markup(
    connection: Connection, session: Session, tmp_path: Path
) -> None:
    """A reason quoting a kind of "[/]" was a rich MarkupError traceback after the load."""
    make_org(session, name="Only Force")
    session.commit()
    path = _file(tmp_path, *_base(), b'{"kind": "[/]", "id": "x"}')
    result = CliRunner().invoke(cli, ["import", str(path)])
    assert result.exit_code == 3, result.output
    assert "batch.jsonl:4: unknown kind '[/]'" in result.output
