"""harbour db: create and migrate the database; back up and restore a SQLite database."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Annotated

import typer
from alembic.config import Config
from sqlalchemy.engine import make_url

from harbour.cli.common import _fail, console
from harbour.settings import PROJECT_ROOT, get_settings

db_app = typer.Typer(help="Create and migrate the database named by HARBOUR_DATABASE_URL.")


def _alembic_config() -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    return config


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision")] = "head") -> None:
    """Migrate the database to the newest schema (or REVISION)."""
    from alembic import command

    command.upgrade(_alembic_config(), revision)
    console.print(f"Database is at revision [bold]{revision}[/].")
    if revision == "head":
        from harbour import db
        from harbour.measures import store

        with db.unit_of_work() as session:
            filled = store.fill_if_empty(session)
        if filled:
            console.print(f"The measures' facts were worked out for {filled:,} episodes.")


@db_app.command("refresh-measures")
def db_refresh_measures() -> None:
    """Work out the measures' facts about every episode again (docs/measures.md).

    Harbour keeps them in step as records change; this rewrites them all, as `harbour import
    --bulk` does when it ends (the bulk path writes with COPY, which no listener sees).
    """
    from harbour import db
    from harbour.measures import store

    with db.unit_of_work() as session:
        written = store.refresh_all(session)
    console.print(f"The measures' facts were worked out for {written:,} episodes.")


@db_app.command("current")
def db_current() -> None:
    """Show the database's current revision."""
    from alembic import command

    command.current(_alembic_config())


# -- SQLite backup and restore ------------------------------------------------------------------
# Both go through SQLite's online backup API, never a file copy: the database's committed
# changes may still be in its `-wal` file, so a copy of the main file alone misses them, and a
# copy laid over the main file while an old `-wal` is left beside it is corrupted when SQLite
# replays that WAL into it. The backup API reads and writes through SQLite, which handles both.


class DatabaseCheckFailed(Exception):
    """A database file that SQLite cannot open or whose integrity check fails."""


def _sqlite_file() -> Path:
    url = make_url(get_settings().database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise _fail(
            "harbour db backup and restore work on a SQLite database file. For PostgreSQL use "
            "pg_dump and pg_restore (see the operations guide, Backups)."
        )
    return Path(url.database)


def _read_only(path: Path) -> str:
    return f"{path.resolve().as_uri()}?mode=ro"


def check_sqlite(path: Path) -> int:
    """Check a SQLite database's integrity and return its number of audit events."""
    try:
        with closing(sqlite3.connect(_read_only(path), uri=True, timeout=30)) as db:
            found = [row[0] for row in db.execute("PRAGMA integrity_check")]
            if found != ["ok"]:
                raise DatabaseCheckFailed(f"{path} is damaged: {'; '.join(found[:5])}")
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
            if "audit_event" not in tables:
                return 0
            return int(db.execute("SELECT count(*) FROM audit_event").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        raise DatabaseCheckFailed(
            f"{path} is not a SQLite database SQLite can read: {exc}"
        ) from exc


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy one SQLite database onto another through SQLite's online backup API."""
    with (
        closing(sqlite3.connect(_read_only(source), uri=True, timeout=30)) as src,
        closing(sqlite3.connect(target, timeout=30)) as dst,
    ):
        src.backup(dst)


@db_app.command("backup")
def db_backup(
    target: Annotated[Path, typer.Argument(help="The new file to write the backup to")],
) -> None:
    """Back up the SQLite database to TARGET, safely while Harbour is running.

    Uses SQLite's online backup, so the copy is consistent and includes what is still in the
    database's -wal file. Use pg_dump for PostgreSQL.
    """
    source = _sqlite_file()
    if not source.exists():
        raise _fail(f"There is no database at {source} to back up.")
    if target.exists():
        raise _fail(f"{target} already exists. Give the backup a new file name.")
    target.parent.mkdir(parents=True, exist_ok=True)
    copy_sqlite(source, target)
    try:
        events = check_sqlite(target)
    except DatabaseCheckFailed as exc:
        raise _fail(str(exc)) from exc
    console.print(
        f"Backed up {source} to [bold]{target}[/] (integrity check ok, {events} audit events). "
        "Keep the number of audit events with the backup."
    )


@db_app.command("restore")
def db_restore(
    backup: Annotated[Path, typer.Argument(help="A backup made by harbour db backup")],
    yes: Annotated[
        bool, typer.Option("--yes", help="Replace the database without asking first")
    ] = False,
) -> None:
    """Replace the SQLite database with BACKUP. Stop Harbour first.

    The backup is checked before anything is replaced, and written through SQLite's backup API,
    so a -wal or -shm file left beside the database cannot corrupt the result. Everything
    written since the backup is lost. Run harbour audit verify afterwards.
    """
    target = _sqlite_file()
    if not backup.is_file():
        raise _fail(f"There is no backup at {backup}.")
    try:
        events = check_sqlite(backup)
    except DatabaseCheckFailed as exc:
        raise _fail(f"Nothing was restored: {exc}") from exc
    if not yes and not typer.confirm(
        f"Replace {target} with {backup}? Everything written since the backup is lost. "
        "Is Harbour stopped?"
    ):
        raise typer.Exit(code=1)
    try:
        copy_sqlite(backup, target)
    except sqlite3.OperationalError as exc:
        raise _fail(
            f"Nothing was restored: {exc}. Stop every Harbour process using {target} and try again."
        ) from exc
    try:
        check_sqlite(target)
    except DatabaseCheckFailed as exc:
        raise _fail(str(exc)) from exc
    console.print(
        f"Restored {target} from [bold]{backup}[/] (integrity check ok, {events} audit events). "
        "Run harbour audit verify before users return."
    )
