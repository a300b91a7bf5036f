"""harbour demo: the demo organisations, users and invented people (development only)."""

from __future__ import annotations

import typer
from rich.table import Table

from harbour import db
from harbour.cli.common import _actor, _fail, console
from harbour.errors import HarbourError

demo_app = typer.Typer(help="Demo organisations, users and invented people (development only).")


@demo_app.command("setup")
def demo_setup() -> None:
    """Create the demo organisations, one user per role and a few invented people."""
    from harbour import demo

    try:
        with db.unit_of_work() as session:
            made = demo.set_up(session, _actor())
    except HarbourError as exc:
        raise _fail(exc.message) from exc
    table = Table(title="Demo sign-ins (development only)")
    table.add_column("username", no_wrap=True, min_width=25)
    table.add_column("role")
    table.add_column("organisation / team")
    for row in made:
        table.add_row(row.username, row.role.label, f"{row.organisation} / {row.team}")
    console.print(table)
    console.print(f"Every demo user's password is [bold]{demo.DEMO_PASSWORD}[/]", soft_wrap=True)
