"""Alembic environment: migrate the database Harbour's settings name (or a connection given)."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy.engine import Connection

from harbour import db
from harbour.models import metadata

config = context.config


def render_item(kind: str, obj: Any, autogen_context: Any) -> str | bool:
    """Write Harbour's UTC timestamp type as a plain timestamp in migrations."""
    if kind == "type" and isinstance(obj, db.UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _foreign_keys(connection: Connection, on: bool) -> None:
    # SQLite ignores this PRAGMA inside a transaction, so it goes straight to the driver's
    # connection, which is in autocommit mode between Harbour's transactions.
    connection.connection.driver_connection.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def _check_foreign_keys(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        tables = ", ".join(sorted({str(row[0]) for row in broken}))
        raise RuntimeError(
            f"The migration left {len(broken)} rows pointing at rows that do not exist "
            f"(in {tables}); nothing was changed."
        )


def run(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_item=render_item,
        render_as_batch=sqlite,
        compare_type=True,
    )
    # On SQLite, batch mode changes a table by copying it and dropping the old one; with
    # foreign keys enforced, dropping a table that other rows point at fails ("FOREIGN KEY
    # constraint failed") as soon as the database holds data. Alembic's advice: switch
    # enforcement off while migrating, and check every key before committing.
    # The PRAGMA holds only outside a transaction, so the migrations' transaction is ended here
    # (committed, or rolled back on failure) before enforcement is switched on again.
    switched = sqlite and not connection.in_transaction()
    if switched:
        _foreign_keys(connection, on=False)
    try:
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                _check_foreign_keys(connection)
        if switched and connection.in_transaction():
            connection.commit()
    finally:
        if switched:
            if connection.in_transaction():
                connection.rollback()
            _foreign_keys(connection, on=True)


given = config.attributes.get("connection")
if given is not None:
    run(given)
else:
    with db.get_engine().connect() as connection:
        run(connection)
        connection.commit()
