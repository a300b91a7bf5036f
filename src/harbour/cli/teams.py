"""harbour teams: teams within organisations."""

from __future__ import annotations

from typing import Annotated

import typer

from harbour import db
from harbour.auth import service as auth
from harbour.cli.common import _actor, _fail, console
from harbour.errors import HarbourError

teams_app = typer.Typer(help="Teams within organisations (audited).")


@teams_app.command("create")
def teams_create(
    name: str,
    organisation: Annotated[str, typer.Option(help="The organisation the team belongs to")],
) -> None:
    """Create a team in an organisation (does nothing if it exists)."""
    try:
        with db.unit_of_work() as session:
            org = auth.find_organisation(session, organisation)
            team = auth.ensure_team(session, _actor(), org, name.strip())
            console.print(f"Team [bold]{team.name}[/] in {org.name}.")
    except HarbourError as exc:
        raise _fail(exc.message) from exc
