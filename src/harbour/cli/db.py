"""harbour db: create and migrate the database."""

from __future__ import annotations

from typing import Annotated

import typer
from alembic.config import Config

from harbour.cli.common import console
from harbour.settings import PROJECT_ROOT

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


@db_app.command("current")
def db_current() -> None:
    """Show the database's current revision."""
    from alembic import command

    command.current(_alembic_config())
