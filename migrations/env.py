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


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_item=render_item,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


given = config.attributes.get("connection")
if given is not None:
    run(given)
else:
    with db.get_engine().connect() as connection:
        run(connection)
        connection.commit()
