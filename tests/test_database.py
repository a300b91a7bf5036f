"""The database's life outside the app: SQLite backup and restore (`harbour db backup` and
`restore`), and every migration undone and redone on a database that holds data."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect, make_url, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from harbour import db, startup
from harbour.actor import Role
from harbour.cli import app as cli
from harbour.models import metadata
from harbour.network.models import NetworkAlert
from harbour.risk.grades import RiskGrade
from tests.conftest import scratch_postgres
from tests.factories import make_call, make_episode, make_person, make_team, make_user

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


# -- backup and restore -----------------------------------------------------------------------


@pytest.fixture
def database_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A SQLite database in WAL mode, named by HARBOUR_DATABASE_URL for the commands."""
    from harbour.settings import reset_settings

    path = tmp_path / "harbour.db"
    with closing(sqlite3.connect(path)) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE audit_event (id INTEGER PRIMARY KEY, action TEXT)")
        setup.executemany(
            "INSERT INTO audit_event (action) VALUES (?)", [("login",), ("view",), ("change",)]
        )
        setup.commit()
    monkeypatch.setenv("HARBOUR_DATABASE_URL", f"sqlite:///{path}")
    reset_settings()
    yield path
    monkeypatch.undo()
    reset_settings()


def _writer(path: Path) -> sqlite3.Connection:
    """A connection whose commits stay in the -wal file (no checkpoint) while it is open."""
    writer = sqlite3.connect(path)
    writer.execute("PRAGMA wal_autocheckpoint=0")
    return writer


def _rows(path: Path) -> list[tuple[int, str]]:
    with closing(sqlite3.connect(path)) as reader:
        return reader.execute("SELECT id, action FROM audit_event ORDER BY id").fetchall()


def _integrity(path: Path) -> str:
    with closing(sqlite3.connect(path)) as reader:
        return str(reader.execute("PRAGMA integrity_check").fetchone()[0])


def test_a_backup_holds_what_is_still_in_the_wal_file(database_file: Path, tmp_path: Path) -> None:
    writer = _writer(database_file)
    writer.execute("INSERT INTO audit_event (action) VALUES ('only in the wal')")
    writer.commit()
    wal = database_file.with_name(database_file.name + "-wal")
    assert wal.stat().st_size > 0
    backup = tmp_path / "backup.db"
    result = runner.invoke(cli, ["db", "backup", str(backup)])
    assert result.exit_code == 0, result.output
    assert "integrity check ok, 4 audit events" in result.output
    assert _rows(backup)[-1] == (4, "only in the wal")
    again = runner.invoke(cli, ["db", "backup", str(backup)])
    assert again.exit_code == 1 and "already exists" in again.output
    writer.close()


def test_restore_with_a_wal_file_left_gives_exactly_the_backup(
    database_file: Path, tmp_path: Path
) -> None:
    backup = tmp_path / "backup.db"
    assert runner.invoke(cli, ["db", "backup", str(backup)]).exit_code == 0
    backed_up = _rows(database_file)
    writer = _writer(database_file)  # more written after the backup, left in the -wal file
    writer.executemany(
        "INSERT INTO audit_event (action) VALUES (?)", [(f"later {n}",) for n in range(50)]
    )
    writer.commit()
    wal = database_file.with_name(database_file.name + "-wal")
    assert wal.stat().st_size > 0 and len(_rows(database_file)) == len(backed_up) + 50

    result = runner.invoke(cli, ["db", "restore", str(backup), "--yes"])
    assert result.exit_code == 0, result.output
    assert "Restored" in result.output and "harbour audit verify" in result.output
    assert _rows(database_file) == backed_up
    assert _integrity(database_file) == "ok"
    writer.close()  # the last connection checkpoints the -wal into the file
    assert _rows(database_file) == backed_up
    assert _integrity(database_file) == "ok"


def test_restore_refuses_a_damaged_backup_and_changes_nothing(
    database_file: Path, tmp_path: Path
) -> None:
    before = _rows(database_file)
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    result = runner.invoke(cli, ["db", "restore", str(damaged), "--yes"])
    assert result.exit_code == 1
    assert "Nothing was restored" in result.output
    assert _rows(database_file) == before


def test_backup_and_restore_are_for_sqlite(monkeypatch: pytest.MonkeyPatch) -> None:
    from harbour.settings import reset_settings

    monkeypatch.setenv("HARBOUR_DATABASE_URL", "postgresql://harbour@db.example/harbour")
    reset_settings()
    try:
        result = runner.invoke(cli, ["db", "backup", "anywhere.db"])
    finally:
        monkeypatch.undo()
        reset_settings()
    assert result.exit_code == 1 and "pg_dump" in result.output


# -- migrations down and up again, with data --------------------------------------------------


def _postgres_scratch() -> Iterator[str]:
    base = os.environ.get("HARBOUR_TEST_DATABASE_URL", "").strip()
    if not base:
        pytest.skip("HARBOUR_TEST_DATABASE_URL is not set: PostgreSQL is not tested")
    url = make_url(base.replace("postgresql://", "postgresql+psycopg://", 1))
    with scratch_postgres(url, "migrations") as scratch:
        yield scratch


@pytest.fixture(params=["sqlite", "postgresql"])
def scratch_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
    else:
        yield from _postgres_scratch()


def _config(connection: Connection) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["connection"] = connection
    return config


def _fill(session: Session) -> dict[str, int]:
    """A few rows in the main tables, pointing at each other as real data does."""
    team = make_team(session)
    officer = make_user(session, Role.hub_officer, team=team)
    child = make_person(session, officer, given_name="Rowan", date_of_birth="2012-05-01")
    adult = make_person(session, officer, given_name="Sam")
    make_episode(session, officer, child, grade=RiskGrade.medium)
    make_episode(session, officer, grade=RiskGrade.high)
    make_call(session, officer, child)
    alert = NetworkAlert(
        kind="common_associate",
        subject_type="person",
        subject_key=str(adult.id),
        subject_person_id=adult.id,
        score=0.9,
        reason="seen with two missing children",
        described={},
        evidence_count=2,
        organisation_id=team.organisation_id,
    )
    alert.child_ids = [child.id]
    alert.member_keys = [f"person:{adult.id}", "phone:+447700900555"]
    session.add(alert)
    session.flush()
    return {
        table: len(session.execute(select(metadata.tables[table])).all())
        for table in ("person", "episode", "call", "network_alert", "audit_event")
    }


def test_every_migration_undoes_and_redoes_with_data(scratch_url: str) -> None:
    startup.start()
    engine = db.make_engine(scratch_url)  # as Harbour connects: foreign keys enforced
    try:
        with engine.connect() as connection:
            config = _config(connection)
            command.upgrade(config, "head")
            connection.commit()
            with Session(bind=connection) as session:
                counts = _fill(session)
                session.commit()
            assert all(counts.values()), counts
            command.downgrade(config, "base")
            connection.commit()
            assert set(inspect(connection).get_table_names()) == {"alembic_version"}
            command.upgrade(config, "head")
            connection.commit()
            assert compare_metadata(MigrationContext.configure(connection), metadata) == []
            if connection.dialect.name == "sqlite":  # enforcement is back on after migrating
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()
